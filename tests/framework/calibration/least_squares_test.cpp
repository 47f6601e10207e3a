#include "genz/calibration/least_squares.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace genz {
namespace {

TEST(LeastSquares, RecoversAnExponentialsParameters) {
  std::vector<double> xs, ys;
  for (int i = 0; i < 30; ++i) {
    xs.push_back(i * 0.1);
    ys.push_back(2.5 * std::exp(-1.3 * i * 0.1) + 0.4);
  }
  LsqProblem p;
  p.start = {1, -0.1, 0};
  p.lower = {0, -10, -5};
  p.upper = {10, 10, 5};
  p.residuals = [&](const std::vector<double>& x, std::vector<double>& r) {
    r.clear();
    for (std::size_t i = 0; i < xs.size(); ++i) r.push_back(x[0] * std::exp(x[1] * xs[i]) + x[2] - ys[i]);
  };
  const LsqResult res = solve_least_squares(p);
  EXPECT_TRUE(res.converged);
  EXPECT_NEAR(res.x[0], 2.5, 1e-4);
  EXPECT_NEAR(res.x[1], -1.3, 1e-4);
  EXPECT_NEAR(res.x[2], 0.4, 1e-4);
}

TEST(LeastSquares, StaysInsideItsBoundsAndSaysSo) {
  LsqProblem p;
  p.start = {0.5};
  p.lower = {0};
  p.upper = {1};
  p.residuals = [](const std::vector<double>& x, std::vector<double>& r) { r = {x[0] - 3}; };
  const LsqResult res = solve_least_squares(p);
  EXPECT_DOUBLE_EQ(res.x[0], 1.0);
  EXPECT_TRUE(res.at_bound[0]);
}

TEST(LeastSquares, HuberWeightsResistOneOutlier) {
  std::vector<double> ys(20, 1.0);
  ys[7] = 50;  // one wild measurement
  LsqProblem p;
  p.start = {0};
  p.lower = {-100};
  p.upper = {100};
  p.huber = 0.1;
  p.residuals = [&](const std::vector<double>& x, std::vector<double>& r) {
    r.clear();
    for (double y : ys) r.push_back(x[0] - y);
  };
  EXPECT_NEAR(solve_least_squares(p).x[0], 1.0, 0.05);
}

}  // namespace
}  // namespace genz
