#include "genz/calibration/accuracy.hpp"

#include <gtest/gtest.h>

namespace genz {
namespace {

TEST(Accuracy, StatisticsOfKnownErrors) {
  // Errors +10, -10, +20, +40 %.
  const std::vector<double> meas = {100, 100, 100, 100}, pred = {110, 90, 120, 140};
  const MetricAccuracy a = summarize_metric("TTFT", pred, meas);
  EXPECT_EQ(a.n, 4u);
  EXPECT_NEAR(a.mape, 20, 1e-9);
  EXPECT_NEAR(a.median, 15, 1e-9);
  EXPECT_NEAR(a.p90, 34, 1e-9);  // linear interpolation between 20 and 40
  EXPECT_NEAR(a.max, 40, 1e-9);
  EXPECT_NEAR(a.over_20pct, 25, 1e-9);
  EXPECT_NEAR(a.bias, 15, 1e-9);
}

TEST(Accuracy, PearsonOfAPerfectLinearPrediction) {
  const MetricAccuracy a = summarize_metric("E2E", {2, 4, 6}, {1, 2, 3});
  EXPECT_NEAR(a.pearson, 1.0, 1e-12);
}

TEST(Accuracy, AccumulatorSkipsMissingMeasurements) {
  AccuracyAccumulator acc;
  Prediction p;
  p.ttft = 1;
  p.tpot = 1;
  p.e2e = 1;
  Measurement m;
  m.has_ttft = true;
  m.ttft = 1;
  acc.add(p, m);
  const auto s = acc.summarize();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].metric, "TTFT");
}

TEST(Accuracy, FlagsRowsWhoseMeasurementsDisagree) {
  Measurement m;
  m.has_ttft = m.has_tpot = m.has_e2e = true;
  m.ttft = 0.600;
  m.tpot = 0.020;
  m.e2e = 0.600 + 199 * 0.020;
  EXPECT_EQ(inconsistency(m, 200), 0.0);
  m.ttft = 0.650;  // 50 ms more TTFT than E2E implies
  EXPECT_NEAR(inconsistency(m, 200), 0.050, 1e-9);
}

}  // namespace
}  // namespace genz
