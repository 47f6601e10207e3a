#include "genz/serving/step_cost.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "test_support.hpp"

namespace genz {
namespace {

struct Fixture {
  test::Stack s = test::stack("llama3_8b", "h100", "nv_like", "vllm");
  StepCost cost{s->view()};
  Predictor predictor{s->view()};
};

TEST(StepCost, OneSequencesPrefillIsThePredictedPrefill) {
  Fixture f;
  for (double tokens : {1.0, 17.0, 100.0, 777.0, 3000.0}) {
    StepShape shape;
    shape.prefill_tokens = tokens;
    shape.new_requests = 1;
    const double t = f.cost.time(shape, {{tokens, 0}});
    EXPECT_NEAR(t, f.predictor.predict(Request{tokens, 1, 1, 1}).ttft, 1e-12) << tokens;
  }
}

TEST(StepCost, OneSequencesDecodeIsThePredictedDecodeStep) {
  Fixture f;
  for (double context : {10.0, 1000.0, 5000.0}) {
    StepShape shape;
    shape.decode_seqs = 1;
    shape.decode_context = context;
    // TPOT of a 2-token answer is the one decode step at context = input.
    const Prediction p = f.predictor.predict(Request{context, 2, 1, 1});
    EXPECT_NEAR(f.cost.time(shape, {}), p.tpot, 1e-12) << context;
  }
}

// The token grid and the context grid move step times by < 0.1 %: compare
// with graphs built for the exact shape.
TEST(StepCost, GridInterpolationStaysWithinATenthOfAPercent) {
  Fixture f;
  for (unsigned seqs : {2u, 7u, 64u, 200u}) {
    for (double context : {100.0, 1234.0, 4321.0}) {
      StepShape shape;
      shape.decode_seqs = seqs;
      shape.decode_context = seqs * context;
      const double grid = f.cost.time(shape, {});
      const Prediction exact = f.predictor.predict(Request{context, 2, static_cast<double>(seqs), 1});
      EXPECT_NEAR(grid, exact.tpot, 1e-3 * exact.tpot) << seqs << " at " << context;
    }
  }
  // The prefill part of mixed steps, between the grid's points.
  double worst = 0;
  for (double tokens = 60; tokens < 9000; tokens = std::round(tokens * 1.013 + 1)) {
    const double exact = f.cost.fixed_exact(tokens);
    worst = std::max(worst, std::fabs(f.cost.fixed_on_grid(tokens) - exact) / exact);
  }
  EXPECT_LT(worst, 1e-3);
}

TEST(StepCost, MoreWorkTakesLonger) {
  Fixture f;
  double previous = 0;
  for (unsigned seqs : {1u, 8u, 32u, 128u, 256u}) {
    StepShape shape;
    shape.decode_seqs = seqs;
    shape.decode_context = seqs * 2000.0;
    const double t = f.cost.time(shape, {});
    EXPECT_GT(t, previous) << seqs;
    previous = t;
  }
  StepShape a, b;
  a.prefill_tokens = b.prefill_tokens = 512;
  a.decode_seqs = b.decode_seqs = 32;
  a.decode_context = b.decode_context = 32 * 1000.0;
  EXPECT_LT(f.cost.time(a, {{512, 0}}), f.cost.time(b, {{512, 4000}}));  // a chunk late in its prompt attends more
}

}  // namespace
}  // namespace genz
