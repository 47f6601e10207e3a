#include "serving_options.hpp"

#include <algorithm>
#include <cstdio>

#include "genz/serving/disaggregated.hpp"

namespace genz::cli {

TrafficSpec traffic_spec(const Options& o) {
  TrafficSpec t;
  t.trace = o.trace;
  t.rate = o.rate.value_or(0);
  t.concurrency = o.concurrency.value_or(0);
  t.requests = o.requests;
  t.duration = o.duration.value_or(0);
  t.seed = o.seed;
  t.lengths = o.lengths == "chat"        ? LengthKind::chat
              : o.lengths == "trace"     ? LengthKind::trace
              : o.lengths == "fixed"     ? LengthKind::fixed
              : o.lengths == "lognormal" ? LengthKind::lognormal
              : o.trace.empty()          ? LengthKind::fixed
                                         : LengthKind::trace;
  if (o.length_spread) t.length_spread = *o.length_spread;
  t.input = o.input_tokens;
  t.output = o.output_tokens;
  t.prefix_share = o.prefix_share.value_or(0);
  t.prefix_tokens = o.prefix_tokens.value_or(0);
  t.prefix_groups = o.prefix_groups.value_or(1);
  if (t.lengths == LengthKind::fixed || t.lengths == LengthKind::lognormal)
    check_request(Request{t.input, t.output, 1, 1}, ModelInfo{});
  return t;
}

Request largest_request(const Workload& w) {
  Request r{1, 1, 1, 1};
  for (const ServingRequest& q : w.requests)
    if (q.input + q.output > r.input + r.output) r = Request{q.input, q.output, 1, 1};
  return r;
}

SchedulerProfile scheduler_for(const Options& o, const EngineProfile& e) {
  SchedulerProfile s = e.scheduler;
  if (o.max_seqs) s.max_seqs = *o.max_seqs;
  if (o.max_tokens) s.max_tokens = *o.max_tokens;
  if (!o.chunked_prefill.empty()) s.chunked_prefill = o.chunked_prefill == "on";
  if (!o.step_order.empty())
    s.order = o.step_order == "prefill_first" ? StepOrder::prefill_first : StepOrder::decode_first;
  if (o.block_size) s.block_size = *o.block_size;
  if (!o.prefix_caching.empty()) s.prefix_caching = o.prefix_caching == "on";
  return s;
}

std::string scheduler_text(const SchedulerProfile& s) {
  char buf[256];
  std::snprintf(
      buf, sizeof buf, "%s, max %u sequences and %.0f tokens per step, chunked prefill %s, %s, %u-token blocks%s",
      s.static_batching ? "static batches" : "continuous batching", s.max_seqs, s.max_tokens,
      s.chunked_prefill ? "on" : "off", s.order == StepOrder::decode_first ? "decode first" : "prefill first",
      s.block_size, s.reserve_output ? ", blocks reserved for the whole output" : ", preemption by recompute");
  return buf;
}

std::string speculation_text(const SpecConfig& c) {
  std::string accept;
  for (double a : c.accept) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%s%g", accept.empty() ? "" : ",", a);
    accept += buf;
  }
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s drafts %u tokens, acceptance %s per position: %.3f tokens per step expected",
                c.drafter.c_str(), c.k, accept.c_str(), c.expected_tokens());
  return buf;
}

std::string prefix_caching_text(const Options& o, const SchedulerProfile& s) {
  return std::string(s.prefix_caching ? "on" : "off") +
         (o.prefix_caching.empty() ? " (the engine's default)" : " (--prefix-caching)");
}

namespace {

// The decode replicas' drafter: its steps in every decode, its weights and
// its KV cache per token taken from theirs.
void open_drafter(const Options& o, std::shared_ptr<const PluginRegistry> registry, SimulationRun& run) {
  run.speculation = open_speculation(o, std::move(registry), *run.session, Request{1, 1, 1, 1});
  if (!run.speculation) return;
  const Speculation& sp = *run.speculation;
  run.config.spec_k = sp.config.k;
  run.config.spec_accept = sp.config.accept;
  run.config.seed = o.seed;
  run.kv = beside_drafter(run.kv, sp.weight_bytes, sp.kv_bytes_per_token);
  run.config.kv_tokens = run.kv.tokens;
}

void attach_drafter(const SimulationRun& run, StepCost& cost) {
  if (run.speculation)
    cost.speculate(run.speculation->config.k, std::make_unique<StepCost>(run.speculation->drafter->view()));
}

Options prefill_options(const Options& o) {
  Options p = o;
  p.stage_hw = o.prefill_stage_hw;
  if (!o.prefill_hw.empty()) p.hw = o.prefill_hw;
  if (!p.stage_hw.empty()) p.hw = p.stage_hw.front();
  if (o.prefill_tp) p.tp = o.prefill_tp;
  if (o.prefill_pp) p.pp = o.prefill_pp;
  if (o.prefill_ep) p.ep = o.prefill_ep;
  p.dp = *o.prefill_workers;
  return p;
}

SimulationConfig pool_config(const Options& o, Session& s, const Request& largest, KvCapacity& kv) {
  SimulationConfig c;
  c.scheduler = scheduler_for(o, s.engine);
  kv = kv_capacity(s, step_tokens(c.scheduler, largest.input));
  c.kv_tokens = kv.tokens;
  c.replicas = o.dp;
  c.router = o.router == "least_loaded" ? Router::least_loaded : Router::round_robin;
  c.time_limit = o.max_sim_time.value_or(0);
  c.server_latency = s.engine.server_latency;
  return c;
}

void run_disaggregated(const Options& o, std::shared_ptr<const PluginRegistry> registry, SimulationRun& run) {
  const Options po = prefill_options(o);
  run.prefill_session = open_session(std::move(registry), po, Request{1, 1, 1, 1});
  Session& p = *run.prefill_session;
  Session& d = *run.session;
  KvCapacity prefill_kv;
  DisaggregatedConfig c;
  c.prefill = pool_config(po, p, run.largest, prefill_kv);
  c.decode = run.config;
  c.kv_bytes_per_token = run.kv.bytes_per_token * d.layout.world();
  const LinkSpec a = network_share(p, p.layout.world());
  const LinkSpec b = network_share(d, d.layout.world());
  c.link_bandwidth = std::min(a.bandwidth * a.efficiency, b.bandwidth * b.efficiency);
  c.link_latency = std::max(a.latency, b.latency);
  StepCost prefill_cost(p.view()), decode_cost(d.view());
  attach_drafter(run, decode_cost);
  run.result = simulate_disaggregated(prefill_cost, decode_cost, run.workload, c);
  run.prefill_config = c.prefill;
}

}  // namespace

SimulationRun run_simulation(const Options& o, std::shared_ptr<const PluginRegistry> registry) {
  SimulationRun run;
  run.workload = make_workload(traffic_spec(o));
  run.largest = largest_request(run.workload);
  if (!registry) {
    auto loaded = std::make_shared<PluginRegistry>();
    load_plugins(*loaded, o);
    registry = std::move(loaded);
  }
  // The layout must hold the weights; what is left is the KV cache, and a
  // request that can never fit it is rejected, not a reason to choose
  // another layout (open_session sizes for the request it is given).
  run.session = open_session(registry, o, Request{1, 1, 1, 1});
  run.config = pool_config(o, *run.session, run.largest, run.kv);
  open_drafter(o, registry, run);
  if (o.prefill_workers) {
    run_disaggregated(o, registry, run);
  } else {
    StepCost cost(run.session->view());
    attach_drafter(run, cost);
    run.result = simulate(cost, run.workload, run.config);
  }
  run.summary = summarize(run.result, o.slo_ttft_ms.value_or(0) * 1e-3, o.slo_tpot_ms.value_or(0) * 1e-3);
  return run;
}

}  // namespace genz::cli
