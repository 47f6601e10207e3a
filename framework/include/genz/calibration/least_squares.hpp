// Bounded nonlinear least squares (Levenberg-Marquardt) for a handful of
// parameters: numerical Jacobian, box bounds by projection, optional Huber
// weighting so a few outliers cannot drag a physical parameter.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace genz {

struct LsqProblem {
  std::vector<double> start, lower, upper;
  /// Fills residuals for parameters x (same size on every call).
  std::function<void(const std::vector<double>& x, std::vector<double>& residuals)> residuals;
  double huber = 0;  // > 0: residuals beyond this weigh linearly, not quadratically
  int max_iterations = 200;
};

struct LsqResult {
  std::vector<double> x;
  double cost = 0;  // the (Huber) loss at x
  int iterations = 0;
  bool converged = false;
  std::vector<bool> at_bound;  // parameter ended on a bound
};

LsqResult solve_least_squares(const LsqProblem& p);

}  // namespace genz
