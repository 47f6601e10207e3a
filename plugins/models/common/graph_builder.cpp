// Operators of one decoder step on one GPU (one tensor-/expert-parallel rank).
// Identical layers share their operators through layer ranges.
#include <algorithm>
#include <cmath>

#include "sharding.hpp"
#include "transformer_config.hpp"

namespace genz::models {
namespace {

class Writer {
 public:
  Writer(Graph& g, bool fp8_block_scales) : g_(g), fp8_block_scales_(fp8_block_scales) {}
  void at(Placement p, unsigned begin = 0, unsigned end = 0) {
    place_ = p;
    begin_ = static_cast<std::uint16_t>(begin);
    end_ = static_cast<std::uint16_t>(end);
  }
  Op& add(OpKind kind, const char* name) {
    Op& op = g_.ops.emplace_back();
    op.kind = kind;
    op.set_name(name);
    op.placement = place_;
    op.layer_begin = begin_;
    op.layer_end = end_;
    return op;
  }
  Op& gemm(const char* name, double m, double n, double k, DType a, DType w, double batch = 1) {
    Op& op = add(OpKind::gemm, name);
    op.m = m;
    op.n = n;
    op.k = k;
    op.batch = batch;
    op.a_dtype = op.out_dtype = a;
    op.w_dtype = w;
    op.block_scaled = fp8_block_scales_ && w == DType::fp8;
    return op;
  }
  Op& ew(const char* name, EwKind kind, double elements, DType a) {
    Op& op = add(OpKind::elementwise, name);
    op.ew = kind;
    op.elements = elements;
    op.a_dtype = a;
    return op;
  }
  void collective(const char* name, CollectiveKind kind, CommGroup group, double bytes, unsigned ranks) {
    if (ranks <= 1 || bytes <= 0) return;
    Op& op = add(OpKind::collective, name);
    op.collective = kind;
    op.group = group;
    op.bytes_per_rank = bytes;
  }

 private:
  Graph& g_;
  bool fp8_block_scales_;
  Placement place_ = Placement::layers;
  std::uint16_t begin_ = 0, end_ = 0;
};

struct Step {
  const TransformerConfig& c;
  const BuildRequest& r;
  Shard s;
  double rows;  // batch * new tokens
  DType a, w, kv, embed;
  bool decode;
};

EwKind norm_kind(const TransformerConfig& c) {
  return c.norm == NormKind::rms ? EwKind::rmsnorm : EwKind::layernorm;
}

Op& add_kv_append(Writer& wr, const Step& st, double per_token) {
  Op& op = wr.ew("kv_append", EwKind::kv_append, st.rows * per_token, st.a);
  op.kv_dtype = st.kv;
  op.batch = st.r.batch;
  op.q_len = st.r.tokens;
  op.kv_len = st.r.context + st.r.tokens;
  op.context_dependent = true;
  return op;
}

Op& add_attention(Writer& wr, const Step& st, const char* name, double heads, double kv_heads, double dqk, double dv) {
  Op& op = wr.add(OpKind::attention, name);
  op.batch = st.r.batch;
  op.q_len = st.r.tokens;
  op.kv_len = st.r.context + st.r.tokens;
  op.heads = heads;
  op.kv_heads = kv_heads;
  op.head_dim_qk = dqk;
  op.head_dim_v = dv;
  op.causal = st.r.tokens > 1;
  op.a_dtype = st.a;
  op.kv_dtype = st.kv;
  op.context_dependent = true;
  return op;
}

void gqa_attention(Writer& wr, const Step& st) {
  const TransformerConfig& c = st.c;
  const double T = st.rows, hd = c.head_dim, h = st.s.heads, kvh = st.s.kv_heads;
  if (st.r.traits.fused_qkv) {
    wr.gemm("qkv_proj", T, (h + 2 * kvh) * hd, c.hidden, st.a, st.w);
  } else {
    wr.gemm("q_proj", T, h * hd, c.hidden, st.a, st.w);
    wr.gemm("k_proj", T, kvh * hd, c.hidden, st.a, st.w);
    wr.gemm("v_proj", T, kvh * hd, c.hidden, st.a, st.w);
  }
  if (!c.learned_positions) wr.ew("rope", EwKind::rope, T * (h + kvh) * hd, st.a);
  add_kv_append(wr, st, 2 * kvh * hd);
  add_attention(wr, st, "attention", h, kvh, hd, hd);
  wr.ew("attn_out_transpose", EwKind::copy, T * h * hd, st.a);
  wr.gemm("o_proj", T, c.hidden, h * hd, st.a, st.w);
}

// MLA as engines run it: prefill expands the latent into per-head keys and
// values (compute-efficient); decode absorbs the up-projections into the
// query and output so attention reads only the latent cache.
void mla_attention(Writer& wr, const Step& st) {
  const TransformerConfig& c = st.c;
  const MlaDims& m = c.mla;
  const double T = st.rows, h = st.s.heads, H = c.hidden;
  const double qk = m.qk_nope_head_dim + m.qk_rope_head_dim;
  if (m.q_lora_rank > 0) {
    wr.gemm("q_a_proj", T, m.q_lora_rank, H, st.a, st.w);
    wr.ew("q_a_norm", EwKind::rmsnorm, T * m.q_lora_rank, st.a);
    wr.gemm("q_b_proj", T, h * qk, m.q_lora_rank, st.a, st.w);
  } else {
    wr.gemm("q_proj", T, h * qk, H, st.a, st.w);
  }
  wr.gemm("kv_a_proj", T, m.kv_lora_rank + m.qk_rope_head_dim, H, st.a, st.w);
  wr.ew("kv_a_norm", EwKind::rmsnorm, T * m.kv_lora_rank, st.a);
  wr.ew("rope", EwKind::rope, T * (h + 1) * m.qk_rope_head_dim, st.a);
  const bool absorbed = st.decode && st.r.traits.mla_absorb;
  if (absorbed) {
    add_kv_append(wr, st, m.kv_lora_rank + m.qk_rope_head_dim);
    wr.gemm("q_absorb_uk", T, m.kv_lora_rank, m.qk_nope_head_dim, st.a, st.w, h);
    Op& att = add_attention(wr, st, "mla_latent_attention", h, 1, m.kv_lora_rank + m.qk_rope_head_dim, m.kv_lora_rank);
    att.kv_shared = true;
    wr.gemm("out_absorb_uv", T, m.v_head_dim, m.kv_lora_rank, st.a, st.w, h);
  } else {
    // Prefill (or an engine without absorption, e.g. HF eager, which then
    // caches the expanded per-head keys and values).
    wr.gemm("kv_b_proj", T, h * (m.qk_nope_head_dim + m.v_head_dim), m.kv_lora_rank, st.a, st.w);
    if (st.r.traits.mla_absorb)
      add_kv_append(wr, st, m.kv_lora_rank + m.qk_rope_head_dim);
    else
      add_kv_append(wr, st, h * (qk + m.v_head_dim));
    add_attention(wr, st, "mla_attention", h, h, qk, m.v_head_dim);
  }
  wr.gemm("o_proj", T, H, h * m.v_head_dim, st.a, st.w);
}

void dense_mlp(Writer& wr, const Step& st, double width_per_gpu) {
  const TransformerConfig& c = st.c;
  const double T = st.rows;
  if (c.mlp == MlpKind::gated) {
    if (st.r.traits.fused_gate_up) {
      wr.gemm("gate_up_proj", T, 2 * width_per_gpu, c.hidden, st.a, st.w);
    } else {
      wr.gemm("gate_proj", T, width_per_gpu, c.hidden, st.a, st.w);
      wr.gemm("up_proj", T, width_per_gpu, c.hidden, st.a, st.w);
    }
    wr.ew("act_mul", EwKind::gated_activation, T * width_per_gpu, st.a);
  } else {
    wr.gemm("up_proj", T, width_per_gpu, c.hidden, st.a, st.w);
    wr.ew("activation", EwKind::activation, T * width_per_gpu, st.a);
  }
  wr.gemm("down_proj", T, c.hidden, width_per_gpu, st.a, st.w);
}

// Routed experts: tokens spread uniformly over experts; in decode few tokens
// touch few distinct experts, and only those experts' weights are read.
void moe_mlp(Writer& wr, const Step& st) {
  const TransformerConfig& c = st.c;
  const MoeDims& m = *c.moe;
  const Shard& s = st.s;
  const double T = st.rows, H = c.hidden, abytes = bytes_of(st.a);
  // Tokens this GPU routes: with experts spread over the TP group, each rank
  // dispatches its slice of the (replicated) tokens.
  const double local_tokens = s.ep_over_tp ? std::ceil(T / s.ep) : T;
  const double slots = T * m.active * s.local_experts / m.experts;
  const double touched = s.local_experts * (1.0 - std::pow(1.0 - static_cast<double>(m.active) / m.experts, T));
  const double per_expert = touched > 0 ? slots / touched : 0;
  const double width = m.expert_intermediate / s.expert_tp;

  wr.gemm("router", T, m.experts, H, st.a, st.a).b_is_weight = true;
  wr.ew("router_topk", EwKind::router_topk, T * m.experts, st.a);
  if (s.ep > 1)
    wr.collective("moe_dispatch", CollectiveKind::all_to_all, CommGroup::ep, local_tokens * m.active * H * abytes,
                  s.ep);
  // Routing around the expert GEMMs moves token rows: each of this rank's
  // token-expert pairs is copied to its expert's rows (read, write), its
  // result read back, and every token's output written once (TensorRT-LLM's
  // expandInputRows and finalizeMoeRouting; their share of the aiconfigurator
  // MoE tables grows with all the tokens, whatever the EP degree).
  const double outputs = s.ep_over_tp ? local_tokens : T;
  wr.ew("moe_permute", EwKind::moe_permute, (outputs + 3 * slots) * H, st.a);
  if (touched > 0) {
    wr.gemm(c.mlp == MlpKind::gated ? "experts_gate_up" : "experts_up", per_expert,
            (c.mlp == MlpKind::gated ? 2 : 1) * width, H, st.a, st.w, touched)
        .a_quantized = true;
    wr.ew("experts_act", c.mlp == MlpKind::gated ? EwKind::gated_activation : EwKind::activation, slots * width, st.a);
    wr.gemm("experts_down", per_expert, H, width, st.a, st.w, touched).a_quantized = true;
  }
  if (s.ep > 1)
    wr.collective("moe_combine", CollectiveKind::all_to_all, CommGroup::ep, local_tokens * m.active * H * abytes, s.ep);
  if (m.shared > 0) {
    const double sw = static_cast<double>(m.shared_intermediate ? m.shared_intermediate : m.expert_intermediate) *
                      m.shared / s.shared_tp;
    const double rows = s.ep_over_tp ? local_tokens : T;
    wr.gemm("shared_gate_up", rows, (c.mlp == MlpKind::gated ? 2 : 1) * sw, H, st.a, st.w);
    wr.ew("shared_act", EwKind::gated_activation, rows * sw, st.a);
    wr.gemm("shared_down", rows, H, sw, st.a, st.w);
  }
  // Restore the token-replicated layout attention expects.
  if (s.ep_over_tp)
    wr.collective("moe_all_gather", CollectiveKind::all_gather, CommGroup::tp, T * H * abytes, s.tp);
  else
    wr.collective("mlp_all_reduce", CollectiveKind::all_reduce, CommGroup::tp, T * H * abytes, s.tp);
}

void layers(Writer& wr, const Step& st) {
  const TransformerConfig& c = st.c;
  const double T = st.rows, H = c.hidden, abytes = bytes_of(st.a);
  wr.at(Placement::layers, 0, c.layers);
  wr.ew("input_norm", norm_kind(c), T * H, st.a);
  if (c.attention == AttentionKind::mla)
    mla_attention(wr, st);
  else
    gqa_attention(wr, st);
  wr.collective("attn_all_reduce", CollectiveKind::all_reduce, CommGroup::tp, T * H * abytes, st.s.tp);
  wr.ew("attn_residual", EwKind::residual_add, T * H, st.a);
  wr.ew("post_attn_norm", norm_kind(c), T * H, st.a);
  const unsigned dense_end = c.moe ? c.moe->first_dense_layers : c.layers;
  if (dense_end > 0) {
    wr.at(Placement::layers, 0, dense_end);
    dense_mlp(wr, st, static_cast<double>(c.intermediate) / st.s.tp);
    wr.collective("mlp_all_reduce", CollectiveKind::all_reduce, CommGroup::tp, T * H * abytes, st.s.tp);
  }
  if (c.moe && dense_end < c.layers) {
    wr.at(Placement::layers, dense_end, c.layers);
    moe_mlp(wr, st);
  }
  wr.at(Placement::layers, 0, c.layers);
  wr.ew("mlp_residual", EwKind::residual_add, T * H, st.a);
}

}  // namespace

void build_graph(const TransformerConfig& c, const BuildRequest& r, Graph& out) {
  out.ops.clear();
  // A MoE layer holds about 30 operators: one allocation instead of a
  // growing vector's six keeps a one-off prediction cheap.
  out.ops.reserve(48);
  out.num_layers = c.layers;
  const Step st{c,
                r,
                make_shard(c, r.parallel),
                r.batch * r.tokens,
                r.precision.activations,
                r.precision.weights,
                r.precision.kv_cache,
                embedding_dtype(r.precision),
                r.phase == Phase::decode};
  const double T = st.rows, H = c.hidden, abytes = bytes_of(st.a);
  out.pipeline_bytes = T * H * abytes;
  Writer wr(out, c.fp8_block_scales);

  wr.at(Placement::pre);
  wr.ew("embedding", EwKind::embedding, T * H, st.a);
  wr.collective("embedding_all_reduce", CollectiveKind::all_reduce, CommGroup::tp, T * H * abytes, st.s.tp);

  layers(wr, st);

  wr.at(Placement::post);
  wr.ew("final_norm", norm_kind(c), T * H, st.a);
  // Eager HF computes logits for every prompt position; serving engines only
  // for each sequence's last token.
  const double logit_rows = (r.phase == Phase::prefill && !r.traits.all_prompt_logits) ? r.batch : T;
  const double vocab = static_cast<double>(c.vocab) / st.s.tp;
  wr.gemm("lm_head", logit_rows, vocab, H, st.a, st.embed);
  wr.collective("logits_all_gather", CollectiveKind::all_gather, CommGroup::tp, logit_rows * c.vocab * abytes, st.s.tp);
  wr.ew("sampling", EwKind::sampling, r.batch * c.vocab, st.a);
}

}  // namespace genz::models
