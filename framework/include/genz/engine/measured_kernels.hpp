// Kernel timings a user measured on their own machine (`genz --kernels DIR`,
// tables in aiconfigurator's format): where they cover an operator's shape
// genz interpolates them (log-log, between the nearest measured points)
// instead of using its model; outside them the model answers. Where a table
// holds several kernels for one shape the fastest counts, as an engine would
// pick it.
#pragma once

#include <map>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include "genz/sdk/op.hpp"

namespace genz {

class MeasuredKernels {
 public:
  /// A GEMM of (m x k) by (k x n) weights computing in `format` (bf16, fp8;
  /// block-scaled FP8 apart from per-tensor FP8: other kernels).
  void add_gemm(DType format, double m, double n, double k, double seconds, bool block_scaled = false);
  /// Attention of `batch` sequences: prefill of `tokens` new tokens (nothing
  /// cached), or decode of one token over `tokens` cached ones.
  void add_attention(bool decode, double heads, double kv_heads, double head_dim, DType kv_dtype, double batch,
                     double tokens, double seconds);
  /// An all-reduce of `bytes` per rank inside one node (any algorithm).
  void add_all_reduce(unsigned ranks, double bytes, double seconds);
  /// Sorts the points; call once after the last add.
  void finish();

  /// Seconds of a lowered GEMM or attention operator, where covered.
  std::optional<double> time(const Op& op) const;
  std::optional<double> all_reduce(unsigned ranks, double bytes) const;
  std::size_t points() const noexcept { return points_; }

 private:
  using Curve = std::vector<std::pair<double, double>>;  // (size, seconds), sorted
  static std::optional<double> at(const Curve& c, double x);
  static std::optional<double> across(const std::map<double, Curve>& by_batch, double batch, double x);
  std::optional<double> attention(const Op& op) const;

  std::map<std::tuple<int, double, double>, Curve> gemm_;  // (format, n, k) -> over m
  std::map<std::tuple<bool, double, double, double, int>, std::map<double, Curve>> attention_;
  std::map<unsigned, Curve> all_reduce_;
  std::size_t points_ = 0;
};

}  // namespace genz
