#include "genz/engine/lowering.hpp"

#include <cmath>
#include <string>

#include "genz/sdk/op_resources.hpp"

namespace genz {
namespace {

// FlashAttention processes queries in blocks of this many rows per CTA.
constexpr double kQueryBlock = 128;

void lower_elementwise(Op& op, const EngineProfile& e) noexcept {
  const EwCost& c = e.elementwise[static_cast<int>(op.ew)];
  op.kernels = c.kernels;
  const DType t = op.ew == EwKind::kv_append ? op.kv_dtype : op.a_dtype;
  if (c.traffic >= 0) op.bytes = op.elements * c.traffic * bytes_of(t);
  // Concatenating the cache each step rewrites all of it: read the old
  // cache and write the new one (eager torch.cat).
  if (op.ew == EwKind::kv_append && e.kv_strategy == KvStrategy::concat && op.q_len > 0 && op.batch > 0) {
    const double per_token = op.elements / (op.batch * op.q_len);
    op.bytes = 2.0 * op.batch * op.kv_len * per_token * bytes_of(t);
  }
}

}  // namespace

void lower(Op& op, const EngineProfile& engine) noexcept {
  resolve_defaults(op);
  switch (op.kind) {
    case OpKind::elementwise:
      lower_elementwise(op, engine);
      break;
    case OpKind::attention:
      // Without a KV split, a CTA handles one (sequence, head, query block)
      // and streams that head's cache alone.
      if (!engine.attention_split_kv) op.parallel_units = op.batch * op.heads * std::ceil(op.q_len / kQueryBlock);
      break;
    default:
      break;
  }
}

std::string check_op(const Op& op, unsigned num_layers) {
  const double values[] = {op.count,         op.m,     op.n,        op.k,           op.batch,      op.q_len,
                           op.kv_len,        op.heads, op.kv_heads, op.head_dim_qk, op.head_dim_v, op.elements,
                           op.bytes_per_rank};
  for (double v : values)
    if (!std::isfinite(v) || v < 0) return "a shape value is negative or not a number";
  if (op.placement == Placement::layers && (op.layer_begin >= op.layer_end || op.layer_end > num_layers))
    return "layer range [" + std::to_string(op.layer_begin) + ", " + std::to_string(op.layer_end) +
           ") is outside the model's " + std::to_string(num_layers) + " layers";
  if (op.kind == OpKind::attention && op.q_len > op.kv_len) return "attention with more queries than keys";
  return {};
}

}  // namespace genz
