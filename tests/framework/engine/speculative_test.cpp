// Speculative decoding's arithmetic and its limits: acceptance 0 is plain
// decoding plus the drafter's cost, acceptance 1 gains k + 1 tokens a step.
#include "genz/engine/speculative.hpp"

#include <gtest/gtest.h>

#include "genz/host/error.hpp"
#include "test_support.hpp"

namespace genz {
namespace {

TEST(Speculative, ExpectedTokensPerStep) {
  SpecConfig s;
  s.k = 3;
  s.accept = {0.5};
  EXPECT_DOUBLE_EQ(s.expected_tokens(), 1 + 0.5 + 0.25 + 0.125);
  s.accept = {0.9, 0.5};  // the last value holds for later positions
  EXPECT_DOUBLE_EQ(s.expected_tokens(), 1 + 0.9 + 0.45 + 0.225);
  s.accept = {1};
  EXPECT_DOUBLE_EQ(s.expected_tokens(), 4);
  s.accept = {0};
  EXPECT_DOUBLE_EQ(s.expected_tokens(), 1);
}

struct Pair {
  test::Stack target = test::stack("llama3_70b", "h100", "nv_like", "trtllm");
  test::Stack draft = test::stack("llama3_8b", "h100", "nv_like", "trtllm");
  Predictor t{target->view()}, d{draft->view()};
};

TEST(Speculative, TheVarianceOfTheTokensPerStep) {
  SpecConfig c;
  c.k = 4;
  c.accept = {0.0};
  EXPECT_EQ(c.tokens_variance(), 0.0);
  c.accept = {1.0};
  EXPECT_EQ(c.tokens_variance(), 0.0);
  // 1..5 tokens with chances 0.2, 0.16, 0.128, 0.1024, 0.4096.
  c.accept = {0.8};
  const double p[] = {0.2, 0.16, 0.128, 0.1024, 0.4096};
  double mean = 0, square = 0;
  for (int n = 1; n <= 5; ++n) mean += n * p[n - 1], square += n * n * p[n - 1];
  EXPECT_NEAR(c.tokens_variance(), square - mean * mean, 1e-12);
}

TEST(Speculative, AcceptingNothingIsPlainDecodingPlusTheDrafter) {
  Pair p;
  const SpecConfig s{SpecKind::draft, 4, {0.0}, "llama3_8b"};
  const SpecStep step = spec_step(p.t, p.d, s, 8, 2000);
  EXPECT_DOUBLE_EQ(step.tokens, 1);
  EXPECT_GT(step.seconds(), step.plain.latency + 4 * step.draft.latency * 0.999);
  Prediction plain = p.t.predict(Request{1000, 200, 8, 1});
  Prediction spec = plain;
  apply_speculation(spec, Request{1000, 200, 8, 1}, step);
  EXPECT_GT(spec.tpot, plain.tpot);
  EXPECT_DOUBLE_EQ(spec.ttft, plain.ttft);
}

TEST(Speculative, AcceptingEverythingGainsKPlusOneTokensAStep) {
  Pair p;
  const SpecConfig s{SpecKind::draft, 3, {1.0}, "llama3_8b"};
  const SpecStep step = spec_step(p.t, p.d, s, 1, 1500);
  EXPECT_DOUBLE_EQ(step.tokens, 4);
  Prediction pred = p.t.predict(Request{1000, 101, 1, 1});
  apply_speculation(pred, Request{1000, 101, 1, 1}, step);
  EXPECT_NEAR(pred.tpot, step.seconds() / 4, 1e-15);
  EXPECT_NEAR(pred.e2e, pred.ttft + 100 * pred.tpot, 1e-12);
  // Verifying 4 tokens costs more than decoding 1, far less than 4 steps.
  EXPECT_GT(step.verify.latency, step.plain.latency);
  EXPECT_LT(step.verify.latency, 2 * step.plain.latency);
}

TEST(Speculative, ACachedPrefixSkipsItsPrefillAndAWholePromptCostsOneToken) {
  const test::Stack s = test::stack("llama3_8b", "h100", "nv_like", "vllm");
  Predictor p(s->view());
  const double none = p.predict(Request{2048, 10, 1, 1, 0}).ttft;
  EXPECT_DOUBLE_EQ(p.predict(Request{2048, 10, 1, 1}).ttft, none);  // hit 0 is no caching
  const double half = p.predict(Request{2048, 10, 1, 1, 1024}).ttft;
  const double whole = p.predict(Request{2048, 10, 1, 1, 2048}).ttft;
  const double one = p.predict(Request{2048, 10, 1, 1, 2047}).ttft;
  EXPECT_LT(half, none);
  EXPECT_LT(whole, half);
  EXPECT_DOUBLE_EQ(whole, one);  // the last token is computed for the first logits
  // The answer decodes after the whole prompt either way.
  EXPECT_DOUBLE_EQ(p.predict(Request{2048, 10, 1, 1, 1024}).tpot, p.predict(Request{2048, 10, 1, 1}).tpot);
  EXPECT_THROW(check_request(Request{100, 10, 1, 1, 101}, ModelInfo{}), InputError);
}

}  // namespace
}  // namespace genz
