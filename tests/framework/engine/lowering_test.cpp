#include "genz/engine/lowering.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace genz {
namespace {

Op rmsnorm(double elements) {
  Op op;
  op.kind = OpKind::elementwise;
  op.ew = EwKind::rmsnorm;
  op.elements = elements;
  op.a_dtype = DType::fp16;
  return op;
}

TEST(Lowering, EagerRmsNormIsEightKernelsMoving36BytesPerElement) {
  Op op = rmsnorm(1000);
  lower(op, *find_engine("hf"));
  EXPECT_EQ(op.kernels, 8);
  EXPECT_DOUBLE_EQ(op.bytes, 36.0 * 1000);
  Op fused = rmsnorm(1000);
  lower(fused, *find_engine("vllm"));
  EXPECT_EQ(fused.kernels, 1);
  EXPECT_DOUBLE_EQ(fused.bytes, 8.0 * 1000);  // read x and residual, write both
}

TEST(Lowering, DecodeAttentionWithoutKvSplitHasOneCtaPerHead) {
  Op op;
  op.kind = OpKind::attention;
  op.batch = 2;
  op.q_len = 1;
  op.kv_len = 500;
  op.heads = 32;
  op.kv_heads = 8;
  op.head_dim_qk = op.head_dim_v = 128;
  Op split = op;
  lower(op, *find_engine("hf"));
  EXPECT_EQ(op.parallel_units, 64);
  lower(split, *find_engine("vllm"));
  EXPECT_EQ(split.parallel_units, 0);  // flash-decoding fills the GPU
}

TEST(Lowering, ConcatenatingTheCacheRewritesIt) {
  EngineProfile concat = *find_engine("hf");
  concat.kv_strategy = KvStrategy::concat;
  Op op;
  op.kind = OpKind::elementwise;
  op.ew = EwKind::kv_append;
  op.batch = 1;
  op.q_len = 1;
  op.kv_len = 1001;
  op.elements = 2 * 4096;  // one token of K and V
  op.kv_dtype = DType::fp16;
  Op pre = op;
  lower(op, concat);
  EXPECT_DOUBLE_EQ(op.bytes, 2.0 * 1001 * 8192 * 2);
  lower(pre, *find_engine("hf"));
  EXPECT_DOUBLE_EQ(pre.bytes, 2.0 * 8192 * 2);
}

TEST(Lowering, CheckOpRejectsNonsense) {
  Op op = rmsnorm(-1);
  EXPECT_NE(check_op(op, 32), "");
  op = rmsnorm(10);
  op.layer_begin = 0;
  op.layer_end = 40;
  EXPECT_EQ(check_op(op, 32), "layer range [0, 40) is outside the model's 32 layers");
  op.layer_end = 32;
  EXPECT_EQ(check_op(op, 32), "");
}

}  // namespace
}  // namespace genz
