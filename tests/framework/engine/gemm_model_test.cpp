#include "genz/engine/gemm_model.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "genz/engine/engine_profile.hpp"
#include "genz/host/error.hpp"
#include "genz/sdk/op_resources.hpp"
#include "test_support.hpp"

namespace genz {
namespace {

Op fp8_gemm(double m, double n, double k, double batch = 1) {
  Op op;
  op.kind = OpKind::gemm;
  op.m = m;
  op.n = n;
  op.k = k;
  op.batch = batch;
  op.a_dtype = op.w_dtype = op.compute_dtype = DType::fp8;
  op.out_dtype = DType::bf16;
  resolve_defaults(op);
  return op;
}

const HardwareSpec& part(const char* name) {
  static std::map<std::string, Handle<Hardware>> parts;
  auto it = parts.find(name);
  if (it == parts.end()) it = parts.emplace(name, test::plugins().create<Hardware>(PluginKind::hardware, name)).first;
  return it->second->spec();
}

const char* kProfile = R"({"name": "x", "gemm_kernels": {"sm90": {"fp8": {
    "kernel": {"floor_us": 2, "compute_fraction": 0.7, "bandwidth_fraction": 0.8, "iteration_ns": 90, "quantize_us": 2,
               "quantize_row_ns": 800},
    "dispatch": [{"m_max": 64, "tile_m": 64, "tile_n": 64}, {"tile_m": 128, "tile_n": 128, "cluster_m": 2}]}}}})";

TEST(GemmModel, DispatchPicksTheFirstEntryThatTakesTheShape) {
  const EngineProfile e = engine_from_text(kProfile, "e.json");
  ASSERT_EQ(e.gemms.size(), 1u);
  const EngineGemm& g = e.gemms[0];
  const HardwareSpec& h100 = part("h100");
  const double peak = h100.peak_for(DType::fp8);
  for (double m : {8.0, 64.0, 65.0, 4096.0}) {
    const Op op = fp8_gemm(m, 8192, 8192);
    const GemmTile tile = m <= 64 ? GemmTile{64, 64, 1, 1, false} : GemmTile{128, 128, 2, 1, false};
    const double expected =
        gemm_kernel_seconds_with(g.kernel, h100, op, peak, tile) + gemm_quantize_seconds(g.kernel, h100, op);
    const auto c = engine_op_cost(e, op, h100);
    ASSERT_TRUE(c) << m;
    EXPECT_DOUBLE_EQ(c->seconds, expected) << m;
  }
  // 129 rows pad to a cluster of two 128-row tiles: the same waves of CTAs
  // as 256 rows (only the traffic differs): 256 CTAs, two waves on 132 SMs,
  // where one 128-row tile per column would be one wave (the weights' traffic
  // dominates both, so the second wave adds a sixth, not half).
  const auto kernel = [&](double m) {
    return engine_op_cost(e, fp8_gemm(m, 16384, 8192), h100)->seconds -
           gemm_quantize_seconds(g.kernel, h100, fp8_gemm(m, 16384, 8192));
  };
  EXPECT_NEAR(kernel(129), kernel(256), 0.03 * kernel(256));
  EXPECT_GT(kernel(129),
            1.1 * gemm_kernel_seconds_with(g.kernel, h100, fp8_gemm(128, 16384, 8192), peak, {128, 128, 1, 1, false}));
}

// Without a dispatch list the library picks the fastest tile and may split
// K: the hardware descriptions' model, with the engine's parameters.
TEST(GemmModel, NoDispatchListIsTheLibrarysFastestTile) {
  const EngineProfile e = engine_from_text(R"({"name": "x", "gemm_kernels": {"sm90": {"fp8_block": {
      "kernel": {"floor_us": 3, "compute_fraction": 0.6, "bandwidth_fraction": 0.8, "iteration_ns": 70,
                 "quantize_us": 1.5}}}}})",
                                           "e.json");
  const HardwareSpec& h100 = part("h100");
  Op op = fp8_gemm(8, 7168, 2048);
  op.block_scaled = true;
  const auto c = engine_op_cost(e, op, h100);
  ASSERT_TRUE(c);
  EXPECT_DOUBLE_EQ(c->seconds, gemm_kernel_seconds(e.gemms[0].kernel, h100, op, h100.peak_for(DType::fp8)));
  op.block_scaled = false;  // per-tensor FP8: not described, the hardware's
  EXPECT_FALSE(engine_op_cost(e, op, h100));
}

TEST(GemmModel, OnlyTheDescribedTargetFormatAndDenseProducts) {
  const EngineProfile e = engine_from_text(kProfile, "e.json");
  EXPECT_TRUE(engine_op_cost(e, fp8_gemm(16, 4096, 4096), part("h200")));      // sm90 too
  EXPECT_FALSE(engine_op_cost(e, fp8_gemm(16, 4096, 4096), part("b200")));     // sm100: the hardware's
  EXPECT_FALSE(engine_op_cost(e, fp8_gemm(16, 4096, 4096, 8), part("h100")));  // batched: grouped kernels
  Op bf16 = fp8_gemm(16, 4096, 4096);
  bf16.a_dtype = bf16.w_dtype = bf16.compute_dtype = DType::bf16;
  EXPECT_FALSE(engine_op_cost(e, bf16, part("h100")));
  Op block = fp8_gemm(16, 4096, 4096);
  block.block_scaled = true;
  EXPECT_EQ(gemm_format(block), "fp8_block");
  EXPECT_FALSE(engine_op_cost(e, block, part("h100")));
}

// The shipped vLLM profile: on the H100 its FP8 GEMMs are its own (the
// CUTLASS kernels' per-token quantization makes tall, narrow products slower
// than TensorRT-LLM's), on the A100 (no FP8) the hardware's.
TEST(GemmModel, ShippedProfilesDescribeHopperAndBlackwell) {
  for (const char* name : {"vllm", "sglang"}) {
    const EngineProfile* e = find_engine(name);
    ASSERT_NE(e, nullptr);
    EXPECT_TRUE(engine_op_cost(*e, fp8_gemm(4096, 4096, 4096), part("h100"))) << name;
    EXPECT_TRUE(engine_op_cost(*e, fp8_gemm(4096, 4096, 4096), part("b200"))) << name;
    EXPECT_FALSE(engine_op_cost(*e, fp8_gemm(4096, 4096, 4096), part("a100_80gb"))) << name;
  }
  const auto& h100 = part("h100");
  const Op tall = fp8_gemm(32768, 32, 32);
  const auto vllm = engine_op_cost(*find_engine("vllm"), tall, h100);
  const auto hw = test::plugins().create<Hardware>(PluginKind::hardware, "h100")->time(tall);
  ASSERT_TRUE(vllm);
  EXPECT_GT(vllm->seconds, 5 * hw.seconds);  // measured: 239 us against TensorRT-LLM's 15 us
}

TEST(GemmModel, FileErrorsNameTheKey) {
  const auto message = [](const std::string& text) {
    try {
      engine_from_text(text, "e.json");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message(R"({"name": "x", "gemm_kernels": {"sm90": {"fp4": {}}}})"),
            "e.json: key \"gemm_kernels/sm90/fp4\": expected one of the known keys (fp8, fp8_block, bf16, fp16), "
            "found unknown key \"fp4\"");
  EXPECT_EQ(message(R"({"name": "x", "gemm_kernels": {"sm90": {"fp8": {"kernel": {"floor_us": 2,
      "compute_fraction": 0.7, "bandwidth_fraction": 0.8, "iteration_ns": 90},
      "dispatch": [{"m_max": 64, "tile_m": 64, "tile_n": 64}]}}}})"),
            "e.json: key \"gemm_kernels/sm90/fp8/dispatch\": expected a last entry without m_max and n_max (it takes "
            "every other shape), found bounds on it");
  EXPECT_EQ(message(R"({"name": "x", "gemm_kernels": {"sm90": {"fp8": {"kernel": {"floor_us": 2,
      "compute_fraction": 0.7, "bandwidth_fraction": 0.8, "iteration_ns": 90}, "dispatch": [{"tile_m": 0, "tile_n": 64}]}}}})"),
            "e.json: key \"gemm_kernels/sm90/fp8/dispatch/0/tile_m\": expected a number in [1, 1024], found 0");
  EXPECT_EQ(message(R"({"name": "x", "gemm_kernels": {"sm90": {"fp8": {"kernel": {"floor_us": 2,
      "compute_fraction": 0.7, "bandwidth_fraction": 0.8, "iteration_ns": 90}, "dispatch": []}}}})"),
            "e.json: key \"gemm_kernels/sm90/fp8/dispatch\": expected a non-empty list of kernel configurations, found "
            "array");
}

}  // namespace
}  // namespace genz
