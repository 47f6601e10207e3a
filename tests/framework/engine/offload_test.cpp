// Offload to CPU memory: layers or routed experts on the host, timed there.
#include <gtest/gtest.h>

#include "genz/engine/memory_model.hpp"
#include "genz/engine/stage_split.hpp"
#include "genz/host/error.hpp"
#include "test_support.hpp"

namespace genz {
namespace {

test::Stack offload_stack(const std::string& model, const std::string& engine, const std::string& host) {
  test::Stack st = test::stack(model, "rtx4090", "pcie_like", engine);
  st->precision = {DType::fp16, DType::fp16, DType::fp16};
  st->use_gguf(*find_gguf_ftype("q4_k_m"));
  st->set_host(*find_host(host));
  return st;
}

TEST(Offload, LayersOnTheCpuSlowDecodeByTheirWeightsOverHostBandwidth) {
  test::Stack st = offload_stack("llama2_7b", "llamacpp", "desktop_ddr5");
  st->start();
  const Prediction gpu_only = st->predictor->predict({512, 65, 1, 1});
  set_host_layers(st->layout, 16, 32);
  EXPECT_EQ(st->layout.stage_layers[0], std::make_pair(16u, 32u));
  st->start();
  const Prediction half = st->predictor->predict({512, 65, 1, 1});
  // 16 layers of ~0.2 B weights at 4.85 bits read from 2 x DDR5-5200 at 53 %;
  // the unpacking on the cores overlaps imperfectly (smooth roofline), and
  // the GPU no longer runs those layers.
  const double host_bytes = 16 * 202.4e6 * 4.85 / 8, host_bw = 2 * 5200e6 * 8 * 0.53;
  EXPECT_GT(half.tpot - gpu_only.tpot, host_bytes / host_bw * 0.95);
  EXPECT_LT(half.tpot - gpu_only.tpot, host_bytes / host_bw * 1.3);
  // Prefill streams the CPU layers' weights to the GPU over PCIe (llama.cpp).
  EXPECT_GT(half.ttft, gpu_only.ttft);
  EXPECT_LT(half.ttft - gpu_only.ttft, 0.1);
}

TEST(Offload, RoutedExpertsOnTheCpuLeaveTheRestOnTheGpu) {
  test::Stack st = offload_stack("deepseek_v3", "ktransformers", "xeon_6454s_1s");
  st->layout.host_experts = true;
  st->start();
  const MemoryEstimate m =
      estimate_memory(*st->model, st->layout, st->precision, st->engine, st->hardware->spec(), {500, 128}, &*st->host);
  EXPECT_EQ(m.expert_weights, 0);
  EXPECT_GT(m.host_weights / 1073741824.0, 300);  // KTransformers: 382 GB of DRAM
  EXPECT_LT(m.weights() / 1073741824.0, 14);      // and at least 12 GB of VRAM
  EXPECT_TRUE(m.fits());
  const Prediction p = st->predictor->predict({500, 128, 1, 1});
  EXPECT_GT(p.decode_throughput, 5);
  EXPECT_LT(p.decode_throughput, 15);
}

TEST(Offload, AnOffloadingLayoutNeedsAHost) {
  test::Stack st = test::stack("llama2_7b", "rtx4090", "pcie_like", "llamacpp");
  set_host_layers(st->layout, 4, 32);
  st->start();
  EXPECT_THROW(st->predictor->predict({128, 8, 1, 1}), InputError);
  EXPECT_THROW(set_host_layers(st->layout, 32, 32), InputError);  // the GPU stage needs a layer
}

}  // namespace
}  // namespace genz
