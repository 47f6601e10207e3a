// The shape of a decoder-only transformer, enough to build its operators and
// size its weights: dense (Llama, Mistral, Qwen2, GPT-3) and mixture-of-experts
// (DeepSeek-V3 with MLA, Mixtral, Qwen-MoE).
#pragma once

#include <optional>
#include <string>

#include "genz/sdk/model.hpp"

namespace genz::models {

enum class AttentionKind { gqa, mla };  // gqa covers MHA (kv_heads == heads) and MQA
enum class MlpKind { gated, plain };    // SwiGLU-style gate * up, or up -> act -> down
enum class NormKind { rms, layer };

/// Multi-head latent attention (DeepSeek-V2/V3).
struct MlaDims {
  unsigned q_lora_rank = 0;  // 0: q projected directly from the hidden state
  unsigned kv_lora_rank = 0;
  unsigned qk_nope_head_dim = 0;
  unsigned qk_rope_head_dim = 0;
  unsigned v_head_dim = 0;
};

struct MoeDims {
  unsigned experts = 0;  // routed experts per MoE layer
  unsigned active = 0;   // routed experts per token (top-k)
  unsigned shared = 0;   // always-active shared experts
  unsigned expert_intermediate = 0;
  unsigned shared_intermediate = 0;  // 0: same as expert_intermediate
  unsigned first_dense_layers = 0;   // leading layers with a dense MLP
};

struct TransformerConfig {
  std::string name;
  std::string architecture;
  unsigned layers = 0, hidden = 0, heads = 0, kv_heads = 0, head_dim = 0;
  unsigned intermediate = 0;  // dense MLP width
  unsigned vocab = 0, max_context = 0;
  bool tied_embeddings = false;
  bool learned_positions = false;  // GPT-style position table instead of RoPE
  AttentionKind attention = AttentionKind::gqa;
  MlaDims mla;
  MlpKind mlp = MlpKind::gated;
  NormKind norm = NormKind::rms;
  std::optional<MoeDims> moe;
  DType native_dtype = DType::bf16;  // checkpoint format (DeepSeek-V3 ships fp8)
  // FP8 weights carry 128 x 128 block scales (DeepSeek-V3; quantization_config's
  // weight_block_size): FP8 GEMMs run the block-scaled kernels.
  bool fp8_block_scales = false;
};

/// Throws InputError when the numbers are inconsistent (heads not dividing
/// hidden, kv_heads not dividing heads, zero sizes, ...).
void validate(const TransformerConfig& c, const std::string& source);

struct ParamCounts {
  double total = 0;
  double active = 0;  // per token
};
ParamCounts count_params(const TransformerConfig& c);

ModelInfo make_info(const TransformerConfig& c);

Status check_parallelism(const TransformerConfig& c, const Parallelism& p);

/// Fills out with the operators one GPU runs in a step (see model.hpp).
void build_graph(const TransformerConfig& c, const BuildRequest& r, Graph& out);

ShardFootprint footprint(const TransformerConfig& c, const ShardRequest& r);

}  // namespace genz::models
