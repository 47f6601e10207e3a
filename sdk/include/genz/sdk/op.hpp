// One operator of a model phase: its shape (what the model plugin says) and the
// resources it needs (what lowering derives: FLOPs, DRAM bytes, kernel
// launches, parallel work units). Hardware plugins turn it into time.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "genz/sdk/dtype.hpp"

namespace genz {
inline namespace v1 {

enum class OpKind : std::uint8_t { gemm, attention, elementwise, collective };

/// The four groups every breakdown uses.
enum class OpGroup : std::uint8_t { gemm, attention, communication, other };
inline constexpr int kOpGroupCount = 4;

enum class EwKind : std::uint8_t {
  embedding,  // gather of token rows
  rmsnorm,
  layernorm,
  rope,              // rotary position embedding of q and k
  activation,        // gelu / silu on one tensor
  gated_activation,  // silu(gate) * up
  residual_add,
  router_topk,  // MoE gate softmax + top-k
  kv_append,    // writing new keys/values into the cache
  sampling,     // logits post-processing and token choice
  copy,         // layout changes (transpose().contiguous())
  // MoE token routing around the expert GEMMs: sorting the token-expert
  // pairs, copying each pair's token row to its expert's rows, and summing
  // the experts' rows back into every token's output. `elements` counts the
  // row elements moved (see the model graph).
  moe_permute,
  other
};

enum class CollectiveKind : std::uint8_t { all_reduce, all_gather, reduce_scatter, all_to_all, send_recv };
inline constexpr int kCollectiveKindCount = 5;

/// The parallel group a collective runs over; the engine maps it to ranks and nodes.
enum class CommGroup : std::uint8_t { tp, ep, pp };

/// Where an operator sits: before the layers (embedding), in layers
/// [layer_begin, layer_end), or after them (final norm, LM head).
enum class Placement : std::uint8_t { pre, layers, post };

// measured: the time came from the user's measured kernel tables (--kernels), not a model.
enum class Bound : std::uint8_t { compute, memory, communication, overhead, measured };

struct Op {
  char name[40] = {};
  OpKind kind = OpKind::elementwise;
  Placement placement = Placement::layers;
  std::uint16_t layer_begin = 0;
  std::uint16_t layer_end = 0;
  double count = 1;  // identical instances per layer (or per pre/post block)

  // GEMM: batch independent products of (m x k) by (k x n).
  double m = 0, n = 0, k = 0, batch = 1;
  bool b_is_weight = true;  // B is a weight matrix read from DRAM
  DType a_dtype = DType::bf16, w_dtype = DType::bf16, out_dtype = DType::bf16;

  // Attention over batch sequences (batch above): q_len new tokens attend to
  // kv_len keys (kv_len includes the new tokens). Causal prefill skips the
  // masked half; memory traffic is FlashAttention-style (no score matrix).
  double q_len = 0, kv_len = 0, heads = 0, kv_heads = 0, head_dim_qk = 0, head_dim_v = 0;
  bool causal = false;
  bool kv_shared = false;          // V is a slice of K (MLA latent cache)
  bool context_dependent = false;  // kv_len grows with the decode context
  DType kv_dtype = DType::bf16;

  // Element-wise / memory operators.
  EwKind ew = EwKind::other;
  double elements = 0;  // elements of the main tensor

  // Collectives: bytes is the per-rank buffer (NCCL convention: the all-reduce
  // buffer, the all-gather output, the all-to-all send buffer).
  CollectiveKind collective = CollectiveKind::all_reduce;
  CommGroup group = CommGroup::tp;
  double bytes_per_rank = 0;

  // Resources, filled by lowering (genz::resolve_defaults or the host's engine
  // profile) before a hardware plugin sees the operator.
  double flops = 0;
  double bytes = 0;           // DRAM bytes read + written
  double kernels = 1;         // kernel launches this operator costs
  double parallel_units = 0;  // independent CTAs; 0: enough to fill the GPU
  DType compute_dtype = DType::bf16;

  // GEMM: A arrives in the compute format, quantized by the kernel before
  // (the MoE routing copies FP8 rows to the experts): no quantization kernel.
  bool a_quantized = false;

  // GEMM: FP8 with block scales (128 x 128 weight blocks, 1 x 128 activation
  // groups: DeepSeek-V3's checkpoints), run by the block-scaled kernels
  // (DeepGEMM, CUTLASS's blockwise FP8) instead of per-tensor FP8's (ABI 7).
  bool block_scaled = false;

  // Timed as the kernel tables time it: the one kernel replayed on the same
  // buffers, so a working set within the L2 stays resident between replays
  // (genz validate's kernel check; ABI 9). A forward pass never is.
  bool replayed = false;

  void set_name(std::string_view s) noexcept {
    const std::size_t len = s.size() < sizeof(name) - 1 ? s.size() : sizeof(name) - 1;
    std::memcpy(name, s.data(), len);
    name[len] = '\0';
  }
  std::string_view name_view() const noexcept { return std::string_view(name); }
};

constexpr OpGroup group_of(const Op& op) noexcept {
  switch (op.kind) {
    case OpKind::gemm:
      return OpGroup::gemm;
    case OpKind::attention:
      return OpGroup::attention;
    case OpKind::collective:
      return OpGroup::communication;
    case OpKind::elementwise:
      return OpGroup::other;
  }
  return OpGroup::other;
}

constexpr std::string_view name_of(OpGroup g) noexcept {
  switch (g) {
    case OpGroup::gemm:
      return "gemm";
    case OpGroup::attention:
      return "attention";
    case OpGroup::communication:
      return "communication";
    case OpGroup::other:
      return "other";
  }
  return "?";
}

constexpr std::string_view name_of(CollectiveKind c) noexcept {
  switch (c) {
    case CollectiveKind::all_reduce:
      return "all_reduce";
    case CollectiveKind::all_gather:
      return "all_gather";
    case CollectiveKind::reduce_scatter:
      return "reduce_scatter";
    case CollectiveKind::all_to_all:
      return "all_to_all";
    case CollectiveKind::send_recv:
      return "send_recv";
  }
  return "?";
}

constexpr std::string_view name_of(Bound b) noexcept {
  switch (b) {
    case Bound::compute:
      return "compute";
    case Bound::memory:
      return "memory";
    case Bound::communication:
      return "communication";
    case Bound::overhead:
      return "overhead";
    case Bound::measured:
      return "table";
  }
  return "?";
}

}  // namespace v1
}  // namespace genz
