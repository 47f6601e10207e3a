// How a transformer's weights split over the GPUs of one pipeline stage.
//
// Tensor parallel splits attention heads and MLP columns (Megatron style);
// KV heads fewer than the TP degree are replicated. Routed experts: without
// --ep every GPU holds a column slice of every expert; with --ep each GPU
// holds experts / ep whole experts. When the expert group is the TP group
// (ep <= tp, the original tool's ep_share_tp_group) each rank takes a slice of
// the replicated tokens, sends them to their experts with an all-to-all,
// receives the results with a second all-to-all, runs the (replicated)
// shared expert on its slice, and an all-gather restores the replicated
// tokens. With ep > tp the attention replicas are data parallel.
#pragma once

#include "transformer_config.hpp"

namespace genz::models {

struct Shard {
  unsigned tp = 1, ep = 1;
  double heads = 0, kv_heads = 0;  // per GPU
  double local_experts = 0;        // routed experts on one GPU
  unsigned expert_tp = 1;          // column split inside each routed expert
  unsigned shared_tp = 1;          // column split of the shared experts
  bool ep_over_tp = false;         // token slicing + all-to-all inside the TP group
};

Shard make_shard(const TransformerConfig& c, const Parallelism& p);

/// Embedding and LM head stay 16-bit when the other weights are quantized
/// (GPTQ/AWQ and DeepSeek's fp8 checkpoint keep them in bf16).
DType embedding_dtype(const Precision& p);

}  // namespace genz::models
