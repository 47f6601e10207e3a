#include "sharding.hpp"

#include <algorithm>

#include "genz/sdk/op_resources.hpp"

namespace genz::models {
namespace {

double overlap(unsigned a0, unsigned a1, unsigned b0, unsigned b1) {
  const unsigned lo = std::max(a0, b0), hi = std::min(a1, b1);
  return hi > lo ? static_cast<double>(hi - lo) : 0.0;
}

double mlp(const TransformerConfig& c, double width) {
  return (c.mlp == MlpKind::gated ? 3.0 : 2.0) * c.hidden * width;
}

double attention_params_per_gpu(const TransformerConfig& c, const Shard& s) {
  const double H = c.hidden;
  if (c.attention == AttentionKind::gqa) return H * (s.heads + 2 * s.kv_heads) * c.head_dim + s.heads * c.head_dim * H;
  const MlaDims& m = c.mla;
  const double qk = static_cast<double>(m.qk_nope_head_dim) + m.qk_rope_head_dim, heads = s.heads;
  const double q_rank = m.q_lora_rank, kv_rank = m.kv_lora_rank;
  // The down-projections (q_a, kv_a) are small and replicated on every rank.
  const double q = q_rank > 0 ? H * q_rank + q_rank * heads * qk : H * heads * qk;
  const double kv =
      H * (kv_rank + m.qk_rope_head_dim) + kv_rank * heads * (static_cast<double>(m.qk_nope_head_dim) + m.v_head_dim);
  return q + kv + heads * m.v_head_dim * H;
}

double kv_per_token_per_layer(const TransformerConfig& c, const Shard& s, const EngineTraits& t) {
  if (c.attention == AttentionKind::gqa) return 2.0 * s.kv_heads * c.head_dim;
  const MlaDims& m = c.mla;
  // The latent is shared by all heads, so every TP rank keeps all of it.
  if (t.mla_absorb) return m.kv_lora_rank + m.qk_rope_head_dim;
  return s.heads * (m.qk_nope_head_dim + m.qk_rope_head_dim + m.v_head_dim);
}

}  // namespace

Shard make_shard(const TransformerConfig& c, const Parallelism& p) {
  Shard s;
  s.tp = p.tp;
  s.ep = p.ep;
  s.heads = static_cast<double>(c.heads) / p.tp;
  s.kv_heads = c.kv_heads >= p.tp ? static_cast<double>(c.kv_heads) / p.tp : 1.0;
  if (c.moe) {
    const double experts = c.moe->experts;
    if (p.ep <= 1) {
      s.local_experts = experts;
      s.expert_tp = p.tp;
      s.shared_tp = p.tp;
    } else if (p.ep_shares_tp()) {
      s.local_experts = experts / p.ep;
      s.expert_tp = p.tp / p.ep;
      s.shared_tp = 1;
      s.ep_over_tp = true;
    } else {
      s.local_experts = experts / p.ep;
      s.expert_tp = 1;
      s.shared_tp = p.tp;
    }
  }
  return s;
}

DType embedding_dtype(const Precision& p) {
  switch (p.weights) {
    case DType::fp32:
    case DType::bf16:
    case DType::fp16:
      return p.weights;
    default:
      return DType::bf16;
  }
}

ShardFootprint footprint(const TransformerConfig& c, const ShardRequest& r) {
  const Shard s = make_shard(c, r.parallel);
  ShardFootprint f;
  const double wb = weight_bytes_of(r.precision.weights);
  const double ab = bytes_of(r.precision.activations);
  const double eb = bytes_of(embedding_dtype(r.precision));
  const double H = c.hidden;
  const double layers = r.layer_end - r.layer_begin;
  const unsigned dense_end = c.moe ? c.moe->first_dense_layers : c.layers;
  const double dense_layers = overlap(r.layer_begin, r.layer_end, 0, dense_end);
  const double moe_layers = layers - dense_layers;

  const double norms = 2 * H + (c.attention == AttentionKind::mla ? c.mla.q_lora_rank + c.mla.kv_lora_rank : 0);
  f.dense_weight_bytes = layers * (attention_params_per_gpu(c, s) * wb + norms * ab);
  f.dense_weight_bytes += dense_layers * mlp(c, static_cast<double>(c.intermediate) / s.tp) * wb;
  double widest = dense_layers > 0 ? static_cast<double>(c.intermediate) / s.tp : 0;
  if (c.moe && moe_layers > 0) {
    const MoeDims& m = *c.moe;
    const double shared_width =
        static_cast<double>(m.shared_intermediate ? m.shared_intermediate : m.expert_intermediate) * m.shared;
    f.dense_weight_bytes += moe_layers * (H * m.experts * ab + mlp(c, shared_width / s.shared_tp) * wb);
    f.expert_weight_bytes =
        moe_layers * s.local_experts * mlp(c, static_cast<double>(m.expert_intermediate) / s.expert_tp) * wb;
    widest = std::max(widest, static_cast<double>(m.active) * m.expert_intermediate);
  }
  const double table = static_cast<double>(c.vocab) / s.tp * H * eb;
  if (r.first_stage) f.embedding_bytes += table + (c.learned_positions ? c.max_context * H * eb : 0);
  if (r.last_stage && !(c.tied_embeddings && r.first_stage)) f.embedding_bytes += table;
  if (r.last_stage) f.embedding_bytes += H * ab;  // final norm

  f.kv_bytes_per_token = layers * kv_per_token_per_layer(c, s, r.traits) * bytes_of(r.precision.kv_cache);
  const double qkv = c.attention == AttentionKind::gqa
                         ? (static_cast<double>(s.heads) + 2.0 * s.kv_heads) * c.head_dim
                         : static_cast<double>(s.heads) * (static_cast<double>(c.mla.qk_nope_head_dim) +
                                                           c.mla.qk_rope_head_dim + c.mla.v_head_dim);
  // Live at the widest point of a layer: residual stream, normed input, the
  // attention projections and the MLP's gate, up and product.
  f.activation_bytes_per_token = (3 * H + qkv + 3 * widest) * ab;
  f.logits_bytes_per_token = static_cast<double>(c.vocab) * ab;
  return f;
}

}  // namespace genz::models
