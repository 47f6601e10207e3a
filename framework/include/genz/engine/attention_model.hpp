// The attention kernels an engine runs (TensorRT-LLM's FMHA and XQA,
// FlashAttention 3, FlashInfer, Triton), described by what limits them:
//
//   prefill: floor + units * unit * (head size / 128)^head_dim_exponent / SMs
//            + max(compute, bytes / (bandwidth * bandwidth_fraction))
//            compute = max(longest, scores * per_score + tail_fraction * longest * min(1, units / SMs))
//            per_score = MMA FLOPs per score / (peak * compute_fraction) + softmax_flops / vector peak
//            longest = min(q_tile, new tokens) * keys * per_score * SMs   (the last query tile, one SM's share)
//            units = sequences * heads * ceil(new tokens / q_tile)   (one CTA per query tile and head)
//            scores = sequences * heads * new tokens
//                     * (past keys + min(new tokens, (new tokens + 1 + diagonal_keys) / 2))
//            peak: FP8's at fp8_compute_fraction where the cache is FP8 and the kernel has an FP8 path
//   decode:  floor + max(ctas, roofline) + serial_fraction * min(ctas, roofline)
//            ctas = units * unit / SMs
//            roofline = max(FLOPs / (peak * compute_fraction), bytes / (bandwidth * bandwidth_fraction)) / occupancy
//            units = sequences * KV heads * splits   (split-K CTAs, flash-decoding)
//            splits = min(ceil(cached tokens / kv_chunk), ceil(SMs * split_fill / (sequences * KV heads)))
//            (kv_chunk: fp8_kv_chunk on an FP8 cache where the kernel has one)
//            occupancy = min(1, units / (SMs * ctas_per_sm))
//
// A CTA has a fixed cost (loading its queries, the softmax epilogue, writing
// out), and the parallel work available bounds the bandwidth a decode
// reaches (each CTA keeps a bounded number of loads in flight): batch-1
// decode at long context is slower per byte than batch 64. A decode kernel
// splits a sequence's cache only as far as it takes to fill the GPU
// (TensorRT-LLM's multi-block mode, FlashInfer's split-K planner), so long
// caches do not multiply the CTAs' fixed cost. The CTA cost differs by
// kernel: one query head per CTA (MHA, or a group wider than the kernel
// serves), or a group of query heads sharing their KV head (XQA's GQA
// kernel), whose cost grows with the head size and doubles past 16 heads (a
// second 16-row MMA tile), with its own cost and floor on an FP8 cache. SMs,
// peak and bandwidth come from the hardware's data sheet, so values fitted on
// the H100 (data/calibration/fit_attention.py) carry to other parts of its
// kernel-library target (the H200).
//
// An engine runs other attention kernels on other targets (its tables'
// kernel_source: SGLang FA3 on sm90, FlashInfer and Triton on sm89, TensorRT-
// LLM's trtllm_mha on sm100; vLLM FA3 on sm90, FA2 and FlashInfer on sm89,
// FlashInfer's TensorRT-LLM kernels on sm100), so a profile may hold kernels
// per target (HardwareSpec::architecture), fitted on that target's own
// tables; a target without its own uses the profile's defaults.
//
// The kernel tables replay one kernel on the same buffers (Op::replayed), so
// a KV cache that fits the L2 stays there: a kernel may carry the L2's
// bandwidth and the share of the data-sheet L2 that holds a working set, as
// a GEMM does (sdk gemm_kernel.hpp). A forward pass streams every layer's
// cache through the L2, so only the replayed tables see that speed.
//
// A prefill kernel's score elements each cost their two products on the
// tensor cores and the online softmax (max, scale, exponent, sum) on the
// FP32 units, which the products do not hide: at head size 64 the softmax
// is as long as the products (FlashAttention-3, Shah et al. 2024, sec. 3),
// so small heads reach a lower share of the tensor peak, and an FP8 kernel
// (TensorRT-LLM's FP8 context FMHA on an FP8 cache) gains less than 2x. A
// causal kernel masks whole tiles, so the diagonal's tiles run in full.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "genz/sdk/hardware.hpp"
#include "genz/sdk/json_view.hpp"
#include "genz/sdk/op.hpp"

namespace genz {

struct AttentionKernel {
  bool set = false;
  double floor = 0;  // s
  double unit = 0;   // s per CTA (decode: a grouped CTA at head size 128 on a 16-bit cache)
  double compute_fraction = 1, bandwidth_fraction = 1;
  double q_tile = 128;      // prefill: query rows per CTA
  double kv_chunk = 0;      // decode: fewest cached tokens per split-K CTA
  double fp8_kv_chunk = 0;  // decode on an FP8 cache, where it differs (0: kv_chunk)
  double split_fill = 0;    // decode: splits stop at this many CTAs per SM; 0: split every kv_chunk
  double ctas_per_sm = 1;   // decode: CTAs per SM that reach the full bandwidth
  double max_group = 0;     // decode: largest query heads per KV head the kernel shares a cache read for; 0: any
  // Decode CTA kinds (0: as `unit` / `floor`): one query head per CTA; a
  // group on an FP8 cache; the grouped cost's growth with the head size
  // ((head size / 128)^x) and past 16 heads; the share of the smaller of CTA
  // work and roofline that the larger does not hide (0: the plain maximum).
  double single_unit = 0, fp8_unit = 0, fp8_floor = 0;
  double head_dim_exponent = 0, wide_group = 1, serial_fraction = 0;
  // Prefill: share of the FP8 peak on an FP8 cache (0: the products run in
  // 16 bits), FP32 FLOPs of softmax per score, keys per query computed past
  // the causal boundary. The prefill CTA's cost grows with the head size by
  // head_dim_exponent.
  double fp8_compute_fraction = 0, softmax_flops = 0, diagonal_keys = 0;
  // Prefill: the share of the longest CTA that runs after the others once
  // the grid fills the SMs (its CTAs start in grid order, not longest first;
  // 0: a perfect schedule).
  double tail_fraction = 0;
  // Prefill on an FP8 cache: queries, keys and values quantized to FP8 by a
  // kernel of their own first (prefill_cost), whose floor is quantize_floor.
  bool fp8_quantize_pass = false;
  double quantize_floor = 0;
  // A replayed working set finds l2_fraction of the data-sheet L2 resident,
  // read at l2_bandwidth (B/s); 0: every byte from DRAM.
  double l2_bandwidth = 0, l2_fraction = 0;
};

struct AttentionKernels {
  // mla_prefill: the context kernel for unequal query/key and value head
  // sizes (DeepSeek's MLA, 192 and 128), a kernel of its own in TensorRT-LLM;
  // mla_decode: the decode kernel over MLA's shared latent cache (its own
  // compute fraction; TensorRT-LLM's FlashMLA-style kernels, not XQA).
  // Unset: the prefill and decode kernels serve them.
  AttentionKernel prefill, decode, mla_prefill, mla_decode;
};

/// One kernel-library target's own kernels (e.g. "sm89"); a phase it leaves
/// unset is the profile's default.
struct AttentionTarget {
  std::string architecture;
  AttentionKernels kernels;
};

struct AttentionProfile : AttentionKernels {
  std::vector<AttentionTarget> targets;
  /// The target's own kernels; nullptr where it has none.
  const AttentionKernels* own(const std::string& architecture) const;
  /// The kernel of one phase (&AttentionKernels::decode, ...) that runs
  /// beside `own` (a target's kernels, or nullptr): its own where it has
  /// one, else the default.
  const AttentionKernel& kernel(AttentionKernel AttentionKernels::*phase, const AttentionKernels* own) const {
    return own && (own->*phase).set ? own->*phase : this->*phase;
  }
  const AttentionKernel& kernel(AttentionKernel AttentionKernels::*phase, const std::string& architecture) const {
    return kernel(phase, own(architecture));
  }
  /// Whether the target has kernels of its own.
  bool has_target(const std::string& architecture) const { return own(architecture) != nullptr; }
};

/// Reads an engine file's "attention" object:
///   {"prefill": {...}, "decode": {...}, "mla_prefill": {...}, "mla_decode": {...},
///    "targets": {"sm89": {"prefill": {...}, "decode": {...}}, ...}}
AttentionProfile read_attention(const JsonView& v);

/// Decode kernels serve a few new tokens per sequence over a cache (decode,
/// speculative verification); longer query blocks use the prefill kernel.
inline bool is_decode_attention(const Op& op) noexcept {
  return op.q_len <= 16 && op.kv_len > op.q_len;
}

/// Time of a lowered attention operator under the engine's kernels;
/// nullopt where the profile does not describe that phase or the part lacks
/// the data-sheet numbers the model needs (the hardware plugin answers).
std::optional<OpCost> engine_attention_cost(const AttentionProfile& p, const Op& op, const HardwareSpec& hw);

}  // namespace genz
