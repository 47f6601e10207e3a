#include "genz/engine/measured_kernels.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "genz/engine/engine_profile.hpp"
#include "genz/engine/lowering.hpp"

namespace genz {
namespace {

Op gemm(double m, double n, double k) {
  Op op;
  op.kind = OpKind::gemm;
  op.m = m;
  op.n = n;
  op.k = k;
  lower(op, *find_engine("trtllm"));
  return op;
}

Op decode(double batch, double cached) {
  Op op;
  op.kind = OpKind::attention;
  op.batch = batch;
  op.q_len = 1;
  op.kv_len = cached + 1;
  op.heads = 8;
  op.kv_heads = 1;
  op.head_dim_qk = op.head_dim_v = 128;
  return op;
}

TEST(MeasuredKernels, MeasuredPointsAreReturnedAndInterpolatedLogLog) {
  MeasuredKernels m;
  m.add_gemm(DType::bf16, 1, 4096, 4096, 10e-6);
  m.add_gemm(DType::bf16, 4, 4096, 4096, 40e-6);
  m.add_gemm(DType::bf16, 4, 4096, 4096, 30e-6);  // a faster kernel for the same shape wins
  m.finish();
  EXPECT_DOUBLE_EQ(*m.time(gemm(1, 4096, 4096)), 10e-6);
  EXPECT_DOUBLE_EQ(*m.time(gemm(4, 4096, 4096)), 30e-6);
  EXPECT_NEAR(*m.time(gemm(2, 4096, 4096)), std::sqrt(10e-6 * 30e-6), 1e-12);  // halfway in log space
  EXPECT_FALSE(m.time(gemm(8, 4096, 4096)).has_value());                       // outside: the model answers
  EXPECT_FALSE(m.time(gemm(2, 4096, 8192)).has_value());                       // another shape
}

// Block-scaled and per-tensor FP8 are different kernels: each op reads its own.
TEST(MeasuredKernels, BlockScaledFp8IsMeasuredApart) {
  MeasuredKernels m;
  m.add_gemm(DType::fp8, 16, 4096, 4096, 15e-6);
  m.add_gemm(DType::fp8, 16, 4096, 4096, 11e-6, true);
  m.finish();
  Op tensor = gemm(16, 4096, 4096);
  tensor.a_dtype = tensor.w_dtype = tensor.compute_dtype = DType::fp8;
  Op block = tensor;
  block.block_scaled = true;
  EXPECT_DOUBLE_EQ(*m.time(tensor), 15e-6);
  EXPECT_DOUBLE_EQ(*m.time(block), 11e-6);
}

TEST(MeasuredKernels, DecodeAttentionInterpolatesAcrossBatchAndContext) {
  MeasuredKernels m;
  for (double b : {1.0, 4.0})
    for (double step : {1023.0, 4095.0}) m.add_attention(true, 8, 1, 128, DType::bf16, b, step, b * step * 1e-9);
  m.finish();
  EXPECT_DOUBLE_EQ(*m.time(decode(4, 4095)), 4 * 4095e-9);
  EXPECT_NEAR(*m.time(decode(2, 2047)), 2 * 2047e-9, 1e-15);  // log-log reproduces a power law exactly
  EXPECT_FALSE(m.time(decode(8, 2047)).has_value());
  Op chunk = decode(2, 2047);
  chunk.q_len = 64;  // a prefill chunk over cached context: not what the tables measure
  EXPECT_FALSE(m.time(chunk).has_value());
}

TEST(MeasuredKernels, AnEngineWithTablesMarksTheOperatorsTheyTime) {
  auto m = std::make_shared<MeasuredKernels>();
  m->add_gemm(DType::bf16, 1, 4096, 4096, 10e-6);
  m->add_gemm(DType::bf16, 8, 4096, 4096, 12e-6);
  m->add_all_reduce(8, 1 << 10, 3e-6);
  m->add_all_reduce(8, 1 << 20, 30e-6);
  m->finish();
  EngineProfile e = *find_engine("trtllm");
  e.measured = m;
  HardwareSpec hw;
  const auto c = engine_op_cost(e, gemm(4, 4096, 4096), hw);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->bound, Bound::measured);
  EXPECT_EQ(name_of(c->bound), "table");
  EXPECT_NEAR(*m->all_reduce(8, 1 << 15), 3e-6 * std::pow(10.0, 0.5), 1e-12);
  EXPECT_FALSE(m->all_reduce(4, 1 << 15).has_value());
}

}  // namespace
}  // namespace genz
