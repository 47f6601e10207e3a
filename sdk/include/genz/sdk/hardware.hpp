// The hardware interface and its default implementation, a roofline with the
// achieved characteristics of a real machine.
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <utility>

#include "genz/sdk/abi.h"
#include "genz/sdk/gemm_kernel.hpp"
#include "genz/sdk/hardware_spec.hpp"
#include "genz/sdk/json_view.hpp"
#include "genz/sdk/op.hpp"
#include "genz/sdk/op_resources.hpp"
#include "genz/sdk/smooth_max.hpp"

namespace genz {
inline namespace v1 {

struct OpCost {
  double seconds = 0;
  Bound bound = Bound::overhead;
  double compute_seconds = 0;  // at the achievable peak
  double memory_seconds = 0;   // at the achievable bandwidth
};

/// A GEMM kernel's cost of `seconds` with its ideal compute and memory times
/// at the kernel's achieved fractions; "overhead" where neither is half of it.
inline OpCost gemm_op_cost(const GemmKernelSpec& g, const HardwareSpec& hw, const Op& op, double peak,
                           double seconds) noexcept {
  OpCost c;
  c.seconds = seconds;
  c.compute_seconds = op.flops / (peak * g.compute_fraction);
  c.memory_seconds = op.bytes / (hw.memory_bandwidth * g.bandwidth_fraction);
  if (std::max(c.compute_seconds, c.memory_seconds) < c.seconds / 2)
    c.bound = Bound::overhead;
  else
    c.bound = c.compute_seconds > c.memory_seconds ? Bound::compute : Bound::memory;
  return c;
}

/// The run's options for a hardware object, which the host passes in the
/// factory's configuration JSON (never by changing the object afterwards):
///   {"system_eff": 0.85, "accumulate": "fp16"}
/// A plugin that models a part its own way may ignore them; RooflineHardware
/// applies them.
struct HardwareOptions {
  double system_eff = 0;      // > 0: replaces the achieved compute and bandwidth fractions
  bool accumulate16 = false;  // GEMMs may use the 16-bit-accumulate peaks (--accumulate fp16)
};

/// Reads the options from a factory configuration; unknown keys are left to
/// the plugin. Throws InputError on a malformed value.
inline HardwareOptions hardware_options(std::string_view config_json) {
  HardwareOptions o;
  const auto doc = parse_json(config_json, "hardware configuration");
  const JsonView v(doc, "hardware configuration");
  o.system_eff = v.number_or("system_eff", 0, 0, 1);
  const std::string acc = v.string_or("accumulate", "fp32");
  if (acc != "fp32" && acc != "fp16") v.fail("accumulate", "\"fp32\" or \"fp16\"", "\"" + acc + "\"");
  o.accumulate16 = acc == "fp16";
  return o;
}

/// The spec with the options that change it (system_eff) applied.
inline HardwareSpec with_options(HardwareSpec spec, const HardwareOptions& o) {
  if (o.system_eff > 0) spec.achieved.compute_fraction = spec.achieved.bandwidth_fraction = o.system_eff;
  return spec;
}

class Hardware {
 public:
  static constexpr uint32_t kInterfaceKind = GENZ_KIND_HARDWARE;  // checked by the host at registration
  virtual ~Hardware() = default;
  virtual const HardwareSpec& spec() const noexcept = 0;
  /// Time of one instance of a resolved, non-collective operator.
  virtual OpCost time(const Op& op) const noexcept = 0;
};

/// Roofline timing from a HardwareSpec. Subclass and override time() to model
/// a part differently; call RooflineHardware::time() for what you keep.
class RooflineHardware : public Hardware {
 public:
  explicit RooflineHardware(HardwareSpec spec, const HardwareOptions& options = {})
      : spec_(with_options(std::move(spec), options)), accumulate16_(options.accumulate16) {}
  const HardwareSpec& spec() const noexcept override { return spec_; }

  OpCost time(const Op& op) const noexcept override {
    if (const GemmKernelSpec* g = gemm_kernel(op)) return gemm_kernel_cost(*g, op);
    const AchievedSpec& a = spec_.achieved;
    OpCost c;
    c.compute_seconds = op.flops > 0 ? op.flops / achievable_flops(op) : 0;
    c.memory_seconds = op.bytes > 0 ? op.bytes / achievable_bandwidth(op) : 0;
    const double overhead = (op.kernels + gemm_achieved(op).extra_kernels) * a.kernel_overhead;
    c.seconds = overhead + smooth_max(c.compute_seconds, c.memory_seconds, a.overlap_exponent);
    if (overhead > std::max(c.compute_seconds, c.memory_seconds))
      c.bound = Bound::overhead;
    else
      c.bound = c.compute_seconds > c.memory_seconds ? Bound::compute : Bound::memory;
    return c;
  }

  /// The part's GEMM kernel description for the operator, if it has one.
  /// FP16 GEMMs use BF16's where the part describes only BF16: every part
  /// with kernel tables runs both at the same tensor rate (data sheets).
  /// Block-scaled FP8 uses per-tensor FP8's where the part lacks its own.
  const GemmKernelSpec* gemm_kernel(const Op& op) const noexcept {
    if (op.kind != OpKind::gemm || is_block_format(op.w_dtype)) return nullptr;
    if (op.block_scaled && op.compute_dtype == DType::fp8 && spec_.achieved.fp8_block_gemm.described())
      return &spec_.achieved.fp8_block_gemm;
    const auto& kernels = spec_.achieved.gemm_kernels;
    const auto d = static_cast<std::size_t>(op.compute_dtype);
    if (d < kernels.size() && kernels[d].described()) return &kernels[d];
    const auto bf16 = static_cast<std::size_t>(DType::bf16);
    if (op.compute_dtype == DType::fp16 && kernels[bf16].described()) return &kernels[bf16];
    return nullptr;
  }

  OpCost gemm_kernel_cost(const GemmKernelSpec& g, const Op& op) const noexcept {
    const double peak = tensor_peak(op);
    return gemm_op_cost(g, spec_, op, peak, gemm_kernel_seconds(g, spec_, op, peak));
  }

  /// What GEMMs of the operator's compute format achieve where the part
  /// describes them apart (all zero otherwise).
  const GemmAchieved& gemm_achieved(const Op& op) const noexcept {
    static const GemmAchieved none{};
    const auto d = static_cast<std::size_t>(op.compute_dtype);
    if (op.kind != OpKind::gemm || d >= spec_.achieved.gemm.size() || is_block_format(op.w_dtype)) return none;
    return spec_.achieved.gemm[d];
  }

  /// Tensor peak for the operator's format times the achieved fraction;
  /// formats without matrix-unit support fall back to 16-bit (e.g. fp8
  /// weights on Ampere are dequantized), element-wise work uses vector units.
  double achievable_flops(const Op& op) const noexcept {
    const AchievedSpec& a = spec_.achieved;
    if (op.kind == OpKind::elementwise) return std::max(spec_.vector_flops, 1e9);
    // Block-format matrix-vector products run on the vector units (dp4a).
    if (op.kind == OpKind::gemm && is_block_format(op.w_dtype) && op.m <= kBlockVectorRows)
      return std::max(spec_.vector_flops, 1e9) * a.compute_fraction;
    const double peak = tensor_peak(op);
    double fraction = op.kind == OpKind::attention ? a.attention_fraction : a.compute_fraction;
    if (const double f = gemm_achieved(op).compute_fraction; f > 0) fraction = f;
    return peak * fraction;
  }

  /// The matrix units' peak for the operator's format (16-bit where the
  /// format has none, vector units where the part has no matrix units).
  double tensor_peak(const Op& op) const noexcept {
    double peak = spec_.peak_for(op.compute_dtype, accumulate16_);
    if (peak <= 0) peak = spec_.peak_for(DType::bf16, accumulate16_);
    if (peak <= 0) peak = spec_.peak_for(DType::fp16, accumulate16_);
    if (peak <= 0) peak = std::max(spec_.vector_flops, 1e9);
    return peak;
  }

  /// DRAM bandwidth, limited by how many CTAs stream at once when the kernel
  /// has fewer independent work units than the GPU has SMs (Little's law: a
  /// CTA keeps a bounded number of loads in flight).
  double achievable_bandwidth(const Op& op) const noexcept {
    const AchievedSpec& a = spec_.achieved;
    const double f = gemm_achieved(op).bandwidth_fraction;
    const double bw = spec_.memory_bandwidth * (f > 0 ? f : a.bandwidth_fraction);
    if (op.parallel_units > 0 && a.cta_bandwidth > 0) return std::min(bw, op.parallel_units * a.cta_bandwidth);
    return bw;
  }

 protected:
  HardwareSpec spec_;
  bool accumulate16_ = false;
};

}  // namespace v1
}  // namespace genz
