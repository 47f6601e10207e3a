// `genz plan`'s search: Llama-3-70B on H100, H200 and A100 (each alone and
// as pipeline halves of each other) x TP 1-8 x PP 1-4 x dtype x KV dtype x
// 3 engines, evaluated on every core, then every batch limit, aggregated
// and disaggregated (prefill/decode pairs), ranked for Poisson traffic
// against TTFT/TPOT targets: tens of thousands of candidate deployments.
#include <benchmark/benchmark.h>

#include "genz/host/plugin_registry.hpp"
#include "genz/planning/plan_search.hpp"
#include "plan_space.hpp"

namespace {

genz::cli::Options plan_options() {
  const char* argv[] = {"genz",       "plan", "--model",   "llama3_70b", "--hw",       "h100,h200,a100_80gb",
                        "--rate",     "20",   "--lengths", "chat",       "--slo-ttft", "1000",
                        "--slo-tpot", "50",   "--gpus",    "64",         "--kv-dtype", "bf16,fp8"};
  return genz::cli::parse_options(static_cast<int>(std::size(argv)), argv);
}

genz::plan::Traffic chat_traffic() {
  // The chat distribution's figures (genz plan prints them): fixed here so the
  // benchmark times the search, not drawing the lengths.
  genz::plan::Traffic t;
  t.input = 892;
  t.output = 212;
  t.input_at_percentile = 2039;
  t.input_cv2 = 1.6;
  t.rate = 20;
  return t;
}

void BM_Plan_Llama3_70B_Search(benchmark::State& state) {
  auto registry = std::make_shared<genz::PluginRegistry>();
  registry->load_directory(GENZ_BENCH_PLUGIN_DIR);
  const genz::cli::Options o = plan_options();
  genz::plan::PlanRequest request;
  request.traffic = chat_traffic();
  request.targets = genz::plan::Targets{1.0, 0.05, 90};
  request.budget.gpus = 64;
  std::size_t candidates = 0, configs = 0;
  for (auto _ : state) {
    const genz::cli::PlanSpace space = genz::cli::plan_space(o, *registry);
    const auto evals = genz::cli::evaluate_space(space, registry, request.traffic, nullptr, 0, 0);
    const genz::plan::PlanResult result = genz::plan::search(evals, request);
    candidates += result.candidates.size();
    configs += evals.size();
    benchmark::DoNotOptimize(result.ranked.data());
  }
  state.counters["configurations"] = static_cast<double>(configs) / static_cast<double>(state.iterations());
  state.counters["candidates"] = static_cast<double>(candidates) / static_cast<double>(state.iterations());
  state.counters["candidates/s"] = benchmark::Counter(static_cast<double>(candidates), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Plan_Llama3_70B_Search)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
