#include "genz/engine/gguf_model.hpp"

#include <gtest/gtest.h>

#include "genz/engine/memory_model.hpp"
#include "test_support.hpp"

namespace genz {
namespace {

test::Stack gguf_stack(const std::string& model, const std::string& ftype) {
  test::Stack st = test::stack(model, "h100", "pcie_like", "llamacpp");
  st->precision = {DType::fp16, DType::fp16, DType::fp16};
  st->use_gguf(*find_gguf_ftype(ftype));
  st->start();
  return st;
}

double weight_elements_of(const Graph& g, DType t) {
  double n = 0;
  for (const Op& op : g.ops)
    if (op.kind == OpKind::gemm && op.b_is_weight && op.w_dtype == t)
      n += op.count * op.k * op.n * op.batch * (op.placement == Placement::layers ? op.layer_end - op.layer_begin : 1);
  return n;
}

TEST(GgufModel, OperatorsTakeTheirTensorsFormatLayerByLayer) {
  const test::Stack st = gguf_stack("llama2_7b", "q4_k_m");
  BuildRequest b;
  b.phase = Phase::decode;
  b.precision = st->precision;
  b.traits = st->engine.traits;
  Graph g;
  ASSERT_TRUE(st->model->build(b, g));
  // v_proj and down_proj are split where the format changes; every layer is
  // still covered exactly once.
  double v_layers = 0, v_q6 = 0;
  for (const Op& op : g.ops) {
    if (op.name_view() == "v_proj") {
      v_layers += op.layer_end - op.layer_begin;
      if (op.w_dtype == DType::q6_k) v_q6 += op.layer_end - op.layer_begin;
    }
    if (op.name_view() == "q_proj") {
      EXPECT_EQ(op.w_dtype, DType::q4_k);
    }
    if (op.name_view() == "lm_head") {
      EXPECT_EQ(op.w_dtype, DType::q6_k);
    }
  }
  EXPECT_EQ(v_layers, 32);
  EXPECT_EQ(v_q6, 16);
  const double h = 4096, mlp = 11008;
  EXPECT_DOUBLE_EQ(weight_elements_of(g, DType::q6_k), 16 * (h * h + h * mlp) + 32000 * h);
}

// The shard sizes follow the operators: the wrapper's correction equals the
// bytes of the formats it gave them.
TEST(GgufModel, ShardSizesMatchTheFormatsOfTheOperators) {
  const test::Stack st = gguf_stack("llama2_7b", "q4_k_m");
  const MemoryEstimate m =
      estimate_memory(*st->model, st->layout, st->precision, st->engine, st->hardware->spec(), {1, 1});
  // TheBloke/Llama-2-7B-GGUF: llama-2-7b.Q4_K_M.gguf is 4.08 GB.
  EXPECT_NEAR(m.weights() / 1e9, 4.08, 0.01);
  const test::Stack moe = gguf_stack("deepseek_v3", "q4_k_m");
  const MemoryEstimate d =
      estimate_memory(*moe->model, moe->layout, moe->precision, moe->engine, moe->hardware->spec(), {1, 1});
  const double bits = 8 * d.weights() / moe->model->info().params_total;
  EXPECT_GT(bits, 4.6);  // Q4_K base with Q6_K down projections in the more-bits layers
  EXPECT_LT(bits, 5.0);
}

TEST(GgufModel, RolesComeFromOperatorNames) {
  EXPECT_EQ(role_of_operator("v_proj"), TensorRole::attn_v);
  EXPECT_EQ(role_of_operator("experts_down"), TensorRole::ffn_down);
  EXPECT_EQ(role_of_operator("lm_head"), TensorRole::output);
  EXPECT_EQ(role_of_operator("kv_b_proj"), TensorRole::other);
}

}  // namespace
}  // namespace genz
