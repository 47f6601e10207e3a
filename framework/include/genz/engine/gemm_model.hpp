// The GEMM kernels an engine runs where they are not the hardware
// description's (which is TensorRT-LLM's, the vendor libraries' heuristics):
// vLLM's and SGLang's FP8 GEMMs are CUTLASS 3 kernels that the engine picks
// by the problem's shape from a short list (vLLM's
// csrc/quantization/w8a8/cutlass/c3x/scaled_mm_sm90_fp8_dispatch.cuh: m <= 16
// and m <= 64 swap A and B under 16- or 64-row tiles, m <= 128 a 64x128 tile
// in clusters of 2, larger m 128x128 in clusters of 2), and quantize their
// activations with a kernel of their own.
//
// A description holds, per kernel-library target (HardwareSpec::architecture)
// and format, the GemmKernelSpec parameters of gemm_kernel.hpp's model and
// that dispatch list; data/calibration/fit_gemm.py fits the parameters on
// half of the engine's measured shapes. The GPU's SMs, peaks and bandwidth
// come from its data sheet, so a part of the same target (the H200 with the
// H100's values) is predicted from its data sheet.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "genz/sdk/gemm_kernel.hpp"
#include "genz/sdk/hardware.hpp"
#include "genz/sdk/json_view.hpp"
#include "genz/sdk/op.hpp"

namespace genz {

/// One entry of a dispatch list: shapes with m <= m_max and n <= n_max run
/// `tile`; the last entry takes every shape. An empty list: the library
/// picks the fastest of kGemmTiles and may split K (gemm_kernel_seconds).
struct GemmDispatch {
  double m_max = 0, n_max = 0;  // 0: unbounded
  GemmTile tile;
};

struct EngineGemm {
  std::string architecture;  // e.g. "sm90"
  std::string format;        // "fp8", "fp8_block", "bf16"
  GemmKernelSpec kernel;
  std::vector<GemmDispatch> dispatch;
};

using GemmProfile = std::vector<EngineGemm>;

/// Reads an engine file's "gemm_kernels" object:
///   {"sm90": {"fp8": {"kernel": {GemmKernelSpec keys, as a hardware file's},
///                     "dispatch": [{"m_max": 16, "n_max": 1280, "tile_m": 16, "tile_n": 64,
///                                   "cluster_m": 1, "cluster_n": 2}, ..., {"tile_m": 128, ...}]},
///           "fp8_block": {"kernel": {...}}}}   (no "dispatch": the fastest tile)
GemmProfile read_gemm_profile(const JsonView& v);

/// The GEMM format an operator runs: "fp8_block" for block-scaled FP8, else
/// its compute format's name ("fp8", "bf16", ...).
std::string_view gemm_format(const Op& op);

/// The engine's time for a GEMM on this part; nullopt where the profile has
/// no kernel for the part's target and the operator's format.
std::optional<OpCost> engine_gemm_cost(const GemmProfile& p, const Op& op, const HardwareSpec& hw);

}  // namespace genz
