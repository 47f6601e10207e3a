#include "genz/engine/step_model.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "genz/engine/lowering.hpp"
#include "test_support.hpp"

namespace genz {
namespace {

const Precision kFp16{DType::fp16, DType::fp16, DType::fp16};

Graph build(const test::Stack& st, Phase phase, double batch, double tokens, double context, const Parallelism& p) {
  BuildRequest r;
  r.phase = phase;
  r.batch = batch;
  r.tokens = tokens;
  r.context = context;
  r.parallel = p;
  r.precision = kFp16;
  r.traits = st->engine.traits;
  Graph g;
  EXPECT_TRUE(st->model->build(r, g).ok);
  return g;
}

StepModel loaded(const test::Stack& st, const Layout& l, const Graph& g, Phase phase, double context) {
  StepModel m(*st->hardware, *st->comm, st->engine, l, host_costs(st->engine, st->hardware->spec()), {"m", "h", "c"});
  m.load(g, phase, context);
  return m;
}

// Context-dependent operators are moved along a line instead of being
// lowered again per context: the result must equal a full rebuild.
TEST(StepModel, RetimingAlongTheContextEqualsRebuilding) {
  for (const char* engine : {"hf", "vllm"}) {
    const test::Stack st = test::stack("llama3_8b", "rtx3090", "pcie_like", engine);
    const Layout l = make_layout({}, 1, 1, st->hardware->spec().intra_node, {}, 32);
    const StepModel m = loaded(st, l, build(st, Phase::decode, 3, 1, 0, {}), Phase::decode, 0);
    for (double ctx : {1.0, 77.0, 1000.0, 8000.0}) {
      const StepModel fresh = loaded(st, l, build(st, Phase::decode, 3, 1, ctx, {}), Phase::decode, ctx);
      EXPECT_NEAR(m.at(ctx).latency, fresh.at_built().latency, 1e-12 * fresh.at_built().latency)
          << engine << " " << ctx;
    }
  }
}

TEST(StepModel, EagerDecodeOfASmallStepWaitsForTheCpu) {
  const test::Stack st = test::stack("llama2_7b", "rtx3090", "pcie_like", "hf");
  Parallelism p;
  p.tp = 2;
  const Layout l = make_layout(p, 1, 2, st->hardware->spec().intra_node, {}, 32);
  const StepModel m = loaded(st, l, build(st, Phase::decode, 1, 1, 0, p), Phase::decode, 0);
  const StepPoint short_ctx = m.at(100), long_ctx = m.at(4000);
  EXPECT_TRUE(short_ctx.host_bound);
  EXPECT_GT(short_ctx.host, short_ctx.gpu);
  EXPECT_FALSE(long_ctx.host_bound);  // the cache has grown: the GPU is the bottleneck again
}

TEST(StepModel, PipelineStagesSplitTheLayersAndAddSendRecv) {
  const test::Stack st = test::stack("llama2_70b", "h100", "nv_like");
  Parallelism p;
  p.tp = 2;
  p.pp = 4;
  const Layout l = make_layout(p, 1, 8, st->hardware->spec().intra_node, {}, 80);
  const StepModel m = loaded(st, l, build(st, Phase::decode, 1, 1, 0, p), Phase::decode, 0);
  const auto lines = m.breakdown(500);
  double layer_ops = 0, sends = 0;
  for (const auto& line : lines) {
    if (std::string(line.op.name) == "o_proj") layer_ops = line.count;
    if (std::string(line.op.name) == "pipeline_send_recv") sends = line.count;
  }
  EXPECT_EQ(layer_ops, 80);  // every layer once across the 4 stages
  EXPECT_EQ(sends, 3);
}

TEST(StepModel, AnInvalidOperatorFromAModelIsReportedByName) {
  const test::Stack st = test::stack("llama2_7b", "rtx3090");
  const Layout l = make_layout({}, 1, 1, st->hardware->spec().intra_node, {}, 32);
  Graph g = build(st, Phase::prefill, 1, 16, 0, {});
  g.ops[3].m = std::nan("");
  StepModel m(*st->hardware, *st->comm, st->engine, l, {}, {"llama", "nvidia", "pcie_like"});
  try {
    m.load(g, Phase::prefill, 0);
    FAIL();
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("model plugin 'llama' produced an invalid operator"), std::string::npos);
  }
}

// TensorRT-LLM 0.14's batched decode cost: per layer of the busiest stage,
// none for one sequence, rising linearly to all of it at batch_layer_seqs,
// and never in a prefill.
TEST(StepModel, BatchedDecodePaysThePerLayerCostOfTheBusiestStage) {
  const test::Stack st = test::stack("llama3_8b", "h100", "nv_like", "trtllm");
  ASSERT_GT(st->engine.batch_layer, 0);
  EngineProfile without = st->engine;
  without.batch_layer = 0;
  const double per_layer = st->engine.batch_layer, full_at = st->engine.batch_layer_seqs;
  Parallelism p;
  p.pp = 2;
  const Layout l = make_layout(p, 1, 2, st->hardware->spec().intra_node, {}, 32);
  const auto step = [&](const EngineProfile& e, Phase phase, double seqs) {
    StepModel m(*st->hardware, *st->comm, e, l, host_costs(e, st->hardware->spec()), {"m", "h", "c"});
    m.load(build(st, phase, seqs, phase == Phase::decode ? 1 : 64, 0, p), phase, 300, seqs);
    return m.at(300).latency;
  };
  const auto extra = [&](Phase phase, double seqs) {
    return step(st->engine, phase, seqs) - step(without, phase, seqs);
  };
  EXPECT_DOUBLE_EQ(extra(Phase::decode, 1), 0);
  EXPECT_NEAR(extra(Phase::decode, 4), per_layer * 16 * 3 / (full_at - 1), 1e-12);
  EXPECT_NEAR(extra(Phase::decode, full_at), per_layer * 16, 1e-12);
  EXPECT_NEAR(extra(Phase::decode, 4 * full_at), per_layer * 16, 1e-12);
  EXPECT_DOUBLE_EQ(extra(Phase::prefill, 8), 0);
}

}  // namespace
}  // namespace genz
