#include "genz/calibration/least_squares.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace genz {
namespace {

using Vec = std::vector<double>;

void clamp(Vec& x, const LsqProblem& p) {
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::clamp(x[i], p.lower[i], p.upper[i]);
}

// Huber loss: quadratic inside the threshold, linear outside; with no
// threshold, plain least squares.
double loss(const Vec& r, double huber) {
  double s = 0;
  for (double v : r) {
    const double a = std::fabs(v);
    s += huber <= 0 || a <= huber ? 0.5 * v * v : huber * a - 0.5 * huber * huber;
  }
  return s;
}

// IRLS weights of the Huber loss at the current residuals.
Vec weights(const Vec& r, double huber) {
  Vec w(r.size(), 1.0);
  if (huber > 0)
    for (std::size_t i = 0; i < r.size(); ++i)
      if (std::fabs(r[i]) > huber) w[i] = huber / std::fabs(r[i]);
  return w;
}

Vec evaluate(const LsqProblem& p, const Vec& x) {
  Vec r;
  p.residuals(x, r);
  for (double v : r)
    if (!std::isfinite(v)) throw std::runtime_error("a residual is not finite: the model failed for these parameters");
  return r;
}

// Solves (A + lambda diag(A)) d = b for a small dense system (Gauss-Jordan
// with partial pivoting); returns false if singular.
bool solve_damped(std::vector<Vec> a, Vec b, double lambda, Vec& d) {
  const std::size_t n = b.size();
  for (std::size_t i = 0; i < n; ++i) a[i][i] += lambda * std::max(a[i][i], 1e-12);
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t piv = c;
    for (std::size_t r = c + 1; r < n; ++r)
      if (std::fabs(a[r][c]) > std::fabs(a[piv][c])) piv = r;
    if (std::fabs(a[piv][c]) < 1e-300) return false;
    std::swap(a[c], a[piv]);
    std::swap(b[c], b[piv]);
    for (std::size_t r = 0; r < n; ++r) {
      if (r == c) continue;
      const double f = a[r][c] / a[c][c];
      for (std::size_t k = c; k < n; ++k) a[r][k] -= f * a[c][k];
      b[r] -= f * b[c];
    }
  }
  d.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) d[i] = b[i] / a[i][i];
  return true;
}

std::vector<Vec> jacobian(const LsqProblem& p, const Vec& x, const Vec& r0) {
  std::vector<Vec> J(x.size());
  for (std::size_t j = 0; j < x.size(); ++j) {
    Vec xp = x;
    double h = 1e-4 * std::max(std::fabs(x[j]), (p.upper[j] - p.lower[j]) * 1e-3);
    if (xp[j] + h > p.upper[j]) h = -h;  // step inwards at the upper bound
    xp[j] += h;
    const Vec rp = evaluate(p, xp);
    J[j].resize(r0.size());
    for (std::size_t i = 0; i < r0.size(); ++i) J[j][i] = (rp[i] - r0[i]) / h;
  }
  return J;
}

}  // namespace

LsqResult solve_least_squares(const LsqProblem& p) {
  const std::size_t n = p.start.size();
  if (p.lower.size() != n || p.upper.size() != n) throw std::invalid_argument("bounds and start differ in size");
  LsqResult res;
  res.x = p.start;
  clamp(res.x, p);
  Vec r = evaluate(p, res.x);
  double cost = loss(r, p.huber);
  double lambda = 1e-3;
  for (res.iterations = 0; res.iterations < p.max_iterations; ++res.iterations) {
    const auto J = jacobian(p, res.x, r);
    const Vec w = weights(r, p.huber);
    std::vector<Vec> A(n, Vec(n, 0));
    Vec g(n, 0);
    for (std::size_t a = 0; a < n; ++a) {
      for (std::size_t b = a; b < n; ++b) {
        double s = 0;
        for (std::size_t i = 0; i < r.size(); ++i) s += w[i] * J[a][i] * J[b][i];
        A[a][b] = A[b][a] = s;
      }
      for (std::size_t i = 0; i < r.size(); ++i) g[a] -= w[i] * J[a][i] * r[i];
    }
    bool improved = false;
    for (int tries = 0; tries < 12 && !improved; ++tries) {
      Vec d;
      if (solve_damped(A, g, lambda, d)) {
        Vec x = res.x;
        for (std::size_t j = 0; j < n; ++j) x[j] += d[j];
        clamp(x, p);
        const Vec rn = evaluate(p, x);
        const double cn = loss(rn, p.huber);
        if (cn < cost) {
          const double gain = (cost - cn) / std::max(cost, 1e-300);
          res.x = x;
          r = rn;
          cost = cn;
          lambda = std::max(lambda / 3, 1e-9);
          improved = true;
          if (gain < 1e-10) res.converged = true;
        }
      }
      if (!improved) lambda *= 8;
    }
    if (!improved || res.converged) {
      res.converged = true;
      break;
    }
  }
  res.cost = cost;
  res.at_bound.resize(n);
  for (std::size_t j = 0; j < n; ++j) {
    const double span = p.upper[j] - p.lower[j];
    res.at_bound[j] = res.x[j] <= p.lower[j] + 1e-6 * span || res.x[j] >= p.upper[j] - 1e-6 * span;
  }
  return res;
}

}  // namespace genz
