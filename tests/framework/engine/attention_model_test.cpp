#include "genz/engine/attention_model.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "genz/engine/engine_profile.hpp"
#include "genz/engine/lowering.hpp"
#include "genz/host/error.hpp"
#include "test_support.hpp"

namespace genz {
namespace {

Op decode_op(double batch, double cached, double heads = 32, double kv_heads = 8) {
  Op op;
  op.kind = OpKind::attention;
  op.batch = batch;
  op.q_len = 1;
  op.kv_len = cached + 1;
  op.heads = heads;
  op.kv_heads = kv_heads;
  op.head_dim_qk = op.head_dim_v = 128;
  return op;
}

const HardwareSpec& h100() {
  static const auto hw = test::plugins().create<Hardware>(PluginKind::hardware, "h100");
  return hw->spec();
}

double seconds(const char* engine, Op op) {
  const EngineProfile* e = find_engine(engine);
  lower(op, *e);
  return engine_attention_cost(e->attention, op, h100())->seconds;
}

TEST(AttentionModel, EveryServingEngineDescribesItsKernels) {
  for (const char* name : {"trtllm", "vllm", "sglang"}) {
    const EngineProfile* e = find_engine(name);
    ASSERT_NE(e, nullptr);
    EXPECT_TRUE(e->attention.prefill.set) << name;
    EXPECT_TRUE(e->attention.decode.set) << name;
  }
  EXPECT_FALSE(find_engine("hf")->attention.decode.set);  // eager PyTorch: the hardware's roofline
}

// Achieved bandwidth depends on the parallel work available: one sequence's
// cache, split as far as the kernel splits it, keeps fewer loads in flight
// than eight sequences'. Measured on the H100 (aiconfigurator
// generation_attention, 32 heads on 8 KV heads, head_dim 128, bf16, 65 535
// cached tokens): one sequence takes 1.25x the time per byte of eight in
// TensorRT-LLM (113 against 721 us), 1.35x in vLLM, 1.16x in SGLang.
TEST(AttentionModel, OneSequenceAtLongContextIsSlowerPerByteThanABatch) {
  for (const char* engine : {"trtllm", "vllm", "sglang"}) {
    const double per_byte = 8 * seconds(engine, decode_op(1, 65535)) / seconds(engine, decode_op(8, 65535));
    EXPECT_GT(per_byte, 1.08) << engine;
    EXPECT_LT(per_byte, 1.5) << engine;
  }
}

TEST(AttentionModel, DecodeGrowsWithTheCacheAndHasAFloor) {
  const double small = seconds("trtllm", decode_op(1, 16));
  EXPECT_GT(small, 5e-6);  // a kernel costs microseconds even with nothing to read
  EXPECT_GT(seconds("trtllm", decode_op(8, 8192)), 4 * small);
}

// A decode kernel splits a cache only until the GPU is full, so past that a
// longer cache costs its bytes and no more CTAs. Measured (aiconfigurator
// h100_sxm trtllm generation_attention, 32 heads on 8 KV heads, head_dim
// 128, bf16): 8 sequences take 368 us at 32 767 cached tokens and 721 us at
// 65 535 (1.96x).
TEST(AttentionModel, LongCachesSplitOnlyUntilTheGpuIsFull) {
  const double ratio = seconds("trtllm", decode_op(8, 65535)) / seconds("trtllm", decode_op(8, 32767));
  EXPECT_GT(ratio, 1.85);
  EXPECT_LT(ratio, 2.05);
}

// Short caches cost their CTAs, and the CTA's cost depends on the kernel.
// Measured as above, 2048 sequences of 2 cached tokens: 595 us on a bf16
// cache (XQA's grouped CTA), 183 us on an fp8 one (its fp8 kernel), 1.39 ms
// for 64 heads each on its own KV head (one head per CTA: 10.6 ns per head
// and sequence, against XQA's 36 ns per KV head and sequence).
TEST(AttentionModel, ShortCachesCostTheirCtasByKindOfKernel) {
  Op fp8 = decode_op(2048, 1);
  fp8.kv_dtype = DType::fp8;
  EXPECT_NEAR(seconds("trtllm", decode_op(2048, 1)), 595e-6, 0.15 * 595e-6);
  EXPECT_NEAR(seconds("trtllm", fp8), 183e-6, 0.25 * 183e-6);
  EXPECT_NEAR(seconds("trtllm", decode_op(2048, 1, 64, 64)), 1.39e-3, 0.2 * 1.39e-3);
}

TEST(AttentionModel, ALargerQueryGroupThanTheKernelSupportsReadsTheCachePerHead) {
  // XQA shares a cache read among at most 32 query heads; 64 heads on one KV head runs MMHA.
  const double shared = seconds("trtllm", decode_op(8, 8192, 32, 1));
  const double unshared = seconds("trtllm", decode_op(8, 8192, 64, 1));
  EXPECT_GT(unshared, 10 * shared);
}

// MLA's decode kernels read the latent once for all 128 heads (measured on the
// H100, aiconfigurator mla_generation.csv: 256 x 65 535 cached tokens in
// 7.05 ms, 2.7 TB/s of latent); the GQA group limit does not apply to them.
TEST(AttentionModel, MlaDecodeReadsTheSharedLatentOnceForAllHeads) {
  Op op = decode_op(256, 65535, 128, 1);
  op.head_dim_qk = 576;
  op.head_dim_v = 512;
  op.kv_shared = true;
  const double t = seconds("trtllm", op);
  EXPECT_GT(t, 0.6 * 7.05e-3);
  EXPECT_LT(t, 1.6 * 7.05e-3);
}

Op prefill_op(double tokens, double head_dim, DType cache = DType::bf16) {
  Op op;
  op.kind = OpKind::attention;
  op.batch = 1;
  op.q_len = op.kv_len = tokens;
  op.heads = 64;
  op.kv_heads = 8;
  op.head_dim_qk = op.head_dim_v = head_dim;
  op.kv_dtype = cache;
  op.causal = true;
  return op;
}

// A long prompt is compute-bound: each score costs its two products at the
// fitted share of the tensor peak and its softmax on the FP32 units, over
// the causal half and the diagonal keys the kernel computes anyway; each
// CTA (a 64-query tile of one head) adds its fixed cost.
TEST(AttentionModel, PrefillCostsEachScoreItsProductsAndItsSoftmax) {
  const AttentionKernel& k = find_engine("trtllm")->attention.prefill;
  ASSERT_GT(k.softmax_flops, 0);
  const double tokens = 16384;
  const double scores = 64 * tokens * (tokens + 1 + k.diagonal_keys) / 2;
  const double compute =
      scores * (2 * 256 / (h100().peak_for(DType::bf16) * k.compute_fraction) + k.softmax_flops / h100().vector_flops);
  const double ctas = 64 * std::ceil(tokens / k.q_tile) * k.unit / h100().compute_units;
  EXPECT_NEAR(seconds("trtllm", prefill_op(tokens, 128)), k.floor + ctas + compute, 1e-9 * compute);
  EXPECT_GT(compute, 10 * ctas);  // compute-bound
}

// The softmax does not shrink with the head: at head size 64 it is as long
// as the products, so small heads reach a lower share of the tensor peak.
// Measured (H100, TensorRT-LLM context_attention, bf16, prompts of 4096+
// tokens, median): 387 TFLOP/s at head size 64, 476 at 128.
TEST(AttentionModel, SmallHeadsReachALowerShareOfTheTensorPeak) {
  for (const char* engine : {"trtllm", "vllm"}) {
    const double per_flop_64 = seconds(engine, prefill_op(8192, 64)) / 64;
    const double per_flop_128 = seconds(engine, prefill_op(8192, 128)) / 128;
    EXPECT_GT(per_flop_64 / per_flop_128, 1.1) << engine;
    EXPECT_LT(per_flop_64 / per_flop_128, 1.5) << engine;
  }
}

// TensorRT-LLM runs an FP8 context FMHA on an FP8 cache: 0.71x the time of
// the bf16 kernel at head size 128 (H100 context_attention, prompts of 4096+
// tokens, median: 0.759 against 1.076 ps per score), not 0.5x (the softmax
// stays). A part without FP8 tensor cores (A100) runs the 16-bit kernel.
TEST(AttentionModel, AnFp8CacheRunsTheFp8ContextKernelWhereThePartHasOne) {
  const double ratio = seconds("trtllm", prefill_op(8192, 128, DType::fp8)) / seconds("trtllm", prefill_op(8192, 128));
  EXPECT_GT(ratio, 0.6);
  EXPECT_LT(ratio, 0.85);
  const auto a100 = test::plugins().create<Hardware>(PluginKind::hardware, "a100_80gb");
  const EngineProfile* e = find_engine("trtllm");
  Op fp8 = prefill_op(8192, 128, DType::fp8), bf16 = prefill_op(8192, 128);
  lower(fp8, *e);
  lower(bf16, *e);
  EXPECT_NEAR(engine_attention_cost(e->attention, fp8, a100->spec())->seconds,
              engine_attention_cost(e->attention, bf16, a100->spec())->seconds, 1e-3 * bf16.flops / 312e12);
}

// DeepSeek's MLA context (query/key heads of 192, values of 128) runs
// TensorRT-LLM's kernel of its own. Measured (H100 mla_context.csv, 128
// heads, one prompt of 16 384 tokens, bf16): 18.6 ms.
TEST(AttentionModel, MlaContextRunsItsOwnKernel) {
  const EngineProfile* e = find_engine("trtllm");
  ASSERT_TRUE(e->attention.mla_prefill.set);
  Op op = prefill_op(16384, 128);
  op.heads = op.kv_heads = 128;
  op.head_dim_qk = 192;
  const double t = seconds("trtllm", op);
  EXPECT_GT(t, 0.85 * 18.6e-3);
  EXPECT_LT(t, 1.15 * 18.6e-3);
  AttentionProfile generic = e->attention;
  generic.mla_prefill = AttentionKernel{};
  lower(op, *e);
  EXPECT_NE(engine_attention_cost(generic, op, h100())->seconds, t);
}

TEST(AttentionModel, BadSectionsAreClearErrors) {
  EXPECT_THROW(engine_from_text(R"({"name": "x", "attention": {"decode": {"floor_us": 5}}})", "e.json"), InputError);
  EXPECT_THROW(engine_from_text(R"({"name": "x", "attention": {"prefil": {}}})", "e.json"), InputError);
  try {
    engine_from_text(R"({"name": "x", "attention": {"prefill": {"floor_us": 5, "unit_us": 1,
                         "compute_fraction": 2, "bandwidth_fraction": 0.5, "q_tile": 64}}})",
                     "e.json");
    FAIL();
  } catch (const InputError& err) {
    EXPECT_NE(std::string(err.what()).find("attention/prefill/compute_fraction"), std::string::npos) << err.what();
  }
}

}  // namespace
}  // namespace genz

namespace genz {
namespace {

// Ampere has no fp8 tensor cores: an fp8 KV cache is read as fp8 bytes and
// multiplied in 16 bits, a finite time (it was an infinite one).
TEST(AttentionModel, AnFp8CacheOnAPartWithoutFp8IsMultipliedIn16Bits) {
  const auto a100 = test::plugins().create<Hardware>(PluginKind::hardware, "a100_80gb");
  ASSERT_LE(a100->spec().peak_for(DType::fp8), 0);
  for (const char* name : {"trtllm", "vllm", "sglang"}) {
    const EngineProfile* e = find_engine(name);
    Op fp8 = decode_op(8, 4000), bf16 = decode_op(8, 4000);
    fp8.kv_dtype = DType::fp8;
    lower(fp8, *e);
    lower(bf16, *e);
    const double t8 = engine_attention_cost(e->attention, fp8, a100->spec())->seconds;
    const double t16 = engine_attention_cost(e->attention, bf16, a100->spec())->seconds;
    EXPECT_TRUE(std::isfinite(t8)) << name;
    EXPECT_GT(t8, 0) << name;
    EXPECT_LE(t8, t16 * 1.0001) << name;  // never slower than the 16-bit cache it halves
  }
}

}  // namespace
}  // namespace genz
