// The serving simulation's hot path: chat-shaped Poisson traffic on
// Llama-3-8B, one H100, vLLM's scheduler, at a rate that keeps about 64
// sequences running (18 req/s: `genz simulate ... --rate 18 --lengths chat`
// reports a mean of 65 running). Targets (issue 14): 10 000 requests in
// <= 50 ms, 1 000 000 in <= 5 s with memory growing only by the per-request
// results (rss_growth_MiB / requests, reported as bytes_per_request).
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include "bench_support.hpp"
#include "genz/serving/kv_capacity.hpp"
#include "genz/serving/simulator.hpp"
#include "genz/serving/summary.hpp"

namespace {

long max_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

void BM_Simulate_Chat(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  auto c = genz::bench::make_setup("llama3_8b", "h100", "nv_like", "vllm", {}, 0, 0,
                                   {genz::DType::bf16, genz::DType::bf16, genz::DType::bf16});
  genz::TrafficSpec t;
  t.rate = 18;
  t.requests = n;
  t.lengths = genz::LengthKind::chat;
  const genz::Workload w = genz::make_workload(t);
  genz::SimulationConfig cfg;
  cfg.scheduler = c->engine.scheduler;
  cfg.kv_tokens = genz::kv_capacity(*c, genz::step_tokens(cfg.scheduler, 3800)).tokens;
  const long rss_before = max_rss_kib();
  double running = 0;
  for (auto _ : state) {
    // A fresh cost model each time: its shapes are built inside the timing.
    genz::StepCost cost(c->view());
    const genz::SimulationResult r = genz::simulate(cost, w, cfg);
    running = genz::summarize(r, 0, 0).mean_running;
    benchmark::DoNotOptimize(r.end_time);
  }
  state.counters["mean_running"] = running;
  state.counters["requests/s"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["bytes_per_request"] =
      static_cast<double>(max_rss_kib() - rss_before) * 1024.0 / static_cast<double>(n);
}
BENCHMARK(BM_Simulate_Chat)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Simulate_Chat)->Arg(1000000)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

// The same stream with an EAGLE head (k 4, acceptance 0.8) and 70 % of the
// requests starting with one of 8 shared 1000-token prefixes.
void BM_Simulate_Chat_SpeculativePrefixes(benchmark::State& state) {
  const genz::Precision bf16{genz::DType::bf16, genz::DType::bf16, genz::DType::bf16};
  auto c = genz::bench::make_setup("llama3_8b", "h100", "nv_like", "vllm", {}, 0, 0, bf16);
  auto head = genz::bench::make_setup("llama3_8b", "h100", "nv_like", "vllm", {}, 0, 0, bf16, {}, R"({"layers": 1})");
  genz::TrafficSpec t;
  t.rate = 18;
  t.requests = static_cast<std::uint64_t>(state.range(0));
  t.lengths = genz::LengthKind::chat;
  t.prefix_share = 0.7;
  t.prefix_tokens = 1000;
  t.prefix_groups = 8;
  const genz::Workload w = genz::make_workload(t);
  genz::SimulationConfig cfg;
  cfg.scheduler = c->engine.scheduler;
  cfg.kv_tokens = genz::kv_capacity(*c, genz::step_tokens(cfg.scheduler, 3800)).tokens;
  cfg.spec_k = 4;
  cfg.spec_accept = {0.8};
  for (auto _ : state) {
    genz::StepCost cost(c->view());
    cost.speculate(4, std::make_unique<genz::StepCost>(head->view()));
    const genz::SimulationResult r = genz::simulate(cost, w, cfg);
    benchmark::DoNotOptimize(r.end_time);
  }
  state.counters["requests/s"] =
      benchmark::Counter(static_cast<double>(t.requests), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Simulate_Chat_SpeculativePrefixes)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
