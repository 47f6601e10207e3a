#include "genz/engine/attention_model.hpp"

#include <algorithm>
#include <cmath>

#include "genz/sdk/gemm_kernel.hpp"
#include "genz/sdk/op_resources.hpp"

namespace genz {
namespace {

AttentionKernel read_kernel(const JsonView& v, bool decode) {
  if (decode)
    v.only_keys({"floor_us", "unit_us", "compute_fraction", "bandwidth_fraction", "kv_chunk", "fp8_kv_chunk",
                 "split_fill", "ctas_per_sm", "max_group", "single_unit_us", "fp8_unit_us", "fp8_floor_us",
                 "head_dim_exponent", "wide_group", "serial_fraction", "l2_bandwidth_GBps", "l2_fraction"});
  else
    v.only_keys({"floor_us", "unit_us", "compute_fraction", "bandwidth_fraction", "q_tile", "fp8_compute_fraction",
                 "softmax_flops", "head_dim_exponent", "diagonal_keys", "tail_fraction", "fp8_quantize_pass",
                 "quantize_floor_us", "l2_bandwidth_GBps", "l2_fraction"});
  AttentionKernel k;
  k.set = true;
  k.floor = v.number("floor_us", 0, 1e4) * 1e-6;
  k.unit = v.number("unit_us", 0, 1e4) * 1e-6;
  k.compute_fraction = v.number("compute_fraction", 1e-3, 1);
  k.bandwidth_fraction = v.number("bandwidth_fraction", 1e-3, 1);
  k.head_dim_exponent = v.number_or("head_dim_exponent", 0, -4, 4);
  k.l2_bandwidth = v.number_or("l2_bandwidth_GBps", 0, 0, 1e6) * 1e9;
  k.l2_fraction = v.number_or("l2_fraction", 0, 0, 1);
  if (decode) {
    k.kv_chunk = v.number("kv_chunk", 1, 1e7);
    k.fp8_kv_chunk = v.number_or("fp8_kv_chunk", 0, 0, 1e7);
    k.ctas_per_sm = v.number("ctas_per_sm", 1e-3, 64);
    k.max_group = v.number_or("max_group", 0, 0, 1e4);
    k.split_fill = v.number_or("split_fill", 0, 0, 1e4);
    k.single_unit = v.number_or("single_unit_us", 0, 0, 1e4) * 1e-6;
    k.fp8_unit = v.number_or("fp8_unit_us", 0, 0, 1e4) * 1e-6;
    k.fp8_floor = v.number_or("fp8_floor_us", 0, 0, 1e4) * 1e-6;
    k.wide_group = v.number_or("wide_group", 1, 0.1, 100);
    k.serial_fraction = v.number_or("serial_fraction", 0, 0, 1);
  } else {
    k.q_tile = v.number("q_tile", 1, 4096);
    k.fp8_compute_fraction = v.number_or("fp8_compute_fraction", 0, 0, 1);
    k.softmax_flops = v.number_or("softmax_flops", 0, 0, 1e3);
    k.diagonal_keys = v.number_or("diagonal_keys", 0, 0, 1e5);
    k.tail_fraction = v.number_or("tail_fraction", 0, 0, 1);
    k.fp8_quantize_pass = v.boolean_or("fp8_quantize_pass", false);
    k.quantize_floor = v.number_or("quantize_floor_us", 0, 0, 1e4) * 1e-6;
  }
  return k;
}

// The CTAs' fixed work and the roofline overlap but for `serial` of the
// smaller (1: they add up). Piecewise linear in the context, like every
// other operator, so one-off predictions that interpolate between sampled
// decode steps stay exact.
OpCost cost(double floor, double units_seconds, double compute, double memory, double serial) {
  OpCost c;
  c.compute_seconds = compute;
  c.memory_seconds = memory;
  const double roofline = std::max(compute, memory);
  c.seconds = floor + std::max(units_seconds, roofline) + serial * std::min(units_seconds, roofline);
  if (units_seconds + floor > roofline)
    c.bound = Bound::overhead;
  else
    c.bound = compute > memory ? Bound::compute : Bound::memory;
  return c;
}

// Score elements the kernel computes: the causal half, and past the
// boundary the diagonal's keys that its whole tiles compute anyway.
double prefill_scores(const AttentionKernel& k, const Op& op) {
  double attended = attended_keys(op);
  if (op.causal) attended += std::min(op.q_len - (op.q_len + 1) / 2, k.diagonal_keys / 2);
  return op.batch * op.heads * op.q_len * attended;
}

// The format the products run in over this cache: FP8 on an FP8 cache where
// the part has FP8 tensor cores (Ampere dequantizes and multiplies in 16 bits).
DType cache_format(const Op& op, const HardwareSpec& hw) {
  return op.kv_dtype == DType::fp8 && hw.peak_for(DType::fp8) > 0 ? DType::fp8 : DType::bf16;
}

// Seconds to stream `bytes` at the kernel's share of the DRAM bandwidth, a
// replayed working set's share that stays in the L2 at the L2's speed.
double memory_seconds(const AttentionKernel& k, const Op& op, const HardwareSpec& hw, double bytes) {
  return replayed_memory_seconds(hw, op, bytes, hw.memory_bandwidth * k.bandwidth_fraction, k.l2_bandwidth,
                                 k.l2_fraction);
}

// A kernel that quantizes its queries, keys and values to FP8 in a pass of
// its own before the FP8 products (TensorRT-LLM's MLA context on an FP8
// cache): that kernel's floor (quantize_floor), and reading their 16-bit values and
// writing FP8 ones at the kernel's share of the bandwidth.
double quantize_pass_seconds(const AttentionKernel& k, const Op& op, const HardwareSpec& hw, bool fp8) {
  if (!k.fp8_quantize_pass || !fp8) return 0;
  const double values = op.batch * op.q_len * op.heads * (2 * op.head_dim_qk + op.head_dim_v);
  return k.quantize_floor + values * 3 / (hw.memory_bandwidth * k.bandwidth_fraction);
}

// Each CTA's fixed work adds to the FMHA's tensor-core and softmax time,
// which is at least the longest CTA's: the last query tile attends to every
// key on one SM's share of the rate (a long prompt over few heads leaves
// SMs idle while it runs). Once the grid fills the SMs, CTAs start in grid
// order, so part of the longest runs after all the others (H100 MLA
// context, one head, 16 384 tokens: 286 us for one prompt, 448 for two).
OpCost prefill_cost(const AttentionKernel& k, const Op& op, const HardwareSpec& hw) {
  const double sms = hw.compute_units;
  const double units = op.batch * op.heads * std::ceil(op.q_len / k.q_tile);
  const double unit = k.unit * std::pow(op.head_dim_qk / 128.0, k.head_dim_exponent);
  const bool fp8 = cache_format(op, hw) == DType::fp8 && k.fp8_compute_fraction > 0;
  const double mma_rate =
      fp8 ? hw.peak_for(DType::fp8) * k.fp8_compute_fraction : hw.peak_for(DType::bf16) * k.compute_fraction;
  double per_score = 2 * (op.head_dim_qk + op.head_dim_v) / mma_rate;
  if (k.softmax_flops > 0 && hw.vector_flops > 0) per_score += k.softmax_flops / hw.vector_flops;
  const double longest_cta = std::min(k.q_tile, op.q_len) * op.kv_len * per_score * sms;
  const double tail = k.tail_fraction * longest_cta * std::min(1.0, units / sms);
  const double compute = std::max(prefill_scores(k, op) * per_score + tail, longest_cta);
  return cost(k.floor + quantize_pass_seconds(k, op, hw, fp8), units * unit / sms, compute,
              memory_seconds(k, op, hw, op.bytes), 1.0);
}

// What one decode CTA costs and the kernel's floor: one query head per CTA
// (MHA, or a group wider than the kernel serves), a group of query heads on
// their shared KV head (XQA), MLA's heads on their latent.
std::pair<double, double> decode_cta(const AttentionKernel& k, const Op& op, bool single, bool fp8_cache) {
  if (single) return {k.single_unit > 0 ? k.single_unit : k.unit, k.floor};
  if (op.kv_shared) return {k.unit, k.floor};
  const double group = op.heads / op.kv_heads;
  const double unit = (fp8_cache && k.fp8_unit > 0 ? k.fp8_unit : k.unit) *
                      std::pow(op.head_dim_qk / 128.0, k.head_dim_exponent) * (group > 16 ? k.wide_group : 1.0);
  return {unit, fp8_cache && k.fp8_floor > 0 ? k.fp8_floor : k.floor};
}

// Split-K decode streams the cache while its CTAs' fixed work overlaps the
// loads; a kernel without support for the group size (max_group) reads the
// cache once per query head. MLA's latent cache is read once for all the
// heads (its decode kernels are built for 128 heads on one latent: 256
// sequences of 65 536 tokens take 7.05 ms on the H100, 2.7 TB/s of latent,
// aiconfigurator's mla_generation.csv). The products run in the cache's
// format; query heads that share one KV head are the rows of its tensor-core
// tiles, so a tile's worth of them (MLA's 128) runs at the prefill kernel's
// fraction, a few (GQA's 4-8, padded) at decode's.
OpCost decode_cost(const AttentionKernel& k, const AttentionKernel& prefill, const Op& op, const HardwareSpec& hw) {
  const double sms = hw.compute_units;
  const bool regrouped = !op.kv_shared && k.max_group > 0 && op.kv_heads > 0 && op.heads / op.kv_heads > k.max_group;
  const double kv_heads = regrouped ? op.heads : op.kv_heads;
  double bytes = op.bytes;
  if (regrouped) {
    const double width = op.head_dim_qk + (op.kv_shared ? 0.0 : op.head_dim_v);
    const double cache = op.batch * op.kv_len * op.kv_heads * width * bytes_of(op.kv_dtype);
    bytes += cache * (op.heads / op.kv_heads - 1);
  }
  const double heads = op.batch * kv_heads;
  const bool fp8_cache = op.kv_dtype == DType::fp8;
  double splits = std::ceil(op.kv_len / (fp8_cache && k.fp8_kv_chunk > 0 ? k.fp8_kv_chunk : k.kv_chunk));
  if (k.split_fill > 0) splits = std::max(1.0, std::min(splits, std::ceil(sms * k.split_fill / heads)));
  const double units = heads * splits;
  const double occupancy = std::min(1.0, units / (sms * k.ctas_per_sm));
  const DType format = cache_format(op, hw);
  const double group = !regrouped && op.kv_heads > 0 ? op.heads / op.kv_heads : 1;
  const double fraction = prefill.set && group >= prefill.q_tile ? prefill.compute_fraction : k.compute_fraction;
  const bool single = regrouped || (!op.kv_shared && group <= 1);
  const auto [unit, floor] = decode_cta(k, op, single, fp8_cache);
  return cost(floor, units * unit / sms, op.flops / (hw.peak_for(format) * fraction * occupancy),
              memory_seconds(k, op, hw, bytes) / occupancy, k.serial_fraction);
}

void read_kernels(const JsonView& v, AttentionKernels& k) {
  if (v.has("prefill")) k.prefill = read_kernel(v.object("prefill"), false);
  if (v.has("mla_prefill")) k.mla_prefill = read_kernel(v.object("mla_prefill"), false);
  if (v.has("decode")) k.decode = read_kernel(v.object("decode"), true);
  if (v.has("mla_decode")) k.mla_decode = read_kernel(v.object("mla_decode"), true);
}

}  // namespace

const AttentionKernels* AttentionProfile::own(const std::string& architecture) const {
  for (const AttentionTarget& t : targets)
    if (t.architecture == architecture) return &t.kernels;
  return nullptr;
}

AttentionProfile read_attention(const JsonView& v) {
  v.only_keys({"prefill", "decode", "mla_prefill", "mla_decode", "targets"});
  AttentionProfile p;
  read_kernels(v, p);
  if (!v.has("targets")) return p;
  const JsonView targets = v.object("targets");
  for (auto it = targets.raw().begin(); it != targets.raw().end(); ++it) {
    const JsonView t = targets.object(it.key().c_str());
    t.only_keys({"prefill", "decode", "mla_prefill", "mla_decode"});
    AttentionTarget target{it.key(), {}};
    read_kernels(t, target.kernels);
    p.targets.push_back(std::move(target));
  }
  return p;
}

std::optional<OpCost> engine_attention_cost(const AttentionProfile& profile, const Op& op, const HardwareSpec& hw) {
  const bool decode = is_decode_attention(op);
  const AttentionKernels* own = profile.own(hw.architecture);  // one lookup for every phase
  const AttentionKernel& prefill = profile.kernel(&AttentionKernels::prefill, own);
  const AttentionKernel& mla_prefill = profile.kernel(&AttentionKernels::mla_prefill, own);
  const AttentionKernel& mla_decode = profile.kernel(&AttentionKernels::mla_decode, own);
  const bool mla = op.kv_shared || op.head_dim_qk != op.head_dim_v;
  const AttentionKernel& k =
      decode ? (op.kv_shared && mla_decode.set ? mla_decode : profile.kernel(&AttentionKernels::decode, own))
      : mla && mla_prefill.set ? mla_prefill
                               : prefill;
  const double peak = hw.peak_for(DType::bf16);
  if (!k.set || op.kind != OpKind::attention || hw.compute_units == 0 || peak <= 0 || hw.memory_bandwidth <= 0)
    return std::nullopt;
  if (!decode) return prefill_cost(k, op, hw);
  // An MLA decode kernel of its own has its own compute fraction at any group.
  static const AttentionKernel none;
  return decode_cost(k, &k == &mla_decode ? none : prefill, op, hw);
}

}  // namespace genz
