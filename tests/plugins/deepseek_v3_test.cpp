// DeepSeek-V3 (MLA, MoE) and Mixtral through the deepseek_v3 model plugin.
#include <gtest/gtest.h>

#include <cmath>

#include "genz/engine/cluster.hpp"
#include "genz/engine/memory_model.hpp"
#include "genz/sdk/op_resources.hpp"
#include "test_support.hpp"

namespace genz {
namespace {

Handle<Model> model(const std::string& name) {
  return test::plugins().create<Model>(PluginKind::model, name);
}

Graph build(const Model& m, Phase phase, double batch, double tokens, const Parallelism& p, Precision prec) {
  BuildRequest r;
  r.phase = phase;
  r.batch = batch;
  r.tokens = tokens;
  r.parallel = p;
  r.precision = prec;
  Graph g;
  EXPECT_TRUE(m.build(r, g).ok);
  return g;
}

double layers_of(const Op& op, unsigned total) {
  return op.placement == Placement::layers ? op.layer_end - op.layer_begin : (total > 0 ? 1 : 0);
}

TEST(DeepSeekV3, About671BParametersAnd37BActivePerToken) {
  const auto m = model("deepseek_v3");
  const ModelInfo& i = m->info();
  EXPECT_EQ(i.layers, 61u);
  EXPECT_EQ(i.hidden, 7168u);
  EXPECT_EQ(i.experts, 256u);
  EXPECT_EQ(i.experts_active, 8u);
  EXPECT_EQ(i.shared_experts, 1u);
  EXPECT_EQ(i.vocab, 129280u);
  EXPECT_NEAR(i.params_total / 1e9, 671, 671 * 0.01);
  EXPECT_NEAR(i.params_active / 1e9, 37, 37 * 0.03);
  EXPECT_EQ(i.native_dtype, DType::fp8);
}

TEST(DeepSeekV3, R1HasTheSameShapes) {
  EXPECT_EQ(model("deepseek_r1")->info().params_total, model("deepseek_v3")->info().params_total);
}

TEST(DeepSeekV3, KvCacheHoldsTheLatentNotPerHeadKeysAndValues) {
  const auto m = model("deepseek_v3");
  ShardRequest r;
  r.precision = {DType::bf16, DType::bf16, DType::bf16};
  r.layer_end = 61;
  ShardFootprint f;
  ASSERT_TRUE(m->footprint(r, f).ok);
  EXPECT_DOUBLE_EQ(f.kv_bytes_per_token, 61.0 * (512 + 64) * 2);
  r.parallel.tp = 8;  // the latent is shared by all heads: every TP rank keeps it whole
  ASSERT_TRUE(m->footprint(r, f).ok);
  EXPECT_DOUBLE_EQ(f.kv_bytes_per_token, 61.0 * (512 + 64) * 2);
}

TEST(DeepSeekV3, DecodeReadsTheActivatedWeightsNotAllOfThem) {
  const auto m = model("deepseek_v3");
  const Graph g = build(*m, Phase::decode, 1, 1, {}, {DType::fp8, DType::bf16, DType::bf16});
  double weight_bytes = 0;
  for (Op op : g.ops) {
    resolve_defaults(op);
    if (op.kind == OpKind::gemm && op.b_is_weight)
      weight_bytes += layers_of(op, 1) * op.count * op.batch * op.k * op.n * weight_bytes_of(op.w_dtype);
  }
  // fp8 weights, bf16 router and LM head: about the 37 B activated parameters.
  EXPECT_NEAR(weight_bytes / 1e9, 37.0, 37 * 0.1);
  EXPECT_LT(weight_bytes, 0.1 * m->info().params_total);
}

TEST(DeepSeekV3, DecodeUsesAbsorbedMlaOverTheLatentCache) {
  const auto m = model("deepseek_v3");
  const Graph g = build(*m, Phase::decode, 1, 1, {}, {DType::fp8, DType::fp8, DType::bf16});
  bool latent = false, absorb = false, kv_b = false;
  for (const Op& op : g.ops) {
    const std::string n = op.name;
    latent = latent || (n == "mla_latent_attention" && op.kv_heads == 1 && op.head_dim_qk == 576 && op.kv_shared);
    absorb = absorb || n == "q_absorb_uk";
    kv_b = kv_b || n == "kv_b_proj";
  }
  EXPECT_TRUE(latent && absorb);
  EXPECT_FALSE(kv_b);  // decode never expands the cache
  const Graph pre = build(*m, Phase::prefill, 1, 256, {}, {DType::fp8, DType::fp8, DType::bf16});
  bool expanded = false;
  for (const Op& op : pre.ops) expanded = expanded || std::string(op.name) == "kv_b_proj";
  EXPECT_TRUE(expanded);  // prefill expands the latent into per-head keys and values
}

double dispatch_bytes(const Model& m, double tokens) {
  Parallelism p;
  p.tp = 8;
  p.ep = 8;
  const Graph g = build(m, Phase::prefill, 1, tokens, p, {DType::fp8, DType::fp8, DType::bf16});
  for (const Op& op : g.ops)
    if (std::string(op.name) == "moe_dispatch") return op.bytes_per_rank;
  return 0;
}

TEST(DeepSeekV3, AllToAllVolumeScalesWithTopKHiddenAndTokens) {
  const auto m = model("deepseek_v3");
  EXPECT_DOUBLE_EQ(dispatch_bytes(*m, 64), 64.0 / 8 * 8 * 7168 * 1);  // tokens/rank x top-k x hidden x fp8
  EXPECT_DOUBLE_EQ(dispatch_bytes(*m, 128) / dispatch_bytes(*m, 64), 2.0);
}

TEST(DeepSeekV3, FewTokensTouchFewExperts) {
  const auto m = model("deepseek_v3");
  auto touched = [&](double tokens) {
    const Graph g = build(*m, Phase::decode, tokens, 1, {}, {DType::fp8, DType::fp8, DType::bf16});
    for (const Op& op : g.ops)
      if (std::string(op.name) == "experts_down") return op.batch;
    return 0.0;
  };
  EXPECT_NEAR(touched(1), 8, 1e-9);
  EXPECT_GT(touched(64), 100);
  EXPECT_LT(touched(64), 256);
  EXPECT_NEAR(touched(4096), 256, 1e-3);
}

TEST(DeepSeekV3, RoutingMovesEveryTokenAndTheRanksPairsAndFeedsQuantizedExperts) {
  const auto m = model("deepseek_v3");
  Parallelism p;
  p.ep = 8;
  const Graph g = build(*m, Phase::prefill, 1, 64, p, {DType::fp8, DType::fp8, DType::bf16});
  double permuted = -1;
  int quantized = 0;
  for (const Op& op : g.ops) {
    if (std::string(op.name) == "moe_permute") permuted = op.elements;
    if (op.kind == OpKind::gemm && std::string(op.name).rfind("experts_", 0) == 0) quantized += op.a_quantized;
    if (op.kind == OpKind::gemm && std::string(op.name).rfind("shared_", 0) == 0) {
      EXPECT_FALSE(op.a_quantized);
    }
  }
  // Every rank holds the 64 tokens and gets 64 x 8 / 8 of their expert pairs.
  EXPECT_DOUBLE_EQ(permuted, (64 + 3 * 64.0 * 8 / 8) * 7168);
  EXPECT_EQ(quantized, 2);  // gate/up and down read rows the routing quantized
}

// DeepSeek-V3's checkpoint scales its FP8 weights per 128 x 128 block, so
// its FP8 GEMMs run the block-scaled kernels; Mixtral's FP8 is per tensor.
TEST(DeepSeekV3, Fp8WeightsCarryBlockScales) {
  const auto count = [](const std::string& name, DType w) {
    int gemms = 0, block = 0;
    for (const Op& op : build(*model(name), Phase::prefill, 1, 64, Parallelism{}, {w, w, DType::bf16}).ops) {
      if (op.kind != OpKind::gemm || op.w_dtype != DType::fp8) continue;
      ++gemms;
      block += op.block_scaled;
    }
    return std::make_pair(gemms, block);
  };
  const auto [fp8, block] = count("deepseek_v3", DType::fp8);
  EXPECT_GT(fp8, 5);
  EXPECT_EQ(block, fp8);
  EXPECT_EQ(count("deepseek_v3", DType::bf16).first, 0);
  const auto [mixtral, mixtral_block] = count("mixtral_8x7b", DType::fp8);
  EXPECT_GT(mixtral, 3);
  EXPECT_EQ(mixtral_block, 0);
}

TEST(DeepSeekV3, PipelineAcrossNodesSendsOverTheInterNodeLink) {
  const test::Stack st = test::stack("deepseek_v3", "rtx4090", "pcie_like");
  Parallelism p;
  p.tp = 8;
  p.pp = 6;
  p.ep = 8;
  const LinkSpec ib25 = find_cluster("RTX4090_PCIE_G4_IB25G")->inter;
  LinkSpec ib400 = ib25;
  ib400.bandwidth *= 16;
  ib400.latency = 1e-6;
  const Precision prec{DType::fp8, DType::fp8, DType::bf16};
  Predictor slow(st.components(p, prec, 6, 8, ib25)), fast(st.components(p, prec, 6, 8, ib400));
  const Request r{80, 64, 1, 1};
  EXPECT_GT(slow.predict(r).ttft, fast.predict(r).ttft);
  double sends = 0;
  for (const auto& l : slow.prefill_breakdown(r))
    if (std::string(l.op.name) == "pipeline_send_recv") sends = l.count;
  EXPECT_EQ(sends, 5);  // one per stage boundary, each between nodes
}

TEST(DeepSeekV3, TheOriginalScenarioFitsIn24GB) {
  const test::Stack st = test::stack("deepseek_v3", "rtx4090", "pcie_like");
  Parallelism p;
  p.tp = 8;
  p.pp = 6;
  p.ep = 8;
  const Components c =
      st.components(p, {DType::fp8, DType::fp8, DType::bf16}, 6, 8, find_cluster("RTX4090_PCIE_G4_IB25G")->inter);
  const MemoryEstimate m =
      estimate_memory(*st->model, c.layout, c.precision, st->engine, st->hardware->spec(), {80, 512, 1, 1});
  EXPECT_TRUE(m.fits());
  EXPECT_GT(m.expert_weights, m.dense_weights);
  EXPECT_LT(m.peak(), 24.0 * (1ull << 30));
}

TEST(Mixtral, SharesTheMoeMachinery) {
  const auto mixtral = model("mixtral_8x7b");
  const ModelInfo& i = mixtral->info();
  EXPECT_EQ(i.experts, 8u);
  EXPECT_EQ(i.experts_active, 2u);
  EXPECT_NEAR(i.params_total / 46.7e9, 1.0, 0.01);
  EXPECT_NEAR(i.params_active / 12.9e9, 1.0, 0.03);
  const auto qwen = model("qwen1.5_moe_a2.7b");
  const ModelInfo& q = qwen->info();
  EXPECT_NEAR(q.params_active / 2.7e9, 1.0, 0.1);
}

}  // namespace
}  // namespace genz
