#include "genz/engine/gguf_mix.hpp"

#include <gtest/gtest.h>

namespace genz {
namespace {

TEST(GgufMix, BitsPerWeightComeFromTheBlockLayouts) {
  // ggml-common.h block structs: bytes per block / weights per block * 8.
  EXPECT_DOUBLE_EQ(8 * bytes_of(DType::q4_0), 4.5);
  EXPECT_DOUBLE_EQ(8 * bytes_of(DType::q8_0), 8.5);
  EXPECT_DOUBLE_EQ(8 * bytes_of(DType::q2_k), 2.625);
  EXPECT_DOUBLE_EQ(8 * bytes_of(DType::q3_k), 3.4375);
  EXPECT_DOUBLE_EQ(8 * bytes_of(DType::q4_k), 4.5);
  EXPECT_DOUBLE_EQ(8 * bytes_of(DType::q5_k), 5.5);
  EXPECT_DOUBLE_EQ(8 * bytes_of(DType::q6_k), 6.5625);
  EXPECT_DOUBLE_EQ(8 * bytes_of(DType::iq4_xs), 4.25);
  EXPECT_DOUBLE_EQ(8 * bytes_of(DType::iq3_xxs), 3.0625);
  EXPECT_DOUBLE_EQ(8 * bytes_of(DType::iq2_xxs), 2.0625);
  EXPECT_DOUBLE_EQ(8 * bytes_of(DType::iq1_s), 1.5625);
  EXPECT_DOUBLE_EQ(8 * bytes_of(DType::iq1_m), 1.75);
  for (DType t : kBlockDTypes) {
    EXPECT_TRUE(is_integer(t)) << name_of(t);  // weight-only: computed in the activation format
    EXPECT_EQ(parse_dtype(name_of(t)), t);
  }
}

MixFacts llama2_7b() {
  MixFacts m;
  m.layers = m.ffn_down = 32;
  m.gqa = 1;
  m.hidden = 4096;
  return m;
}

// Q4_K_M: attn_v and ffn_down in Q6_K on the first and last eighth of the
// layers and every third layer between (use_more_bits), the output in Q6_K,
// the rest Q4_K.
TEST(GgufMix, Q4KMGivesHalfOfTheLlama7bLayersMoreBits) {
  const GgufFtype& f = *find_gguf_ftype("q4_k_m");
  const MixFacts m = llama2_7b();
  unsigned more = 0;
  for (unsigned i = 0; i < 32; ++i) {
    const DType v = tensor_format(f, TensorRole::attn_v, i, m);
    EXPECT_EQ(v, tensor_format(f, TensorRole::ffn_down, i, m)) << i;
    more += v == DType::q6_k;
    EXPECT_EQ(tensor_format(f, TensorRole::attn_q, i, m), DType::q4_k);
    EXPECT_EQ(tensor_format(f, TensorRole::ffn_gate, i, m), DType::q4_k);
  }
  EXPECT_EQ(more, 16u);  // layers 0-3, 28-31 and 6, 9, ..., 27
  EXPECT_EQ(tensor_format(f, TensorRole::attn_v, 6, m), DType::q6_k);
  EXPECT_EQ(tensor_format(f, TensorRole::attn_v, 5, m), DType::q4_k);
  EXPECT_EQ(tensor_format(f, TensorRole::output, 0, m), DType::q6_k);
  EXPECT_EQ(tensor_format(f, TensorRole::token_embd, 0, m), DType::q4_k);
  EXPECT_DOUBLE_EQ(mean_bits(f, TensorRole::attn_v, m), (4.5 + 6.5625) / 2);
}

TEST(GgufMix, ModelSpecificRules) {
  MixFacts m = llama2_7b();
  m.layers = m.ffn_down = 80;
  m.gqa = 8;
  m.llama_70b = true;  // attn_v is 8x smaller: Q5_K instead of Q4_K
  EXPECT_EQ(tensor_format(*find_gguf_ftype("q4_k_m"), TensorRole::attn_v, 13, m), DType::q5_k);
  m.hidden = 4100;  // rows not a whole number of 256-weight super-blocks
  EXPECT_EQ(tensor_format(*find_gguf_ftype("q4_k_m"), TensorRole::output, 0, m), DType::q8_0);
  const MixFacts small = llama2_7b();
  EXPECT_EQ(tensor_format(*find_gguf_ftype("q8_0"), TensorRole::output, 0, small), DType::q8_0);
  EXPECT_EQ(tensor_format(*find_gguf_ftype("iq1_s"), TensorRole::attn_output, 3, small), DType::iq2_xxs);
  EXPECT_EQ(tensor_format(*find_gguf_ftype("q2_k"), TensorRole::ffn_down, 3, small), DType::q3_k);
  EXPECT_EQ(find_gguf_ftype("q4_k_x"), nullptr);
  EXPECT_NE(gguf_ftype_names().find("iq2_xxs"), std::string::npos);
}

}  // namespace
}  // namespace genz
