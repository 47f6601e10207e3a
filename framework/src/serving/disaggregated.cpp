#include "genz/serving/disaggregated.hpp"

#include <algorithm>
#include <numeric>

#include "genz/host/error.hpp"

namespace genz {
namespace {

// The reason list of `from` merged into `into`; returns the index map.
std::vector<std::uint8_t> merge_reasons(const std::vector<std::string>& from, std::vector<std::string>& into) {
  std::vector<std::uint8_t> map;
  for (const std::string& why : from) {
    auto it = std::find(into.begin(), into.end(), why);
    if (it == into.end()) it = into.insert(into.end(), why);
    map.push_back(static_cast<std::uint8_t>(std::min<std::ptrdiff_t>(254, it - into.begin())));
  }
  return map;
}

struct Handover {
  Workload decode;
  std::vector<std::size_t> original;  // decode request -> request of the stream
  double transfer_area = 0;           // request-seconds spent crossing the link
};

Handover hand_over(const Workload& w, const SimulationResult& first, const DisaggregatedConfig& c) {
  Handover h;
  std::vector<std::size_t> order;
  std::vector<double> arrive(w.requests.size(), 0);
  for (std::size_t i = 0; i < w.requests.size(); ++i) {
    const RequestResult& p = first.requests[i];
    if (p.state != RequestState::finished || w.requests[i].output <= 1) continue;
    const double transfer = c.link_latency + w.requests[i].input * c.kv_bytes_per_token / c.link_bandwidth;
    arrive[i] = p.first_token + transfer;
    h.transfer_area += transfer;
    order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return arrive[a] < arrive[b]; });
  for (std::size_t i : order) {
    ServingRequest r = w.requests[i];
    r.arrival = arrive[i];
    r.output -= 1;
    r.prefilled = true;
    r.first_token = first.requests[i].first_token;
    h.decode.requests.push_back(r);
    h.original.push_back(i);
  }
  h.decode.description = w.description;
  return h;
}

}  // namespace

SimulationResult simulate_disaggregated(StepCost& prefill, StepCost& decode, const Workload& w,
                                        const DisaggregatedConfig& c) {
  if (w.concurrency > 0)
    throw InputError(
        "disaggregated serving is simulated with open arrivals (--rate or a trace with arrival times): closed-loop "
        "clients would couple the prefill and decode pools");
  if (!(c.link_bandwidth > 0)) throw InputError("disaggregated serving: no link joins the prefill and decode workers");
  Workload first = w;
  for (ServingRequest& r : first.requests) r.output = 1;
  SimulationResult out = simulate(prefill, first, c.prefill);
  const Handover h = hand_over(w, out, c);
  SimulationConfig dc = c.decode;
  dc.server_latency = 0;  // the front end was crossed before the prefill
  if (dc.time_limit <= 0) dc.time_limit = out.hit_time_limit ? out.end_time : 0;
  const SimulationResult second = simulate(decode, h.decode, dc);
  const std::vector<std::uint8_t> map = merge_reasons(second.reject_reasons, out.reject_reasons);
  for (std::size_t k = 0; k < h.original.size(); ++k) {
    RequestResult& r = out.requests[h.original[k]];
    const RequestResult& d = second.requests[k];
    r.output = w.requests[h.original[k]].output;
    r.finish = d.finish;
    r.state = d.state;
    r.max_itl = d.max_itl;
    r.preemptions += d.preemptions;
    if (d.state == RequestState::rejected) r.reject_reason = map[d.reject_reason];
  }
  out.steps += second.steps;
  out.preemptions += second.preemptions;
  out.prefill_tokens += second.prefill_tokens;
  out.output_tokens += second.output_tokens;
  out.end_time = std::max(out.end_time, second.end_time);
  out.in_system_area += h.transfer_area + second.in_system_area;
  // Batch, KV and time series: the decode pool's, where the batch forms.
  out.busy_time = second.busy_time;
  out.running_area = second.running_area;
  out.decode_area = second.decode_area;
  out.kv_area = second.kv_area;
  out.max_running = second.max_running;
  out.max_kv_use = second.max_kv_use;
  out.kv_blocks = second.kv_blocks;
  out.series = second.series;
  out.gaps = second.gaps;
  out.hit_time_limit = out.hit_time_limit || second.hit_time_limit;
  out.queue_growth += second.queue_growth;
  // Drafts are verified on the decode workers; prompts (and the decode side's
  // recomputed ones) meet prefix caches on both.
  out.spec_steps = second.spec_steps;
  out.spec_tokens = second.spec_tokens;
  out.prefix_admissions += second.prefix_admissions;
  out.prefix_hits += second.prefix_hits;
  out.prefix_prompt_tokens += second.prefix_prompt_tokens;
  out.prefix_hit_tokens += second.prefix_hit_tokens;
  out.prefix_evictions += second.prefix_evictions;
  return out;
}

}  // namespace genz
