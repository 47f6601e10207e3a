// The llama model plugin, through the plugin interface.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "genz/host/error.hpp"
#include "genz/engine/lowering.hpp"
#include "genz/sdk/op_resources.hpp"
#include "test_support.hpp"

namespace genz {
namespace {

Handle<Model> model(const std::string& name) {
  return test::plugins().create<Model>(PluginKind::model, name);
}

struct Sums {
  double weight_bytes = 0;  // GEMM weight bytes per step (whole depth)
  double all_reduces_per_layer = 0;
};

Sums decode_sums(const Model& m, unsigned tp, DType weights) {
  BuildRequest r;
  r.phase = Phase::decode;
  r.parallel.tp = tp;
  r.precision = {weights, DType::bf16, DType::bf16};
  Graph g;
  EXPECT_TRUE(m.build(r, g).ok);
  Sums s;
  for (Op op : g.ops) {
    resolve_defaults(op);
    const double layers = op.placement == Placement::layers ? op.layer_end - op.layer_begin : 1;
    if (op.kind == OpKind::gemm && op.b_is_weight)
      s.weight_bytes += layers * op.count * op.batch * op.k * op.n * weight_bytes_of(op.w_dtype);
    if (op.kind == OpKind::collective && op.collective == CollectiveKind::all_reduce &&
        op.placement == Placement::layers)
      s.all_reduces_per_layer += op.count;
  }
  return s;
}

TEST(Llama, PublishedShapesAndParameterCounts) {
  struct Expect {
    const char* name;
    unsigned layers, hidden, heads, kv_heads, vocab;
    double params;
  };
  for (const Expect& e :
       {Expect{"llama2_7b", 32, 4096, 32, 32, 32000, 6.738e9}, Expect{"llama2_13b", 40, 5120, 40, 40, 32000, 13.016e9},
        Expect{"llama2_70b", 80, 8192, 64, 8, 32000, 68.977e9}, Expect{"llama3_8b", 32, 4096, 32, 8, 128256, 8.030e9},
        Expect{"llama3_70b", 80, 8192, 64, 8, 128256, 70.554e9},
        Expect{"llama3_405b", 126, 16384, 128, 8, 128256, 405.85e9},
        Expect{"gpt3_175b", 96, 12288, 96, 96, 50257, 174.6e9}}) {
    const auto m = model(e.name);
    const ModelInfo& i = m->info();
    EXPECT_EQ(i.layers, e.layers) << e.name;
    EXPECT_EQ(i.hidden, e.hidden) << e.name;
    EXPECT_EQ(i.heads, e.heads) << e.name;
    EXPECT_EQ(i.kv_heads, e.kv_heads) << e.name;
    EXPECT_EQ(i.vocab, e.vocab) << e.name;
    EXPECT_NEAR(i.params_total / e.params, 1.0, 0.005) << e.name << " " << i.params_total;
  }
}

TEST(Llama, KvCacheOfLlama2_7bIsHalfAMiBPerToken) {
  EXPECT_DOUBLE_EQ(model("llama2_7b")->info().kv_elements_per_token * 2, 524288.0);
}

TEST(Llama, TensorParallelTwoHalvesWeightTrafficAndAddsTwoAllReducesPerLayer) {
  const auto m = model("llama2_7b");
  const Sums one = decode_sums(*m, 1, DType::bf16), two = decode_sums(*m, 2, DType::bf16);
  EXPECT_NEAR(two.weight_bytes / one.weight_bytes, 0.5, 1e-9);
  EXPECT_EQ(one.all_reduces_per_layer, 0);
  EXPECT_EQ(two.all_reduces_per_layer, 2);
}

TEST(Llama, Int4WeightsReadAQuarterOfFp16Bytes) {
  const auto m = model("llama2_7b");
  const Sums fp16 = decode_sums(*m, 1, DType::fp16), int4 = decode_sums(*m, 1, DType::int4);
  // The LM head stays 16-bit: compare the layers' share.
  const double head = 4096.0 * 32000 * 2;
  EXPECT_NEAR((int4.weight_bytes - head) / (fp16.weight_bytes - head), 0.25, 0.01);
}

TEST(Llama, TensorParallelMustDivideTheHeads) {
  Parallelism p;
  p.tp = 3;
  const Status s = model("llama2_7b")->check(p);
  EXPECT_FALSE(s.ok);
  EXPECT_EQ(s.message, "--tp 3 does not divide the 32 attention heads of llama2_7b");
}

TEST(Llama, ReadsAHuggingFaceConfig) {
  nlohmann::json cfg = {{"architectures", {"MistralForCausalLM"}},
                        {"hidden_size", 4096},
                        {"num_hidden_layers", 32},
                        {"num_attention_heads", 32},
                        {"num_key_value_heads", 8},
                        {"intermediate_size", 14336},
                        {"vocab_size", 32000},
                        {"max_position_embeddings", 32768}};
  const nlohmann::json config = {{"hf_config", cfg}, {"source", "mistral/config.json"}};
  const auto m = test::plugins().create<Model>(PluginKind::model, "llama", config.dump());
  EXPECT_NEAR(m->info().params_total / 7.24e9, 1.0, 0.01);
  EXPECT_EQ(m->info().kv_heads, 8u);
}

std::string config_error(nlohmann::json cfg) {
  try {
    test::plugins().create<Model>(PluginKind::model, "llama",
                                  nlohmann::json{{"hf_config", cfg}, {"source", "c.json"}}.dump());
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Llama, BadConfigsAreClearErrors) {
  nlohmann::json ok = {{"architectures", {"LlamaForCausalLM"}},
                       {"hidden_size", 4096},
                       {"num_hidden_layers", 32},
                       {"num_attention_heads", 32},
                       {"intermediate_size", 11008},
                       {"vocab_size", 32000}};
  auto bad = ok;
  bad["architectures"] = {"BertModel"};
  EXPECT_NE(config_error(bad).find(
                "c.json: key \"architectures\": expected an architecture of this plugin's families (llama), "
                "found \"BertModel\""),
            std::string::npos);
  bad = ok;
  bad["num_key_value_heads"] = 5;
  EXPECT_NE(config_error(bad).find("num_key_value_heads (5) must divide num_attention_heads (32)"), std::string::npos);
  bad = ok;
  bad.erase("vocab_size");
  EXPECT_NE(config_error(bad).find("key \"vocab_size\": expected a number, found nothing"), std::string::npos);
  bad = ok;
  bad["hidden_size"] = "4096";
  EXPECT_NE(config_error(bad).find("key \"hidden_size\": expected a number, found string \"4096\""), std::string::npos);
}

TEST(Llama, UnknownVariantListsTheBuiltIns) {
  try {
    test::plugins().create<Model>(PluginKind::model, "llama", R"({"variant": "llama9_1t"})");
    FAIL();
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("unknown llama model 'llama9_1t'; built-in variants: llama2_7b, llama2_13b"),
              std::string::npos)
        << e.what();
  }
}

TEST(Llama, IdenticalLayersAreOneOperatorWithALayerRange) {
  const auto m = model("llama2_70b");
  BuildRequest r;
  r.phase = Phase::prefill;
  r.tokens = 128;
  Graph g;
  ASSERT_TRUE(m->build(r, g).ok);
  EXPECT_LT(g.ops.size(), 40u);
  std::size_t layer_ops = 0;
  for (const Op& op : g.ops)
    if (op.placement == Placement::layers && op.layer_begin == 0 && op.layer_end == 80) ++layer_ops;
  EXPECT_GT(layer_ops, 10u);
}

}  // namespace
}  // namespace genz
