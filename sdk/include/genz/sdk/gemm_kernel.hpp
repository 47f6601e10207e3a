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

/// One kernel configuration: its CTA tile over the output, the thread-block
/// cluster (CUTLASS 3 on Hopper and later launches whole clusters, so the
/// tile grid is padded to a multiple of it) and whether the library may
/// split K over idle SMs (cuBLASLt's heuristics do; a persistent CUTLASS 3
/// kernel does not).
struct GemmTile {
  double m = 128, n = 128;
  double cluster_m = 1, cluster_n = 1;
  bool split_k = true;
};

/// Seconds to stream `bytes` at `dram` B/s; a replayed kernel (Op::replayed)
/// finds l2_fraction of the data-sheet L2 holding its working set already,
/// read at l2_bandwidth (B/s; 0: no L2 term). GEMM and attention kernels share it.
inline double replayed_memory_seconds(const HardwareSpec& hw, const Op& op, double bytes, double dram,
                                      double l2_bandwidth, double l2_fraction) noexcept {
  if (!op.replayed || l2_bandwidth <= 0 || bytes <= 0) return bytes / dram;
  const double resident = std::min(1.0, hw.l2_bytes * l2_fraction / bytes);
  return bytes * (resident / l2_bandwidth + (1 - resident) / dram);
}

/// Seconds of the GEMM's DRAM traffic, a replayed kernel's L2 share aside.
inline double gemm_memory_seconds(const GemmKernelSpec& g, const HardwareSpec& hw, const Op& op,
                                  double bytes) noexcept {
  return replayed_memory_seconds(hw, op, bytes, hw.memory_bandwidth * g.bandwidth_fraction, g.l2_bandwidth,
                                 g.l2_fraction);
}

/// Seconds of one GEMM kernel (all op.batch products) run with `tile`;
/// `peak` is the tensor peak of the operator's format.
inline double gemm_kernel_seconds_with(const GemmKernelSpec& g, const HardwareSpec& hw, const Op& op, double peak,
                                       const GemmTile& tile) noexcept {
  const double sms = std::max(1u, hw.compute_units);
  const double rows = std::ceil(op.m / (tile.m * tile.cluster_m)) * tile.cluster_m;
  const double cols = std::ceil(op.n / (tile.n * tile.cluster_n)) * tile.cluster_n;
  const double tiles = op.batch * rows * cols;
  double split = 1;
  if (tile.split_k && tiles < sms)
    split = std::max(1.0, std::min(std::floor(sms / tiles), std::ceil(op.k / g.split_k_min)));
  const double waves = std::ceil(tiles * split / sms);
  const double k_per_cta = op.k / split;
  const double step_elements = kGemmStepBytes / std::max(0.125, bytes_of(op.a_dtype));
  const double latency = waves * std::ceil(k_per_cta / step_elements) * g.iteration;
  const double per_sm = peak * g.compute_fraction / sms;
  const double compute = waves * (2 * tile.m * tile.n * k_per_cta / per_sm + g.wave);
  // Split-K writes and reads fp32 partial sums of the whole output per split.
  const double partials = split > 1 ? op.batch * op.m * op.n * 8 * split : 0;
  const double memory = gemm_memory_seconds(g, hw, op, op.bytes + partials);
  return g.floor + (split > 1 ? g.split_reduce : 0) +
         smooth_max(smooth_max(latency, compute, g.overlap_exponent), memory, g.overlap_exponent);
}

/// Seconds of the activation-quantization kernel where the format has one
/// (FP8 per-tensor GEMMs quantize their bf16 input first) and the input is
/// not quantized already: its floor plus the longer of its traffic (read 2
/// bytes, write 1 per element) and its rounds of one-CTA-per-row work (a
/// per-token kernel reduces each row in a CTA of its own, so tall, narrow
/// inputs pay per row, not per byte).
inline double gemm_quantize_seconds(const GemmKernelSpec& g, const HardwareSpec& hw, const Op& op) noexcept {
  if (g.quantize <= 0 || op.a_quantized) return 0;
  const double traffic = 3 * op.batch * op.m * op.k / (hw.memory_bandwidth * g.bandwidth_fraction);
  const double row_rounds = std::ceil(op.batch * op.m / std::max(1u, hw.compute_units));
  return g.quantize + std::max(traffic, row_rounds * g.quantize_row);
}

/// The fastest of kGemmTiles (cuBLASLt-style heuristics), plus the
/// activation quantization.
inline double gemm_kernel_seconds(const GemmKernelSpec& g, const HardwareSpec& hw, const Op& op, double peak) noexcept {
  double best = INFINITY;
  for (const auto& t : kGemmTiles) best = std::min(best, gemm_kernel_seconds_with(g, hw, op, peak, {t[0], t[1]}));
  return best + gemm_quantize_seconds(g, hw, op);
}

}  // namespace v1
}  // namespace genz
