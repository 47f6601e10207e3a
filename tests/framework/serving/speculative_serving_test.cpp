// Speculative decoding in the serving simulation: drafted tokens accepted per
// sequence and step, verify steps of k + 1 tokens, the drafter's cost.
#include <gtest/gtest.h>

#include "genz/engine/speculative.hpp"
#include "genz/serving/kv_capacity.hpp"
#include "genz/serving/simulator.hpp"
#include "genz/serving/summary.hpp"
#include "serving_test_support.hpp"

namespace genz {
namespace {

// Llama-3-8B on one H100 under vLLM, drafted by an EAGLE-style head: one
// decoder layer of its shape.
struct Deployment {
  test::Stack target = test::stack("llama3_8b", "h100", "nv_like", "vllm");
  test::Stack drafter = test::stack("llama3_8b", "h100", "nv_like", "vllm", R"({"layers": 1})");
  SimulationConfig config;
  Deployment() {
    config.scheduler = target->engine.scheduler;
    config.kv_tokens = kv_capacity(*target.parts, step_tokens(config.scheduler, 4096)).tokens / 2;
  }
  SimulationResult run(const Workload& w, unsigned k, std::vector<double> accept) {
    StepCost cost(target->view());
    SimulationConfig c = config;
    if (k > 0) {
      cost.speculate(k, std::make_unique<StepCost>(drafter->view()));
      c.spec_k = k;
      c.spec_accept = std::move(accept);
    }
    return simulate(cost, w, c);
  }
};

Workload spaced(int n, double input, double output) {
  Workload w;  // each request alone
  for (int i = 0; i < n; ++i) w.requests.push_back({1000.0 * i, input, output});
  return w;
}

TEST(SpeculativeServing, AcceptanceZeroIsPlainDecodingPlusTheDraftersCost) {
  Deployment d;
  const SimulationResult plain = d.run(spaced(5, 1000, 101), 0, {});
  const SimulationResult spec = d.run(spaced(5, 1000, 101), 3, {0.0});
  EXPECT_EQ(spec.spec_tokens, spec.spec_steps);  // one token per step
  EXPECT_EQ(spec.steps, plain.steps);
  for (std::size_t i = 0; i < plain.requests.size(); ++i) {
    EXPECT_GT(spec.requests[i].tpot(), plain.requests[i].tpot());
    EXPECT_GT(spec.requests[i].ttft(), plain.requests[i].ttft());  // the drafter reads the prompt too
  }
  const SimulationResult loaded_plain = d.run(test::chat(10, 600), 0, {});
  const SimulationResult loaded_spec = d.run(test::chat(10, 600), 3, {0.0});
  EXPECT_GT(summarize(loaded_spec, 0, 0).tpot.mean, summarize(loaded_plain, 0, 0).tpot.mean);
}

TEST(SpeculativeServing, AcceptanceOneGivesKPlusOneTokensPerStep) {
  Deployment d;
  const SimulationResult r = d.run(spaced(1, 1000, 101), 4, {1.0});
  EXPECT_EQ(r.spec_tokens / r.spec_steps, 5.0);
  EXPECT_EQ(r.steps, 1u + 20u);  // the prefill, then 100 tokens 5 at a time
  EXPECT_EQ(r.output_tokens, 101.0);
  const SimulationResult cut = d.run(spaced(1, 1000, 8), 4, {1.0});  // 7 tokens after the first: 5 + 2
  EXPECT_EQ(cut.steps, 3u);
  EXPECT_EQ(cut.output_tokens, 8.0);
}

TEST(SpeculativeServing, TheDrawnTokensPerStepMatchTheAcceptanceAndTheSeedFixesThem) {
  Deployment d;
  SpecConfig c;
  c.k = 4;
  c.accept = {0.9, 0.8, 0.7};
  const Workload w = test::chat(20, 1500);
  const SimulationResult r = d.run(w, c.k, c.accept);
  EXPECT_NEAR(r.spec_tokens / r.spec_steps, c.expected_tokens(), 0.02 * c.expected_tokens());
  const SimulationResult again = d.run(w, c.k, c.accept);
  EXPECT_EQ(again.spec_tokens, r.spec_tokens);
  d.config.seed = 2;
  EXPECT_NE(d.run(w, c.k, c.accept).spec_tokens, r.spec_tokens);
  const ServingSummary s = summarize(r, 0, 0);
  EXPECT_NEAR(s.little_error_pct, 0, 1e-6);
  EXPECT_EQ(s.tokens_generated, s.tokens_expected);
}

TEST(SpeculativeServing, GoodAcceptanceCutsTpotAndVerifyTokensTakeKvSlots) {
  Deployment d;
  const Workload w = test::chat(10, 800);
  const ServingSummary plain = summarize(d.run(w, 0, {}), 0, 0);
  const SimulationResult r = d.run(w, 4, {0.8});
  const ServingSummary spec = summarize(r, 0, 0);
  EXPECT_LT(spec.tpot.mean, 0.7 * plain.tpot.mean);
  // Verify tokens hold KV slots: a tight cache preempts more than without
  // speculation, even when no drafted token is ever accepted.
  d.config.kv_tokens = 12000;
  const SimulationResult tight_plain = d.run(w, 0, {});
  const SimulationResult tight_spec = d.run(w, 8, {0.0});
  EXPECT_GT(tight_spec.preemptions, tight_plain.preemptions);
}

}  // namespace
}  // namespace genz
