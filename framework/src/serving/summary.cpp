#include "genz/serving/summary.hpp"

#include <algorithm>
#include <cmath>

namespace genz {
namespace {

// A queue that grows by more than this share of the offered rate over the
// second half of the arrivals means the deployment cannot keep up.
constexpr double kOverloadGrowth = 0.05;

// Linear interpolation between order statistics; nth_element keeps it
// linear in the number of requests (a million of them).
Percentiles percentiles(std::vector<double>& v) {
  Percentiles p;
  if (v.empty()) return p;
  double sum = 0;
  for (double x : v) sum += x;
  p.mean = sum / static_cast<double>(v.size());
  auto at = [&](double q) {
    const double pos = q * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(pos);
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(lo), v.end());
    const double a = v[lo];
    if (lo + 1 >= v.size()) return a;
    const double b = *std::min_element(v.begin() + static_cast<std::ptrdiff_t>(lo) + 1, v.end());
    return a + (b - a) * (pos - static_cast<double>(lo));
  };
  p.p50 = at(0.5);
  p.p90 = at(0.9);
  p.p99 = at(0.99);
  p.max = *std::max_element(v.begin(), v.end());
  return p;
}

template <class F>
Percentiles over_finished(const SimulationResult& r, F value, bool only_multi_token = false) {
  std::vector<double> v;
  v.reserve(r.requests.size());
  for (const RequestResult& q : r.requests)
    if (q.state == RequestState::finished && (!only_multi_token || q.output > 1)) v.push_back(value(q));
  return percentiles(v);
}

void add_counts(const SimulationResult& r, ServingSummary& s) {
  s.requests = r.requests.size();
  std::vector<std::uint64_t> reasons(r.reject_reasons.size(), 0);
  double first = -1;
  for (const RequestResult& q : r.requests) {
    if (first < 0 || q.arrival < first) first = q.arrival;
    if (q.state == RequestState::finished) {
      ++s.finished;
      s.tokens_expected += q.output;
    } else if (q.state == RequestState::rejected) {
      ++s.rejected;
      if (q.reject_reason < reasons.size()) ++reasons[q.reject_reason];
    } else {
      ++s.unfinished;
    }
  }
  for (std::size_t i = 0; i < reasons.size(); ++i) s.reject_reasons.emplace_back(r.reject_reasons[i], reasons[i]);
  double last_arrival = 0;
  for (const RequestResult& q : r.requests) last_arrival = std::max(last_arrival, q.arrival);
  s.duration = r.end_time - std::max(first, 0.0);
  s.offered_rate = last_arrival > 0 ? static_cast<double>(s.requests - 1) / last_arrival : 0;
}

void add_slo(const SimulationResult& r, ServingSummary& s) {
  std::uint64_t met = 0;
  for (const RequestResult& q : r.requests) {
    if (q.state != RequestState::finished) continue;
    const bool ttft_ok = s.slo_ttft <= 0 || q.ttft() <= s.slo_ttft;
    const bool tpot_ok = s.slo_tpot <= 0 || q.tpot() <= s.slo_tpot;
    met += ttft_ok && tpot_ok ? 1 : 0;
  }
  s.slo_attainment = s.requests > 0 ? static_cast<double>(met) / static_cast<double>(s.requests) : 0;
  s.goodput = s.duration > 0 ? static_cast<double>(met) / s.duration : 0;
}

void add_little(const SimulationResult& r, ServingSummary& s) {
  if (r.end_time <= 0 || s.finished == 0) return;
  double time_in_system = 0;
  for (const RequestResult& q : r.requests)
    if (q.state == RequestState::finished) time_in_system += q.e2e() - r.server_latency;
  // Over [0, end] every finished request's whole stay is inside the window.
  s.little_l = r.in_system_area / r.end_time;
  const double lambda = static_cast<double>(s.finished) / r.end_time;
  s.little_lambda_w = lambda * time_in_system / static_cast<double>(s.finished);
  s.little_error_pct = s.little_lambda_w > 0 ? (s.little_l - s.little_lambda_w) / s.little_lambda_w * 100 : 0;
}

}  // namespace

ServingSummary summarize(const SimulationResult& r, double slo_ttft, double slo_tpot) {
  ServingSummary s;
  s.slo_ttft = slo_ttft;
  s.slo_tpot = slo_tpot;
  add_counts(r, s);
  s.preemptions = r.preemptions;
  s.steps = r.steps;
  s.ttft = over_finished(r, [](const RequestResult& q) { return q.ttft(); });
  s.tpot = over_finished(
      r, [](const RequestResult& q) { return q.tpot(); }, true);
  s.e2e = over_finished(r, [](const RequestResult& q) { return q.e2e(); });
  s.queueing = over_finished(r, [](const RequestResult& q) { return q.queueing(); });
  s.itl.p50 = r.gaps.quantile(0.5);
  s.itl.p90 = r.gaps.quantile(0.9);
  s.itl.p99 = r.gaps.quantile(0.99);
  s.itl.max = r.gaps.quantile(1.0);
  double gap_sum = 0, gaps = 0;
  for (const RequestResult& q : r.requests)
    if (q.state == RequestState::finished && q.output > 1) {
      gap_sum += q.finish - q.first_token;
      gaps += q.output - 1;
    }
  s.itl.mean = gaps > 0 ? gap_sum / gaps : 0;
  // Speculative tokens stream in bursts, one gap per verify step: the mean
  // gap is then the gaps' own, not TPOT's.
  if (r.spec_steps > 0) s.itl.mean = r.gaps.mean();
  if (s.duration > 0) {
    double in = 0, out = 0;
    for (const RequestResult& q : r.requests)
      if (q.state == RequestState::finished) in += q.input, out += q.output;
    s.request_throughput = static_cast<double>(s.finished) / s.duration;
    s.output_throughput = out / s.duration;
    s.total_throughput = (in + out) / s.duration;
  }
  add_slo(r, s);
  if (r.busy_time > 0) {
    s.mean_running = r.running_area / r.busy_time;
    s.mean_decode_batch = r.decode_area / r.busy_time;
    s.mean_kv_use = r.kv_area / r.busy_time;
  }
  s.max_running = r.max_running;
  s.max_kv_use = r.max_kv_use;
  s.kv_blocks = r.kv_blocks;
  add_little(r, s);
  s.tokens_generated = r.output_tokens;
  s.queue_growth = r.queue_growth;
  s.hit_time_limit = r.hit_time_limit;
  s.overloaded = r.hit_time_limit || (s.offered_rate > 0 && r.queue_growth > kOverloadGrowth * s.offered_rate);
  if (r.spec_steps > 0) s.spec_tokens_per_step = r.spec_tokens / r.spec_steps;
  s.prefix_admissions = r.prefix_admissions;
  if (r.prefix_admissions > 0) s.prefix_request_hit_rate = r.prefix_hits / r.prefix_admissions;
  if (r.prefix_prompt_tokens > 0) s.prefix_token_hit_rate = r.prefix_hit_tokens / r.prefix_prompt_tokens;
  s.prefix_evictions = r.prefix_evictions;
  return s;
}

}  // namespace genz

namespace genz {
namespace {

constexpr std::size_t kCdfPoints = 200;

void add_percentiles(std::vector<SummaryMetric>& m, const std::string& name, const Percentiles& p, double scale,
                     const std::string& unit) {
  m.push_back({name + " mean", p.mean * scale, unit});
  m.push_back({name + " p50", p.p50 * scale, unit});
  m.push_back({name + " p90", p.p90 * scale, unit});
  m.push_back({name + " p99", p.p99 * scale, unit});
  m.push_back({name + " max", p.max * scale, unit});
}

template <class F>
SummarySeries cdf(const SimulationResult& r, const std::string& title, F value, bool multi_token = false) {
  std::vector<double> v;
  for (const RequestResult& q : r.requests)
    if (q.state == RequestState::finished && (!multi_token || q.output > 1)) v.push_back(value(q) * 1e3);
  std::sort(v.begin(), v.end());
  SummarySeries s{title + " CDF", title + " (ms)", "share of requests", {}, {}};
  const std::size_t n = v.size();
  for (std::size_t k = 0; n > 0 && k < kCdfPoints; ++k) {
    const std::size_t i = std::min(n - 1, (k + 1) * n / kCdfPoints);
    s.x.push_back(v[i]);
    s.y.push_back(static_cast<double>(i + 1) / static_cast<double>(n));
  }
  return s;
}

}  // namespace

std::vector<SummaryMetric> summary_metrics(const ServingSummary& s) {
  std::vector<SummaryMetric> m;
  const auto count = [](std::uint64_t v) { return static_cast<double>(v); };
  m.push_back({"requests", count(s.requests), ""});
  m.push_back({"finished", count(s.finished), ""});
  m.push_back({"rejected", count(s.rejected), ""});
  m.push_back({"unfinished", count(s.unfinished), ""});
  m.push_back({"preemptions", count(s.preemptions), ""});
  m.push_back({"offered rate", s.offered_rate, "req/s"});
  m.push_back({"request throughput", s.request_throughput, "req/s"});
  m.push_back({"output token throughput", s.output_throughput, "tok/s"});
  m.push_back({"total token throughput", s.total_throughput, "tok/s"});
  if (s.slo_ttft > 0 || s.slo_tpot > 0) {
    m.push_back({"goodput", s.goodput, "req/s"});
    m.push_back({"SLO attainment", s.slo_attainment * 100, "%"});
  }
  add_percentiles(m, "TTFT", s.ttft, 1e3, "ms");
  add_percentiles(m, "TPOT", s.tpot, 1e3, "ms");
  add_percentiles(m, "inter-token latency", s.itl, 1e3, "ms");
  add_percentiles(m, "E2E", s.e2e, 1e3, "ms");
  add_percentiles(m, "queueing", s.queueing, 1e3, "ms");
  m.push_back({"mean running sequences", s.mean_running, ""});
  m.push_back({"max running sequences", s.max_running, ""});
  m.push_back({"mean decode batch", s.mean_decode_batch, ""});
  m.push_back({"mean KV-cache use", s.mean_kv_use * 100, "%"});
  m.push_back({"max KV-cache use", s.max_kv_use * 100, "%"});
  m.push_back({"KV-cache blocks per replica", s.kv_blocks, ""});
  m.push_back({"Little's law error", s.little_error_pct, "%"});
  m.push_back({"queue growth", s.queue_growth, "req/s"});
  m.push_back({"overloaded", s.overloaded ? 1.0 : 0.0, ""});
  m.push_back({"steps", count(s.steps), ""});
  if (s.spec_tokens_per_step > 0) m.push_back({"tokens per speculative step", s.spec_tokens_per_step, ""});
  if (s.prefix_admissions > 0) {
    m.push_back({"prefix-cache request hit rate", s.prefix_request_hit_rate * 100, "%"});
    m.push_back({"prefix-cache token hit rate", s.prefix_token_hit_rate * 100, "%"});
    m.push_back({"prefix-cache evictions", s.prefix_evictions, ""});
  }
  m.push_back({"simulated duration", s.duration, "s"});
  return m;
}

std::vector<SummarySeries> summary_series(const SimulationResult& r) {
  std::vector<SummarySeries> out;
  auto series = [&](const char* title, const char* y, double scale, double SeriesPoint::*field) {
    SummarySeries s{title, "time (s)", y, {}, {}};
    for (const SeriesPoint& p : r.series) {
      s.x.push_back(p.start + p.width / 2);
      s.y.push_back(p.*field * scale);
    }
    out.push_back(std::move(s));
  };
  series("Queued requests", "requests waiting", 1, &SeriesPoint::queued);
  series("Running sequences", "sequences in the batch", 1, &SeriesPoint::running);
  series("KV-cache use", "% of blocks", 100, &SeriesPoint::kv_use);
  series("Output token rate", "tokens/s", 1, &SeriesPoint::token_rate);
  out.push_back(cdf(r, "TTFT", [](const RequestResult& q) { return q.ttft(); }));
  out.push_back(cdf(
      r, "TPOT", [](const RequestResult& q) { return q.tpot(); }, true));
  out.push_back(cdf(r, "E2E", [](const RequestResult& q) { return q.e2e(); }));
  return out;
}

}  // namespace genz
