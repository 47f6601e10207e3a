// A replica's steady state from the serving step costs.
#include "genz/planning/replica_eval.hpp"

#include <gtest/gtest.h>

#include "genz/serving/step_cost.hpp"
#include "test_support.hpp"

namespace genz::plan {
namespace {

ConfigEval evaluate(const std::string& engine, double input, double output) {
  const test::Stack s = test::stack("llama3_8b", "h100", "nv_like", engine);
  ConfigEval e;
  const Traffic t{input, output, input, 0, 0, 0};
  evaluate_replica(*s.parts, s->engine.scheduler, t, LinkSpec{"infiniband", 50e9, 15e-6, 0.85}, e);
  return e;
}

TEST(ReplicaEval, TheLadderDoublesWithMidpoints) {
  EXPECT_EQ(batch_ladder(16), (std::vector<double>{1, 2, 3, 4, 6, 8, 12, 16}));
  EXPECT_EQ(batch_ladder(5), (std::vector<double>{1, 2, 3, 4}));
}

TEST(ReplicaEval, StepsGrowWithTheBatchAndPromptsCostMore) {
  for (const char* engine : {"vllm", "trtllm", "sglang"}) {
    const ConfigEval e = evaluate(engine, 1000, 200);
    ASSERT_GT(e.points.size(), 5u) << engine;
    for (std::size_t i = 1; i < e.points.size(); ++i) {
      EXPECT_GE(e.points[i].decode_step, e.points[i - 1].decode_step) << engine << " " << e.points[i].batch;
      EXPECT_GT(e.points[i].step, e.points[i].decode_step) << engine;  // prompts spread in
      // Decode-first engines (vLLM) run a new prompt beside the decodes;
      // prefill-first ones (SGLang, TensorRT-LLM 0.14) in a step of its own.
      if (find_engine(engine)->scheduler.order == StepOrder::prefill_first)
        EXPECT_DOUBLE_EQ(e.points[i].mixed_step, e.points[0].mixed_step);
      else
        EXPECT_GT(e.points[i].mixed_step, e.points[i].decode_step) << engine;
    }
    EXPECT_GT(e.kv_tokens, 1e5) << engine;
    EXPECT_GE(e.prefill_batch, 1) << engine;
  }
}

TEST(ReplicaEval, OneSequenceDecodesAtTheSingleRequestSpeed) {
  const test::Stack s = test::stack("llama3_8b", "h100", "nv_like", "vllm");
  const ConfigEval e = evaluate("vllm", 1000, 200);
  StepCost cost(s->view());
  StepShape one;
  one.decode_seqs = 1;
  one.decode_context = 1100;  // prompt + half the answer
  EXPECT_NEAR(e.points[0].decode_step, cost.time(one, {}), 1e-12);
  EXPECT_NEAR(e.prefill_alone, cost.predict(Request{1000, 1, 1, 1}).ttft, 1e-12);
}

TEST(ReplicaEval, AKvCacheTooSmallMakesLargeBatchesInfeasible) {
  const ConfigEval e = evaluate("vllm", 30000, 2000);
  bool some = false, none = true;
  for (const BatchPoint& p : e.points) {
    if (p.batch * 32000 > e.kv_tokens) {
      EXPECT_FALSE(p.feasible) << p.batch;
    }
    some = some || p.feasible;
    none = none && p.feasible;
  }
  EXPECT_TRUE(some);
  EXPECT_FALSE(none);
}

}  // namespace
}  // namespace genz::plan
