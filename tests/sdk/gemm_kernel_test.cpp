#include "genz/sdk/gemm_kernel.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "genz/sdk/hardware.hpp"
#include "genz/sdk/hardware_json.hpp"
#include "genz/sdk/op_resources.hpp"

namespace genz {
namespace {

HardwareSpec part() {
  HardwareSpec s;
  s.name = "test";
  s.compute_units = 100;
  s.peak[index_of(DType::bf16)] = 1000e12;
  s.peak[index_of(DType::fp16)] = 1000e12;
  s.peak[index_of(DType::fp8)] = 2000e12;
  s.memory_bandwidth = 4e12;
  s.vector_flops = 60e12;
  GemmKernelSpec& g = s.achieved.gemm_kernels[index_of(DType::bf16)];
  g.floor = 2e-6;
  g.compute_fraction = 0.8;
  g.bandwidth_fraction = 0.8;
  g.iteration = 50e-9;
  g.overlap_exponent = 64;  // a plain maximum, so the terms can be checked one by one
  g.split_reduce = 1e-6;
  g.wave = 0.5e-6;
  return s;
}

Op gemm(double m, double n, double k, DType t = DType::bf16) {
  Op op;
  op.kind = OpKind::gemm;
  op.m = m;
  op.n = n;
  op.k = k;
  op.a_dtype = op.w_dtype = t;
  op.out_dtype = DType::bf16;
  resolve_defaults(op);
  return op;
}

// 8192 x 8192 x 8192: 64 x 64 tiles of 128 x 128 on 100 SMs, 41 waves, no
// split; each CTA does 2 * 128 * 128 * 8192 FLOP at 8 TFLOP/s (its SM's
// share of 80 % of the peak) plus the wave cost.
TEST(GemmKernel, LargeGemmIsWholeWavesOfTheLargestTile) {
  const HardwareSpec s = part();
  const GemmKernelSpec& g = s.achieved.gemm_kernels[index_of(DType::bf16)];
  const Op op = gemm(8192, 8192, 8192);
  const double per_cta = 2.0 * 128 * 128 * 8192 / (1000e12 * 0.8 / 100) + 0.5e-6;
  EXPECT_NEAR(gemm_kernel_seconds_with(g, s, op, 1000e12, {128, 128}), 2e-6 + 41 * per_cta, 1e-12);
  EXPECT_LE(gemm_kernel_seconds(g, s, op, 1000e12), 2e-6 + 41 * per_cta);
}

// One row against a 4096 x 2048 weight: 32 CTAs of 64 x 64 leave SMs idle,
// but K (4096) splits in two only (split_k_min 2048); each CTA walks 2048
// elements in 32 steps of 64. DRAM: 16 MiB of weights plus the partial sums.
TEST(GemmKernel, DecodeGemmStreamsItsWeights) {
  const HardwareSpec s = part();
  const GemmKernelSpec& g = s.achieved.gemm_kernels[index_of(DType::bf16)];
  const Op op = gemm(1, 2048, 4096);
  const double latency = 1 * 32 * 50e-9;
  const double memory = (op.bytes + 1 * 2048 * 8 * 2) / (4e12 * 0.8);
  EXPECT_GT(memory, latency);
  EXPECT_NEAR(gemm_kernel_seconds_with(g, s, op, 1000e12, {64, 64}), 2e-6 + 1e-6 + memory, 1e-12);
}

TEST(GemmKernel, NeverFasterWithMoreWork) {
  const HardwareSpec s = part();
  const GemmKernelSpec& g = s.achieved.gemm_kernels[index_of(DType::bf16)];
  double last = 0;
  for (double m : {1.0, 16.0, 64.0, 256.0, 1024.0, 4096.0, 16384.0}) {
    const double t = gemm_kernel_seconds(g, s, gemm(m, 4096, 4096), 1000e12);
    EXPECT_GE(t, last * 0.999) << m;  // the tile choice may gain a little, never much
    last = t;
  }
  EXPECT_GT(gemm_kernel_seconds(g, s, gemm(64, 4096, 65536), 1000e12),
            gemm_kernel_seconds(g, s, gemm(64, 4096, 4096), 1000e12));
}

// With K split over idle SMs, a narrow GEMM with a long K is shorter than
// walking all of K in one CTA per tile.
TEST(GemmKernel, SplitKShortensNarrowLongGemms) {
  const HardwareSpec s = part();
  GemmKernelSpec g = s.achieved.gemm_kernels[index_of(DType::bf16)];
  const Op op = gemm(1, 128, 65536);
  const double split = gemm_kernel_seconds(g, s, op, 1000e12);
  g.split_k_min = 1e9;
  EXPECT_LT(split * 3, gemm_kernel_seconds(g, s, op, 1000e12));
}

TEST(GemmKernel, QuantizationAddsItsKernelAndTraffic) {
  const HardwareSpec s = part();
  GemmKernelSpec g = s.achieved.gemm_kernels[index_of(DType::bf16)];
  const Op op = gemm(512, 4096, 4096, DType::fp8);
  const double plain = gemm_kernel_seconds(g, s, op, 2000e12);
  g.quantize = 3e-6;
  EXPECT_NEAR(gemm_kernel_seconds(g, s, op, 2000e12) - plain, 3e-6 + 3.0 * 512 * 4096 / (4e12 * 0.8), 1e-12);
}

// A per-token quantization runs a CTA per row: 10000 rows on 100 SMs are 100
// rounds, which outlast the 10000 x 32 elements' traffic.
TEST(GemmKernel, QuantizationOfTallNarrowInputsPaysPerRowRound) {
  const HardwareSpec s = part();
  GemmKernelSpec g = s.achieved.gemm_kernels[index_of(DType::bf16)];
  g.quantize = 2e-6;
  g.quantize_row = 1e-6;
  EXPECT_NEAR(gemm_quantize_seconds(g, s, gemm(10000, 32, 32, DType::fp8)), 2e-6 + 100 * 1e-6, 1e-12);
  // Short, wide inputs: the traffic is longer than one round.
  const Op wide = gemm(8, 4096, 1 << 20, DType::fp8);
  EXPECT_NEAR(gemm_quantize_seconds(g, s, wide), 2e-6 + 3.0 * 8 * (1 << 20) / (4e12 * 0.8), 1e-12);
  Op quantized = wide;
  quantized.a_quantized = true;
  EXPECT_EQ(gemm_quantize_seconds(g, s, quantized), 0);
}

// A cluster launches whole: 130 rows in 128-row tiles take 2 tile rows, in
// clusters of 2 along m still 2, along n (2 x 64 columns) 2 x 2 column
// groups. Without split-K a narrow problem keeps its few CTAs.
TEST(GemmKernel, ClustersPadTheTileGridAndSplitKIsTheLibrarys) {
  const HardwareSpec s = part();
  GemmKernelSpec g = s.achieved.gemm_kernels[index_of(DType::bf16)];
  g.iteration = 0;
  g.wave = 0;
  const Op op = gemm(130, 192, 1024);
  const double per_sm = 1000e12 * 0.8 / 100;
  const double one_wave = 2e-6 + 2.0 * 128 * 64 * 1024 / per_sm;
  EXPECT_NEAR(gemm_kernel_seconds_with(g, s, op, 1000e12, {128, 64, 2, 2, false}), one_wave, 1e-12);
  // 2 x 3 tiles on 100 SMs: K splits 1024 / split_k_min at most (no more than 1 here).
  EXPECT_NEAR(gemm_kernel_seconds_with(g, s, op, 1000e12, {128, 64, 1, 1, true}), one_wave, 1e-12);
  // 2 x 4 = 8 CTAs padded to 2 waves once the cluster outgrows the SMs.
  HardwareSpec few = s;
  few.compute_units = 4;
  few.memory_bandwidth = 1e15;  // keep the four SMs' math the limit
  const double per_sm4 = 1000e12 * 0.8 / 4;
  EXPECT_NEAR(gemm_kernel_seconds_with(g, few, op, 1000e12, {128, 64, 1, 2, false}),
              2e-6 + 2 * 2.0 * 128 * 64 * 1024 / per_sm4, 1e-12);
}

TEST(GemmKernel, HardwareUsesTheDescriptionOfTheFormat) {
  HardwareSpec s = part();
  const RooflineHardware described(s);
  const Op op = gemm(1024, 4096, 4096);
  const GemmKernelSpec& g = s.achieved.gemm_kernels[index_of(DType::bf16)];
  EXPECT_DOUBLE_EQ(described.time(op).seconds, gemm_kernel_seconds(g, s, op, 1000e12));
  // fp16 borrows bf16's (same tensor rate); fp8 has none: the roofline.
  EXPECT_DOUBLE_EQ(described.time(gemm(1024, 4096, 4096, DType::fp16)).seconds, described.time(op).seconds);
  const Op fp8 = gemm(1024, 4096, 4096, DType::fp8);
  s.achieved.gemm_kernels = {};
  EXPECT_DOUBLE_EQ(described.time(fp8).seconds, RooflineHardware(s).time(fp8).seconds);
  EXPECT_NE(described.time(op).seconds, RooflineHardware(s).time(op).seconds);
}

TEST(GemmKernel, ReadAndWrittenAsJson) {
  const HardwareSpec s = hardware_from_text(R"({"name": "x", "compute": {"units": 100, "tensor_tflops": {"bf16": 1000}},
      "memory": {"capacity_GiB": 80, "bandwidth_GBps": 4000},
      "achieved": {"gemm_kernels": {"bf16": {"floor_us": 2.5, "compute_fraction": 0.8, "bandwidth_fraction": 0.85,
                                             "iteration_ns": 60, "quantize_us": 4, "quantize_row_ns": 700,
                                             "split_k_min": 1024, "l2_bandwidth_GBps": 2000, "l2_fraction": 0.25}}},
      "architecture": "sm90"})",
                                            "gpu.json", "x");
  const GemmKernelSpec& g = s.achieved.gemm_kernels[index_of(DType::bf16)];
  EXPECT_DOUBLE_EQ(g.floor, 2.5e-6);
  EXPECT_DOUBLE_EQ(g.iteration, 60e-9);
  EXPECT_DOUBLE_EQ(g.quantize, 4e-6);
  EXPECT_DOUBLE_EQ(g.split_k_min, 1024);
  EXPECT_DOUBLE_EQ(g.quantize_row, 700e-9);
  EXPECT_DOUBLE_EQ(g.overlap_exponent, 4);  // the default
  const HardwareSpec again = hardware_from_text(hardware_to_json(s).dump(), "again.json", "x");
  EXPECT_EQ(again.architecture, "sm90");
  EXPECT_DOUBLE_EQ(again.achieved.gemm_kernels[index_of(DType::bf16)].quantize_row, 700e-9);
  EXPECT_DOUBLE_EQ(again.achieved.gemm_kernels[index_of(DType::bf16)].bandwidth_fraction, 0.85);
  EXPECT_DOUBLE_EQ(again.achieved.gemm_kernels[index_of(DType::bf16)].l2_bandwidth, 2000e9);
  EXPECT_DOUBLE_EQ(again.achieved.gemm_kernels[index_of(DType::bf16)].l2_fraction, 0.25);
  EXPECT_FALSE(again.achieved.gemm_kernels[index_of(DType::fp8)].described());
}

// The kernel tables replay one kernel on the same buffers: the share of the
// working set the L2 holds streams at the L2's bandwidth. A forward pass
// (not replayed), or a description without an L2 term, reads DRAM only.
TEST(GemmKernel, AReplayedWorkingSetStreamsFromTheL2) {
  HardwareSpec s = part();
  s.l2_bytes = 40e6;
  GemmKernelSpec& g = s.achieved.gemm_kernels[index_of(DType::bf16)];
  Op op = gemm(1, 8192, 8192);  // 128 MiB of weights, memory-bound
  const double bytes = op.bytes;
  EXPECT_DOUBLE_EQ(gemm_memory_seconds(g, s, op, bytes), bytes / (4e12 * 0.8));
  op.replayed = true;
  EXPECT_DOUBLE_EQ(gemm_memory_seconds(g, s, op, bytes), bytes / (4e12 * 0.8));  // no L2 term
  g.l2_bandwidth = 10e12;
  g.l2_fraction = 0.5;
  const double resident = 20e6 / bytes;
  EXPECT_NEAR(gemm_memory_seconds(g, s, op, bytes), bytes * (resident / 10e12 + (1 - resident) / 3.2e12), 1e-15);
  EXPECT_NEAR(gemm_memory_seconds(g, s, op, 10e6), 10e6 / 10e12, 1e-15);  // all of it resident
  const double replayed = gemm_kernel_seconds_with(g, s, op, 1000e12, {64, 64});
  op.replayed = false;
  EXPECT_LT(replayed, gemm_kernel_seconds_with(g, s, op, 1000e12, {64, 64}));
}

// Block-scaled FP8 runs the part's "fp8_block" kernels (read, written back,
// chosen for Op::block_scaled); a part without them times it as per-tensor FP8.
TEST(GemmKernel, BlockScaledFp8RunsItsOwnKernels) {
  const char* text = R"({"name": "x", "compute": {"units": 100, "tensor_tflops": {"bf16": 1000, "fp8": 2000}},
      "memory": {"capacity_GiB": 80, "bandwidth_GBps": 4000},
      "achieved": {"gemm_kernels": {
          "fp8": {"floor_us": 3, "compute_fraction": 0.7, "bandwidth_fraction": 0.8, "iteration_ns": 1, "quantize_us": 9},
          "fp8_block": {"floor_us": 2, "compute_fraction": 0.6, "bandwidth_fraction": 0.8, "iteration_ns": 100,
                        "quantize_us": 2}}}})";
  const HardwareSpec s = hardware_from_text(text, "gpu.json", "x");
  EXPECT_DOUBLE_EQ(s.achieved.fp8_block_gemm.floor, 2e-6);
  EXPECT_DOUBLE_EQ(s.achieved.fp8_block_gemm.quantize, 2e-6);
  const HardwareSpec again = hardware_from_text(hardware_to_json(s).dump(), "again.json", "x");
  EXPECT_DOUBLE_EQ(again.achieved.fp8_block_gemm.iteration, 100e-9);

  const RooflineHardware hw(s);
  const Op tensor = gemm(16, 7168, 2048, DType::fp8);
  Op block = tensor;
  block.block_scaled = true;
  EXPECT_DOUBLE_EQ(hw.time(block).seconds, gemm_kernel_seconds(s.achieved.fp8_block_gemm, s, block, 2000e12));
  EXPECT_LT(hw.time(block).seconds, hw.time(tensor).seconds);  // its quantization is cheaper here
  HardwareSpec without = s;
  without.achieved.fp8_block_gemm = {};
  EXPECT_DOUBLE_EQ(RooflineHardware(without).time(block).seconds, hw.time(tensor).seconds);
}

TEST(GemmKernel, BadDescriptionsNameTheKey) {
  const auto error_of = [](const std::string& kernels) {
    try {
      hardware_from_text(R"({"name": "x", "compute": {"tensor_tflops": {"bf16": 1}},
          "memory": {"capacity_GiB": 1, "bandwidth_GBps": 1}, "achieved": {"gemm_kernels": )" +
                             kernels + "}}",
                         "gpu.json", "x");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(
      error_of(R"({"bf16": {"compute_fraction": 0.8, "bandwidth_fraction": 0.8, "iteration_ns": 1}})").find("floor_us"),
      std::string::npos);
  EXPECT_NE(error_of(R"({"bf17": {}})").find("bf17"), std::string::npos);
  EXPECT_NE(error_of(R"({"bf16": {"floor_us": 2, "compute_fraction": 0.8, "bandwidth_fraction": 0.8,
                                  "iteration_ns": 1, "tile": 3}})")
                .find("tile"),
            std::string::npos);
}

}  // namespace
}  // namespace genz
