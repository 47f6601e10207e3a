#include "genz/engine/memory_model.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace genz {
namespace {

constexpr double kMiB = 1048576.0;
const Precision kFp16{DType::fp16, DType::fp16, DType::fp16};

MemoryEstimate estimate(const test::Stack& st, const Parallelism& p, Precision precision, const Request& r,
                        unsigned gpn = 0) {
  const Layout l = make_layout(p, 0, gpn, st->hardware->spec().intra_node, {}, st->model->info().layers);
  return estimate_memory(*st->model, l, precision, st->engine, st->hardware->spec(), r);
}

TEST(Memory, Llama2_7bWeightsInFp16Are12852MiB) {
  const test::Stack st = test::stack("llama2_7b", "rtx3090", "pcie_like", "hf");
  EXPECT_NEAR(estimate(st, {}, kFp16, {1, 1, 1, 1}).weights() / kMiB, 12852, 12852 * 0.005);
}

TEST(Memory, Llama2_7bKvCacheIsHalfAMiBPerToken) {
  const test::Stack st = test::stack("llama2_7b", "rtx3090", "pcie_like", "hf");
  const MemoryEstimate a = estimate(st, {}, kFp16, {1000, 1, 1, 1}), b = estimate(st, {}, kFp16, {2000, 1, 1, 1});
  EXPECT_DOUBLE_EQ((b.kv_after_prefill - a.kv_after_prefill) / 1000 / kMiB, 0.5);
}

TEST(Memory, EagerHfKeepsThePromptLogits) {
  const test::Stack hf = test::stack("llama2_7b", "rtx3090", "pcie_like", "hf");
  const test::Stack vllm = test::stack("llama2_7b", "rtx3090", "pcie_like", "vllm");
  EXPECT_DOUBLE_EQ(estimate(hf, {}, kFp16, {4096, 128, 1, 1}).logits_kept / kMiB, 250.0);  // 4096 x 32000 x 2 B
  EXPECT_LT(estimate(vllm, {}, kFp16, {4096, 128, 1, 1}).logits_kept / kMiB, 1.0);
}

TEST(Memory, TensorParallelShardsWeightsAndCache) {
  const test::Stack st = test::stack("llama2_7b", "rtx3090", "pcie_like", "hf");
  Parallelism tp2;
  tp2.tp = 2;
  const MemoryEstimate one = estimate(st, {}, kFp16, {4096, 128, 1, 1});
  const MemoryEstimate two = estimate(st, tp2, kFp16, {4096, 128, 1, 1});
  EXPECT_NEAR(two.weights() / one.weights(), 0.5, 0.01);
  EXPECT_DOUBLE_EQ(two.kv_after_decode / one.kv_after_decode, 0.5);
}

TEST(Memory, BeamsAndBatchesMultiplyTheCache) {
  const test::Stack st = test::stack("llama2_7b", "h100", "nv_like", "hf");
  const MemoryEstimate one = estimate(st, {}, kFp16, {100, 100, 1, 1});
  const MemoryEstimate many = estimate(st, {}, kFp16, {100, 100, 4, 2});
  EXPECT_DOUBLE_EQ(many.kv_after_decode / one.kv_after_decode, 8.0);
}

TEST(Memory, Int4WeightsTakeAboutAQuarter) {
  const test::Stack st = test::stack("llama2_70b", "h100", "nv_like");
  const MemoryEstimate a = estimate(st, {}, {DType::bf16, DType::bf16, DType::bf16}, {10, 10, 1, 1});
  const MemoryEstimate b = estimate(st, {}, {DType::int4, DType::bf16, DType::bf16}, {10, 10, 1, 1});
  // Embedding and LM head stay 16-bit.
  EXPECT_NEAR(b.dense_weights / a.dense_weights, 0.26, 0.01);
  EXPECT_EQ(b.embedding_weights, a.embedding_weights);
}

TEST(Memory, OverflowIsDescribedInGiB) {
  const test::Stack st = test::stack("llama2_70b", "rtx3090");
  const MemoryEstimate m = estimate(st, {}, {DType::bf16, DType::bf16, DType::bf16}, {1000, 100, 1, 1});
  EXPECT_FALSE(m.fits());
  const std::string s = describe_overflow(m, "rtx3090");
  EXPECT_EQ(s.rfind("needs 1", 0), 0u) << s;
  EXPECT_NE(s.find("GiB on its busiest GPU (weights"), std::string::npos);
  EXPECT_NE(s.find("but rtx3090 offers"), std::string::npos);
}

}  // namespace
}  // namespace genz
