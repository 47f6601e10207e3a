#include "genz/sdk/op_resources.hpp"

#include <gtest/gtest.h>

namespace genz {
namespace {

Op gemm(double m, double n, double k, DType a, DType w) {
  Op op;
  op.kind = OpKind::gemm;
  op.m = m;
  op.n = n;
  op.k = k;
  op.a_dtype = op.out_dtype = a;
  op.w_dtype = w;
  resolve_defaults(op);
  return op;
}

TEST(OpResources, GemmFlopsAndBytes) {
  const Op op = gemm(16, 4096, 4096, DType::fp16, DType::fp16);
  EXPECT_DOUBLE_EQ(op.flops, 2.0 * 16 * 4096 * 4096);
  EXPECT_DOUBLE_EQ(op.bytes, 2.0 * (16 * 4096 + 4096 * 4096 + 16 * 4096));
  EXPECT_EQ(op.compute_dtype, DType::fp16);
}

TEST(OpResources, Int4WeightsReadAQuarterOfFp16AndComputeIn16Bit) {
  const Op fp16 = gemm(1, 4096, 4096, DType::bf16, DType::bf16);
  const Op int4 = gemm(1, 4096, 4096, DType::bf16, DType::int4);
  const double w16 = 4096.0 * 4096 * 2, w4 = 4096.0 * 4096 * weight_bytes_of(DType::int4);
  EXPECT_NEAR(w4 / w16, 0.25, 0.01);  // plus one 16-bit scale per 128 weights
  EXPECT_NEAR((int4.bytes - (fp16.bytes - w16)) / w16, 0.25, 0.01);
  EXPECT_EQ(int4.compute_dtype, DType::bf16);
  EXPECT_DOUBLE_EQ(int4.flops, fp16.flops);
}

TEST(OpResources, Fp8ComputesInFp8) {
  EXPECT_EQ(gemm(8, 64, 64, DType::fp8, DType::fp8).compute_dtype, DType::fp8);
}

TEST(OpResources, CausalAttentionSkipsTheMaskedHalf) {
  Op op;
  op.kind = OpKind::attention;
  op.batch = 1;
  op.q_len = op.kv_len = 1000;
  op.heads = op.kv_heads = 32;
  op.head_dim_qk = op.head_dim_v = 128;
  op.causal = true;
  resolve_defaults(op);
  const double full = 2.0 * 32 * 1000 * 1000 * 256;
  EXPECT_NEAR(op.flops / full, 0.5005, 1e-4);  // (n + 1) / 2n
  // No score matrix in memory: traffic is linear in the sequence, not quadratic.
  EXPECT_LT(op.bytes, 1000.0 * 32 * 128 * 2 * 4 + 1);
}

TEST(OpResources, DecodeAttentionReadsTheCacheOnce) {
  Op op;
  op.kind = OpKind::attention;
  op.batch = 2;
  op.q_len = 1;
  op.kv_len = 4097;
  op.heads = 32;
  op.kv_heads = 8;
  op.head_dim_qk = op.head_dim_v = 128;
  op.kv_dtype = DType::bf16;
  resolve_defaults(op);
  const double kv = 2 * 4097.0 * 8 * 128 * 2 * 2;
  EXPECT_NEAR(op.bytes, kv + 2 * 32 * 256 * 2, 1);
}

TEST(OpResources, LatentCacheIsReadOnceForKeysAndValues) {
  Op op;
  op.kind = OpKind::attention;
  op.batch = 1;
  op.q_len = 1;
  op.kv_len = 100;
  op.heads = 128;
  op.kv_heads = 1;
  op.head_dim_qk = 576;
  op.head_dim_v = 512;
  op.kv_shared = true;
  resolve_defaults(op);
  EXPECT_NEAR(op.bytes, 100.0 * 576 * 2 + 128 * (576 + 512) * 2, 1);
}

TEST(OpResources, ElementwiseTraffic) {
  Op op;
  op.kind = OpKind::elementwise;
  op.ew = EwKind::residual_add;
  op.elements = 1000;
  op.a_dtype = DType::bf16;
  resolve_defaults(op);
  EXPECT_DOUBLE_EQ(op.bytes, 1000 * 3 * 2);
  EXPECT_EQ(op.kernels, 1);
}

}  // namespace
}  // namespace genz
