// The smooth maximum that combines a kernel's times (compute, memory,
// latency), shared by the roofline (hardware.hpp) and the GEMM kernel model
// (gemm_kernel.hpp).
#pragma once

#include <algorithm>
#include <cmath>

namespace genz {
inline namespace v1 {

/// Smooth maximum of two times (the p-norm; nest it for more): a kernel never
/// overlaps them perfectly; p = 1 adds them, p -> infinity is the ideal roofline. Fitted on
/// measured kernels (see data/calibration/).
inline double smooth_max(double a, double b, double p) noexcept {
  const double hi = std::max(a, b);
  if (hi <= 0) return 0;
  if (!(p < 64)) return hi;
  const double lo = std::min(a, b);
  return hi * std::pow(1.0 + std::pow(lo / hi, p), 1.0 / p);
}

}  // namespace v1
}  // namespace genz
