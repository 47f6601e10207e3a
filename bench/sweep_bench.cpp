// `genz sweep`'s hot path: composing and predicting many configurations from
// one set of loaded plugins (6 GPUs x TP 4 x PP 3 x batch 4 x dtype 2 x
// prompt 3 = 1728 configurations of Llama-3-70B, about a fifth of them not
// fitting).
#include <benchmark/benchmark.h>

#include "genz/host/plugin_registry.hpp"
#include "sweep.hpp"

namespace {

void BM_Sweep_Llama3_70B_1728_Configs(benchmark::State& state) {
  auto registry = std::make_shared<genz::PluginRegistry>();
  registry->load_directory(GENZ_BENCH_PLUGIN_DIR);
  genz::cli::Options base;
  base.model = "llama3_70b";
  const auto axes =
      genz::cli::parse_sweep_axes({"hw=rtx3090,rtx4090,a100_80gb,h100,h200,mi300x", "tp=1,2,4,8", "pp=1,2,4",
                                   "batch=1,4,16,64", "dtype=bf16,fp8", "input-tokens=256,1024,4096"});
  std::size_t configs = 0;
  for (auto _ : state) {
    const auto rows = genz::cli::predict_sweep(registry, base, axes);
    configs += rows.size();
    benchmark::DoNotOptimize(rows.data());
  }
  state.counters["configs/s"] = benchmark::Counter(static_cast<double>(configs), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Sweep_Llama3_70B_1728_Configs)->Unit(benchmark::kMillisecond);

}  // namespace
