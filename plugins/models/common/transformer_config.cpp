#include "transformer_config.hpp"

#include <string>

#include "genz/sdk/json_view.hpp"

namespace genz::models {
namespace {

// 100 T parameters: fifty times the largest published model.
constexpr double kMaxParams = 1e14;

void require(bool ok, const std::string& source, const std::string& what) {
  if (!ok) throw InputError(source + ": inconsistent model configuration: " + what);
}

double attention_params(const TransformerConfig& c) {
  const double H = c.hidden;
  if (c.attention == AttentionKind::mla) {
    const MlaDims& m = c.mla;
    // In double from the first factor: a product of two 24-bit dims overflows 32 bits.
    const double qk = static_cast<double>(m.qk_nope_head_dim) + m.qk_rope_head_dim, heads = c.heads;
    const double q_rank = m.q_lora_rank, kv_rank = m.kv_lora_rank;
    const double q = q_rank > 0 ? H * q_rank + q_rank + q_rank * heads * qk : H * heads * qk;
    const double kv = H * (kv_rank + m.qk_rope_head_dim) + kv_rank +
                      kv_rank * heads * (static_cast<double>(m.qk_nope_head_dim) + m.v_head_dim);
    return q + kv + heads * m.v_head_dim * H;
  }
  const double hd = c.head_dim;
  return H * (c.heads + 2.0 * c.kv_heads) * hd + c.heads * hd * H;
}

double mlp_params(const TransformerConfig& c, double width) {
  return (c.mlp == MlpKind::gated ? 3.0 : 2.0) * c.hidden * width;
}

}  // namespace

void validate(const TransformerConfig& c, const std::string& source) {
  require(c.layers > 0 && c.hidden > 0 && c.heads > 0 && c.vocab > 0, source,
          "layers, hidden size, heads and vocabulary must be positive");
  require(c.layers <= 65535, source, "at most 65535 layers are supported");
  if (c.attention == AttentionKind::gqa) {
    require(c.head_dim > 0, source, "head dimension must be positive");
    require(c.kv_heads > 0 && c.kv_heads <= c.heads && c.heads % c.kv_heads == 0, source,
            "num_key_value_heads (" + std::to_string(c.kv_heads) + ") must divide num_attention_heads (" +
                std::to_string(c.heads) + ")");
  } else {
    require(c.mla.kv_lora_rank > 0 && c.mla.qk_nope_head_dim + c.mla.qk_rope_head_dim > 0 && c.mla.v_head_dim > 0,
            source, "MLA needs kv_lora_rank, qk_nope_head_dim/qk_rope_head_dim and v_head_dim");
  }
  const bool dense_layers = !c.moe || c.moe->first_dense_layers > 0;
  require(!dense_layers || c.intermediate > 0, source, "intermediate_size must be positive");
  if (c.moe) {
    const MoeDims& m = *c.moe;
    require(m.experts > 0 && m.active > 0 && m.active <= m.experts, source,
            "experts per token (" + std::to_string(m.active) + ") must be between 1 and the number of experts (" +
                std::to_string(m.experts) + ")");
    require(m.expert_intermediate > 0, source, "the experts' intermediate size must be positive");
    require(m.first_dense_layers <= c.layers, source, "more dense layers than layers");
    require(m.shared <= m.experts, source,
            "shared experts (" + std::to_string(m.shared) + ") must not outnumber the routed experts (" +
                std::to_string(m.experts) + ")");
  }
  // Every dim is bounded on its own; their products must be too, or a model
  // of absurd size would be predicted (and its shapes overflow downstream).
  const double params = count_params(c).total;
  require(params <= kMaxParams, source,
          "the dimensions give " + std::to_string(params / 1e12) + " T parameters; at most " +
              std::to_string(kMaxParams / 1e12) + " T are supported");
}

ParamCounts count_params(const TransformerConfig& c) {
  ParamCounts p;
  const double H = c.hidden;
  const double embed = static_cast<double>(c.vocab) * H;
  const double head = c.tied_embeddings ? 0 : embed;
  const double norms = 2 * H;
  const double attn = attention_params(c) + norms;
  double dense_layers = c.layers, moe_layers = 0;
  if (c.moe) {
    dense_layers = c.moe->first_dense_layers;
    moe_layers = c.layers - dense_layers;
  }
  p.total = embed + head + H + c.layers * attn + dense_layers * mlp_params(c, c.intermediate);
  p.active = p.total;
  if (c.moe) {
    const MoeDims& m = *c.moe;
    const double expert = mlp_params(c, m.expert_intermediate);
    const double shared =
        m.shared * mlp_params(c, m.shared_intermediate ? m.shared_intermediate : m.expert_intermediate);
    const double router = H * m.experts;
    p.total += moe_layers * (m.experts * expert + shared + router);
    p.active += moe_layers * (m.active * expert + shared + router);
  }
  if (c.learned_positions) {
    p.total += static_cast<double>(c.max_context) * H;
    p.active += static_cast<double>(c.max_context) * H;
  }
  // Model cards count the embedding table in "activated" parameters (that is
  // how Qwen1.5-MoE-A2.7B and DeepSeek-V3's 37 B add up); a token reads one row.
  return p;
}

ModelInfo make_info(const TransformerConfig& c) {
  ModelInfo i;
  i.name = c.name;
  i.architecture = c.architecture;
  i.layers = c.layers;
  i.hidden = c.hidden;
  i.heads = c.heads;
  i.kv_heads = c.attention == AttentionKind::mla ? 1 : c.kv_heads;
  i.head_dim = c.attention == AttentionKind::mla ? c.mla.qk_nope_head_dim + c.mla.qk_rope_head_dim : c.head_dim;
  i.intermediate = c.intermediate;
  i.vocab = c.vocab;
  i.max_context = c.max_context;
  i.native_dtype = c.native_dtype;
  if (c.moe) {
    i.experts = c.moe->experts;
    i.experts_active = c.moe->active;
    i.shared_experts = c.moe->shared;
  }
  const ParamCounts p = count_params(c);
  i.params_total = p.total;
  i.params_active = p.active;
  i.kv_elements_per_token = c.attention == AttentionKind::mla
                                ? static_cast<double>(c.layers) * (c.mla.kv_lora_rank + c.mla.qk_rope_head_dim)
                                : 2.0 * c.layers * c.kv_heads * c.head_dim;
  return i;
}

Status check_parallelism(const TransformerConfig& c, const Parallelism& p) {
  if (p.tp == 0 || c.heads % p.tp != 0)
    return Status::error("--tp " + std::to_string(p.tp) + " does not divide the " + std::to_string(c.heads) +
                         " attention heads of " + c.name);
  if (c.attention == AttentionKind::gqa && c.kv_heads % p.tp != 0 && p.tp % c.kv_heads != 0)
    return Status::error("--tp " + std::to_string(p.tp) + " and the " + std::to_string(c.kv_heads) + " KV heads of " +
                         c.name + ": one must divide the other");
  if (c.intermediate > 0 && c.intermediate % p.tp != 0)
    return Status::error("--tp " + std::to_string(p.tp) + " does not divide the MLP width " +
                         std::to_string(c.intermediate) + " of " + c.name);
  if (p.ep > 1) {
    if (!c.moe)
      return Status::error("--ep " + std::to_string(p.ep) + " needs a mixture-of-experts model; " + c.name +
                           " is dense");
    if (c.moe->experts % p.ep != 0)
      return Status::error("--ep " + std::to_string(p.ep) + " does not divide the " + std::to_string(c.moe->experts) +
                           " experts of " + c.name);
  }
  return Status::success();
}

}  // namespace genz::models
