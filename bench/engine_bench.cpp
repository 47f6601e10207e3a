// The engine's hot path: predicting one request from scratch (a new
// Predictor: graphs built, lowered and timed, every decode step evaluated),
// and a request inside a trace (decode tables warm).
#include <benchmark/benchmark.h>

#include "bench_support.hpp"
#include "genz/engine/cluster.hpp"

namespace {

using genz::bench::make_setup;

void BM_Llama2_7B_Request_1024_200(benchmark::State& state) {
  auto s = make_setup("llama2_7b", "rtx3090", "pcie_like", "hf", {}, 1, 1,
                      {genz::DType::fp16, genz::DType::fp16, genz::DType::fp16});
  const genz::Request r{1024, 200, 1, 1};
  for (auto _ : state) {
    genz::Predictor p(s->view());
    benchmark::DoNotOptimize(p.predict(r));
  }
}
BENCHMARK(BM_Llama2_7B_Request_1024_200);

void BM_Llama2_7B_TraceRequest(benchmark::State& state) {
  auto s = make_setup("llama2_7b", "rtx3090", "pcie_like", "hf", {}, 1, 1,
                      {genz::DType::fp16, genz::DType::fp16, genz::DType::fp16});
  genz::Predictor p(s->view());
  p.enable_tables(true);
  double input = 1;
  for (auto _ : state) {
    input = input >= 4000 ? 1 : input + 37;  // cycle through prompt lengths
    benchmark::DoNotOptimize(p.predict({input, 200, 1, 1}));
  }
}
BENCHMARK(BM_Llama2_7B_TraceRequest);

// The original tool's DeepSeek-V3 scenario: 6 nodes x 8 RTX 4090, PP 6,
// TP 8, EP 8 sharing the TP group, fp8, 80 input and 512 output tokens.
void BM_DeepSeekV3_48GPU_Request(benchmark::State& state) {
  genz::Parallelism par;
  par.tp = 8;
  par.pp = 6;
  par.ep = 8;
  const auto* cluster = genz::find_cluster("RTX4090_PCIE_G4_IB25G");
  auto s = make_setup("deepseek_v3", "rtx4090", "pcie_like", "vllm", par, 6, 8,
                      {genz::DType::fp8, genz::DType::fp8, genz::DType::bf16}, cluster->inter);
  const genz::Request r{80, 512, 1, 1};
  for (auto _ : state) {
    genz::Predictor p(s->view());
    benchmark::DoNotOptimize(p.predict(r));
  }
}
BENCHMARK(BM_DeepSeekV3_48GPU_Request);

}  // namespace

BENCHMARK_MAIN();
