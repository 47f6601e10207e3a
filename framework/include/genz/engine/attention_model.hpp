// The attention kernels an engine runs (TensorRT-LLM's FMHA and XQA,
// FlashAttention 3, FlashInfer, Triton), described by what limits them:
//
//   prefill: floor + units * unit / SMs + max(FLOPs / (BF16 peak * compute_fraction),
//                                             bytes / (bandwidth * bandwidth_fraction))
//            units = sequences * heads * ceil(new tokens / q_tile)   (one CTA per query tile and head)
//   decode:  floor + max(units * unit / SMs, FLOPs / (peak * compute_fraction),
//                        bytes / (bandwidth * bandwidth_fraction * occupancy))
//            units = sequences * KV heads * ceil(cached tokens / kv_chunk)   (split-K CTAs)
//            occupancy = min(1, units / (SMs * ctas_per_sm))
//
// A CTA has a fixed cost (loading its queries, the softmax epilogue, writing
// out), and the parallel work available bounds the bandwidth a decode
// reaches (each CTA keeps a bounded number of loads in flight): batch-1
// decode at long context is slower per byte than batch 64. SMs, peak and
// bandwidth come from the hardware's data sheet, so values fitted on the H100
// (data/calibration/fit_attention.py) carry to other parts.
#pragma once

#include <optional>

#include "genz/sdk/hardware.hpp"
#include "genz/sdk/json_view.hpp"
#include "genz/sdk/op.hpp"

namespace genz {

struct AttentionKernel {
  bool set = false;
  double floor = 0;  // s
  double unit = 0;   // s per CTA
  double compute_fraction = 1, bandwidth_fraction = 1;
  double q_tile = 128;     // prefill: query rows per CTA
  double kv_chunk = 0;     // decode: cached tokens per split-K CTA
  double ctas_per_sm = 1;  // decode: CTAs per SM that reach the full bandwidth
  double max_group = 0;    // decode: largest query heads per KV head the kernel shares a cache read for; 0: any
};

struct AttentionProfile {
  AttentionKernel prefill, decode;
};

/// Reads an engine file's "attention" object.
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
