// The physical description of one accelerator: what the data sheet says and
// what was achieved on a real machine. All values in SI units (FLOP/s, B/s,
// bytes, seconds). hardware_json.hpp reads and writes it.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "genz/sdk/dtype.hpp"

namespace genz {
inline namespace v1 {

/// A link class between accelerators (NVLink, PCIe, InfiniBand, ICI, ...).
struct LinkSpec {
  std::string kind;         // "nvlink", "pcie", "infiniband", "ici", "xgmi", "ethernet"
  double bandwidth = 0;     // data sheet, bytes/s per direction per accelerator
  double latency = 0;       // achieved per-collective latency, seconds
  double efficiency = 0.8;  // achieved fraction of bandwidth in collectives
  // The engines' collective algorithms (framework/data/engines, fitted on the
  // H100's NVLink 4) on this part's links: their fixed costs take this many
  // times as long, and they reach this many times their link fraction. Fitted
  // per part on its own tables (data/calibration/fit_collectives.py).
  double collective_latency_scale = 1;
  double collective_bandwidth_scale = 1;
  // NCCL over PCIe peer-to-peer (pcie_like; fitted per server on its NCCL
  // table by data/calibration/fit_collectives.py). step_latency == 0 keeps the
  // host-staged form: latency grows as steps / 2 (a two-rank all-reduce).
  double step_latency = 0;   // s per ring step, beside the fixed latency
  double ll_latency = 0;     // s: NCCL's LL protocol's fixed cost (0: Simple only)
  double ll_fraction = 0.5;  // of the achieved bandwidth LL reaches (8-byte stores carry a 4-byte flag)
  double p2p_latency = 0;    // s: all-to-all's (send/receive) fixed cost; 0: latency
  // Every GPU's ring traffic crosses the host's root complex: the achieved
  // bandwidth per GPU falls as (2 / ranks)^contention on more than two.
  double contention = 0;
};

/// GEMMs of one compute format where they differ from the part's general
/// fractions (zero: the general ones). Hopper's FP8 GEMMs as TensorRT-LLM
/// runs them reach a smaller share of the FP8 peak than BF16 GEMMs of theirs,
/// stream weights slower at few rows, and quantize their activations in a
/// kernel of their own.
struct GemmAchieved {
  double compute_fraction = 0;
  double bandwidth_fraction = 0;
  double extra_kernels = 0;
};

/// One format's GEMM kernels as the vendor libraries run them (see
/// gemm_kernel.hpp for the model; floor == 0: not described, the roofline
/// below times them). Fitted on measured kernel tables per GPU.
struct GemmKernelSpec {
  double floor = 0;               // s: the smallest kernel (prologue, epilogue, scheduling)
  double compute_fraction = 0;    // of the tensor peak inside a CTA's main loop
  double bandwidth_fraction = 0;  // of the data-sheet DRAM bandwidth
  double iteration = 0;           // s per 128-byte K step of one CTA's pipeline
  double overlap_exponent = 4;    // p of the smooth maximum of latency, compute, memory
  double split_reduce = 0;        // s added when K is split across CTAs
  double wave = 0;                // s per wave of CTAs beyond its math
  double quantize = 0;            // s of the activation-quantization kernel (0: none)
  double split_k_min = 2048;      // K elements per split below which K is not split further
  double quantize_row = 0;        // s per round of the quantization's one-CTA-per-row work (ABI 8)
  // The kernel tables replay one kernel on the same buffers: a working set
  // within l2_fraction of the data sheet's L2 stays resident and streams at
  // l2_bandwidth (Op::replayed; 0: no L2 term, ABI 9). A model's forward pass
  // streams every layer's weights through the L2 and never sees it.
  double l2_bandwidth = 0;  // B/s
  double l2_fraction = 0;
  bool described() const noexcept { return floor > 0; }
};

/// What a real machine achieves relative to the data sheet. The defaults,
/// for parts never measured, are the means of what genz fitted on the A100
/// and H100 kernel timings (data/calibration/{a100_80gb,h100}.json).
struct AchievedSpec {
  double compute_fraction = 0.75;                // of the tensor peak, large GEMMs
  double bandwidth_fraction = 0.89;              // of the DRAM bandwidth, streaming kernels
  double kernel_overhead = 5.3e-6;               // s per kernel (launch gap, ramp-up, tail)
  double overlap_exponent = 1.45;                // p of the smooth roofline max (inf: ideal)
  double cta_bandwidth = 0;                      // B/s one CTA streams; 0: not limiting
  double attention_fraction = 0.6;               // of the tensor peak, FlashAttention kernels
  std::array<GemmAchieved, kDTypeCount> gemm{};  // by compute format (ABI 3)
  // GEMM kernels by compute format (ABI 4); where described, they time
  // GEMMs instead of the roofline fractions above.
  std::array<GemmKernelSpec, kDTypeCount> gemm_kernels{};
  // Block-scaled FP8 GEMM kernels (ABI 7; "fp8_block" in "gemm_kernels"):
  // their own tiles' efficiency and per-group activation quantization.
  GemmKernelSpec fp8_block_gemm{};
};

/// Host-side cost of driving this accelerator with one engine (e.g. eager
/// PyTorch): a property of the machine's CPU and the software stack together.
struct EngineHostSpec {
  std::string engine;
  double per_kernel = 0;   // s of CPU time per kernel launch
  double per_request = 0;  // s of fixed CPU work before the first token
};

struct HardwareSpec {
  std::string name;  // registry key, e.g. "rtx3090"
  std::string display_name;
  std::string vendor;
  // Dense tensor peak per compute format with the accumulate frameworks use
  // (fp32 for 16-bit inputs). Zero: the format has no matrix-unit support.
  std::array<double, kDTypeCount> peak{};
  // Peak with 16-bit accumulate where it differs (GeForce parts run fp16
  // with fp16 accumulate at twice the fp32-accumulate rate); zero otherwise.
  std::array<double, kDTypeCount> peak_acc16{};
  double vector_flops = 0;     // non-tensor fp32 FLOP/s
  unsigned compute_units = 0;  // SMs / CUs / TensorCores
  double memory_bytes = 0;
  double memory_bandwidth = 0;  // data sheet B/s
  double l2_bytes = 0;
  LinkSpec intra_node;
  AchievedSpec achieved;
  std::vector<EngineHostSpec> engine_hosts;
  std::string notes;  // provenance summary, shown by `genz plugins --verbose`
  // Target of the kernel libraries (NVIDIA: "sm90" for Hopper, "sm100" for
  // Blackwell ...; ABI 8): engines dispatch their own GEMM kernels by it.
  std::string architecture;

  double peak_for(DType t, bool accumulate16 = false) const noexcept {
    const int i = index_of(t);
    if (i >= kDTypeCount) return 0;  // block formats are dequantized first
    if (accumulate16 && peak_acc16[i] > 0) return peak_acc16[i];
    return peak[i];
  }
  const EngineHostSpec* host_for(const std::string& engine) const noexcept {
    for (const auto& h : engine_hosts)
      if (h.engine == engine) return &h;
    return nullptr;
  }
};

}  // namespace v1
}  // namespace genz
