// The time of one GEMM kernel as a vendor library (cuBLASLt, CUTLASS) runs it
// on a GPU, without launch gaps (CUDA-graph replay): the kernel itself, which
// the engine's host costs (launches, graph replays) are added to elsewhere.
//
// The library tiles the (m x n) output into CTAs and picks, per shape, the
// fastest of a few tile sizes. A CTA walks its share of K as a software
// pipeline, one 128-byte K step at a time; at few CTAs that walk is bound by
// the latency of each step, not by the GPU's peaks. When the tiles leave SMs
// idle the library splits K across them (split-K) and reduces the partial
// sums. The kernel takes the smooth maximum of three times (the pipeline's
// latency, the tensor cores' work in whole waves of CTAs, the DRAM traffic;
// the p-norm nests, so two smooth_max calls give the three-way one)
// plus a fixed floor (prologue, epilogue, the smallest kernel's time).
// Parameters are fitted per GPU and format by data/calibration/fit_gemm.py on
// measured kernel tables; the GPU's SM count, peaks and bandwidth come from
// its data sheet, so a part of the same architecture transfers.
#pragma once

#include <algorithm>
#include <cmath>

#include "genz/sdk/hardware_spec.hpp"
#include "genz/sdk/op.hpp"
#include "genz/sdk/smooth_max.hpp"

namespace genz {
inline namespace v1 {

/// CTA tiles (rows x columns of the output) the libraries choose among:
/// CUTLASS's and cuBLASLt's common Hopper/Ampere/Ada configurations.
inline constexpr double kGemmTiles[][2] = {{128, 128}, {128, 64}, {64, 128}, {64, 64}, {64, 32}, {32, 64}};

/// Bytes of A and B one pipeline stage loads per row or column of the tile.
inline constexpr double kGemmStepBytes = 128;

/// Seconds of one GEMM kernel (all op.batch products) with the tile of
/// tile_m x tile_n; `peak` is the tensor peak of the operator's format.
inline double gemm_kernel_seconds_with(const GemmKernelSpec& g, const HardwareSpec& hw, const Op& op, double peak,
                                       double tile_m, double tile_n) noexcept {
  const double sms = std::max(1u, hw.compute_units);
  const double tiles = op.batch * std::ceil(op.m / tile_m) * std::ceil(op.n / tile_n);
  double split = 1;
  if (tiles < sms) split = std::max(1.0, std::min(std::floor(sms / tiles), std::ceil(op.k / g.split_k_min)));
  const double waves = std::ceil(tiles * split / sms);
  const double k_per_cta = op.k / split;
  const double step_elements = kGemmStepBytes / std::max(0.125, bytes_of(op.a_dtype));
  const double latency = waves * std::ceil(k_per_cta / step_elements) * g.iteration;
  const double per_sm = peak * g.compute_fraction / sms;
  const double compute = waves * (2 * tile_m * tile_n * k_per_cta / per_sm + g.wave);
  // Split-K writes and reads fp32 partial sums of the whole output per split.
  const double partials = split > 1 ? op.batch * op.m * op.n * 8 * split : 0;
  const double memory = (op.bytes + partials) / (hw.memory_bandwidth * g.bandwidth_fraction);
  return g.floor + (split > 1 ? g.split_reduce : 0) +
         smooth_max(smooth_max(latency, compute, g.overlap_exponent), memory, g.overlap_exponent);
}

/// The fastest tile's time, plus the activation-quantization kernel where the
/// format has one (FP8 per-tensor GEMMs quantize their bf16 input first:
/// read 2 bytes, write 1 per element) and the input is not quantized already.
inline double gemm_kernel_seconds(const GemmKernelSpec& g, const HardwareSpec& hw, const Op& op, double peak) noexcept {
  double best = INFINITY;
  for (const auto& t : kGemmTiles) best = std::min(best, gemm_kernel_seconds_with(g, hw, op, peak, t[0], t[1]));
  if (g.quantize > 0 && !op.a_quantized)
    best += g.quantize + 3 * op.batch * op.m * op.k / (hw.memory_bandwidth * g.bandwidth_fraction);
  return best;
}

}  // namespace v1
}  // namespace genz
