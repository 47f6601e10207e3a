#include "genz/sdk/hardware.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "genz/sdk/op_resources.hpp"

namespace genz {
namespace {

HardwareSpec spec() {
  HardwareSpec s;
  s.name = "test";
  s.peak[index_of(DType::bf16)] = 100e12;
  s.peak[index_of(DType::fp16)] = 100e12;
  s.peak_acc16[index_of(DType::fp16)] = 200e12;
  s.memory_bandwidth = 1e12;
  s.vector_flops = 10e12;
  s.achieved.compute_fraction = 0.5;
  s.achieved.bandwidth_fraction = 0.8;
  s.achieved.kernel_overhead = 2e-6;
  s.achieved.overlap_exponent = 64;  // ideal roofline
  return s;
}

Op gemm(double m, double n, double k, DType t = DType::bf16) {
  Op op;
  op.kind = OpKind::gemm;
  op.m = m;
  op.n = n;
  op.k = k;
  op.a_dtype = op.w_dtype = op.out_dtype = t;
  resolve_defaults(op);
  return op;
}

TEST(SmoothMax, LimitsAndSymmetry) {
  EXPECT_DOUBLE_EQ(smooth_max(3, 4, 64), 4);
  EXPECT_NEAR(smooth_max(3, 4, 1), 7, 1e-12);
  EXPECT_NEAR(smooth_max(3, 4, 2), 5, 1e-12);
  EXPECT_DOUBLE_EQ(smooth_max(3, 4, 1.5), smooth_max(4, 3, 1.5));
  EXPECT_EQ(smooth_max(0, 0, 1.5), 0);
}

TEST(Roofline, MemoryBoundGemvRunsAtAchievedBandwidthPlusOverhead) {
  const RooflineHardware hw(spec());
  const Op op = gemm(1, 8192, 8192);
  const OpCost c = hw.time(op);
  EXPECT_EQ(c.bound, Bound::memory);
  EXPECT_NEAR(c.seconds, 2e-6 + op.bytes / 0.8e12, 1e-12);
}

TEST(Roofline, ComputeBoundGemmRunsAtAchievedPeak) {
  const RooflineHardware hw(spec());
  const Op op = gemm(8192, 8192, 8192);
  const OpCost c = hw.time(op);
  EXPECT_EQ(c.bound, Bound::compute);
  EXPECT_NEAR(c.seconds, 2e-6 + op.flops / 50e12, 1e-9);
}

TEST(Roofline, Fp16AccumulatePeakOnlyWhenAsked) {
  const RooflineHardware hw(spec());
  const Op op = gemm(8192, 8192, 8192, DType::fp16);
  const double slow = hw.time(op).seconds;
  const RooflineHardware acc16(spec(), hardware_options(R"({"accumulate": "fp16"})"));
  EXPECT_NEAR(acc16.time(op).seconds - 2e-6, (slow - 2e-6) / 2, 1e-9);
}

TEST(Roofline, OptionsComeFromTheFactoryConfiguration) {
  const HardwareOptions o = hardware_options(R"({"system_eff": 0.5, "accumulate": "fp16", "other": 1})");
  EXPECT_DOUBLE_EQ(o.system_eff, 0.5);
  EXPECT_TRUE(o.accumulate16);
  const RooflineHardware hw(spec(), o);
  EXPECT_DOUBLE_EQ(hw.spec().achieved.compute_fraction, 0.5);
  EXPECT_DOUBLE_EQ(hw.spec().achieved.bandwidth_fraction, 0.5);
  EXPECT_FALSE(hardware_options("{}").accumulate16);
  EXPECT_THROW(hardware_options(R"({"accumulate": "fp8"})"), InputError);
  EXPECT_THROW(hardware_options(R"({"system_eff": 2})"), InputError);
}

TEST(Roofline, FormatsWithoutTensorSupportFallBackTo16Bit) {
  const RooflineHardware hw(spec());  // no fp8 peak
  Op op = gemm(8192, 8192, 8192, DType::fp8);
  EXPECT_NEAR(hw.achievable_flops(op), 50e12, 1);
}

TEST(Roofline, FewCtasCannotStreamAtFullBandwidth) {
  HardwareSpec s = spec();
  s.achieved.cta_bandwidth = 10e9;
  const RooflineHardware hw(s);
  Op op;
  op.kind = OpKind::attention;
  op.bytes = 1e9;
  op.parallel_units = 32;
  EXPECT_NEAR(hw.achievable_bandwidth(op), 320e9, 1);
  op.parallel_units = 1000;
  EXPECT_NEAR(hw.achievable_bandwidth(op), 0.8e12, 1);
  op.parallel_units = 0;  // unknown: enough to fill the GPU
  EXPECT_NEAR(hw.achievable_bandwidth(op), 0.8e12, 1);
}

TEST(Roofline, KernelOverheadDominatesTinyKernels) {
  const RooflineHardware hw(spec());
  Op op;
  op.kind = OpKind::elementwise;
  op.bytes = 100;
  op.kernels = 8;
  const OpCost c = hw.time(op);
  EXPECT_EQ(c.bound, Bound::overhead);
  EXPECT_NEAR(c.seconds, 16e-6, 1e-9);
}

}  // namespace
}  // namespace genz
