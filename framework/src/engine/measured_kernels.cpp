#include "genz/engine/measured_kernels.hpp"

#include <algorithm>
#include <cmath>

namespace genz {
namespace {

int format_key(DType t, bool block_scaled = false) {
  const int key = t == DType::fp16 ? static_cast<int>(DType::bf16) : static_cast<int>(t);
  return block_scaled ? -1 - key : key;
}

// Log-log interpolation between two measured points.
double between(const std::pair<double, double>& a, const std::pair<double, double>& b, double x) {
  if (b.first <= a.first) return a.second;
  const double f = std::log(x / a.first) / std::log(b.first / a.first);
  return std::exp(std::log(a.second) + f * (std::log(b.second) - std::log(a.second)));
}

void sort_fastest(std::vector<std::pair<double, double>>& c) {
  std::sort(c.begin(), c.end());
  // Several kernels of one size: the fastest (the first after sorting).
  c.erase(std::unique(c.begin(), c.end(), [](const auto& a, const auto& b) { return a.first == b.first; }), c.end());
}

}  // namespace

void MeasuredKernels::add_gemm(DType format, double m, double n, double k, double seconds, bool block_scaled) {
  gemm_[{format_key(format, block_scaled), n, k}].emplace_back(m, seconds);
  ++points_;
}

void MeasuredKernels::add_attention(bool decode, double heads, double kv_heads, double head_dim, DType kv_dtype,
                                    double batch, double tokens, double seconds) {
  attention_[{decode, heads, kv_heads, head_dim, format_key(kv_dtype)}][batch].emplace_back(tokens, seconds);
  ++points_;
}

void MeasuredKernels::add_all_reduce(unsigned ranks, double bytes, double seconds) {
  all_reduce_[ranks].emplace_back(bytes, seconds);
  ++points_;
}

void MeasuredKernels::finish() {
  for (auto& [key, c] : gemm_) sort_fastest(c);
  for (auto& [key, by_batch] : attention_)
    for (auto& [batch, c] : by_batch) sort_fastest(c);
  for (auto& [key, c] : all_reduce_) sort_fastest(c);
}

std::optional<double> MeasuredKernels::at(const Curve& c, double x) {
  if (c.empty() || x < c.front().first || x > c.back().first) return std::nullopt;
  const auto hi = std::lower_bound(c.begin(), c.end(), std::make_pair(x, 0.0));
  if (hi->first == x || hi == c.begin()) return hi->second;
  return between(*(hi - 1), *hi, x);
}

std::optional<double> MeasuredKernels::across(const std::map<double, Curve>& by_batch, double batch, double x) {
  const auto hi = by_batch.lower_bound(batch);
  if (hi == by_batch.end()) return std::nullopt;
  const auto upper = at(hi->second, x);
  if (!upper || hi->first == batch) return upper;
  if (hi == by_batch.begin()) return std::nullopt;
  const auto lo = std::prev(hi);
  const auto lower = at(lo->second, x);
  if (!lower) return std::nullopt;
  return between({lo->first, *lower}, {hi->first, *upper}, batch);
}

std::optional<double> MeasuredKernels::attention(const Op& op) const {
  const bool decode = op.q_len == 1 && op.kv_len > 1;
  if (!decode && op.kv_len != op.q_len) return std::nullopt;  // a chunk over cached context: not in the tables
  if (op.head_dim_qk != op.head_dim_v || op.kv_shared) return std::nullopt;
  const auto it = attention_.find({decode, op.heads, op.kv_heads, op.head_dim_qk, format_key(op.kv_dtype)});
  if (it == attention_.end()) return std::nullopt;
  return across(it->second, op.batch, decode ? op.kv_len - 1 : op.q_len);
}

std::optional<double> MeasuredKernels::time(const Op& op) const {
  if (op.kind == OpKind::attention) return attention(op);
  if (op.kind != OpKind::gemm || op.batch != 1 || !op.b_is_weight || is_integer(op.w_dtype)) return std::nullopt;
  const auto it = gemm_.find({format_key(op.compute_dtype, op.block_scaled), op.n, op.k});
  if (it == gemm_.end()) return std::nullopt;
  return at(it->second, op.m);
}

std::optional<double> MeasuredKernels::all_reduce(unsigned ranks, double bytes) const {
  const auto it = all_reduce_.find(ranks);
  if (it == all_reduce_.end()) return std::nullopt;
  return at(it->second, bytes);
}

}  // namespace genz
