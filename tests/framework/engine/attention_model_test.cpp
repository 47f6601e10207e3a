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

TEST(AttentionModel, PrefillCostsItsFlopsAtTheFittedFraction) {
  Op op;
  op.kind = OpKind::attention;
  op.batch = 1;
  op.q_len = op.kv_len = 16384;
  op.heads = 64;
  op.kv_heads = 8;
  op.head_dim_qk = op.head_dim_v = 128;
  op.causal = true;
  const EngineProfile* e = find_engine("trtllm");
  lower(op, *e);
  const double t = engine_attention_cost(e->attention, op, h100())->seconds;
  const double at_peak = op.flops / h100().peak_for(DType::bf16);
  EXPECT_GT(t, at_peak / e->attention.prefill.compute_fraction);
  EXPECT_LT(t, 1.2 * at_peak / e->attention.prefill.compute_fraction);
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
