// GGUF file types (llama.cpp's LLAMA_FTYPE_MOSTLY_*): a base block format
// plus the rules llama-quantize applies per tensor (src/llama-quant.cpp,
// llama_tensor_get_type): the output matrix in Q6_K, attn_v and ffn_down
// with more bits in the first and last eighth of the layers and every third
// one between (the _M mixes), and so on.
#pragma once

#include <string>
#include <vector>

#include "genz/sdk/dtype.hpp"
#include "genz/sdk/model.hpp"

namespace genz {

/// The tensors llama-quantize treats differently.
enum class TensorRole {
  token_embd,
  output,
  attn_q,
  attn_k,
  attn_v,
  attn_qkv,
  attn_output,
  ffn_gate,
  ffn_up,
  ffn_down,
  other
};

struct GgufFtype {
  const char* name;  // as llama-quantize and file names spell it, lower case
  DType base;
};

const std::vector<GgufFtype>& gguf_ftypes();
/// nullptr when `name` is not a GGUF file type.
const GgufFtype* find_gguf_ftype(const std::string& name);
std::string gguf_ftype_names();

/// What llama-quantize's rules need to know about the model.
struct MixFacts {
  unsigned layers = 0;     // n_attention_wv: one attn_v per layer
  unsigned ffn_down = 0;   // ffn_down tensors (MoE layers hold routed and shared ones)
  unsigned gqa = 1;        // heads per KV head
  unsigned experts = 0;    // routed experts
  unsigned hidden = 0;     // row length of the output matrix
  bool llama_70b = false;  // LLM_TYPE_70B: attn_v gets Q5_K
};
MixFacts mix_facts(const ModelInfo& info);

/// The format of one tensor of layer `layer` (ignored for token_embd/output).
/// Assumes no importance matrix except for IQ1/IQ2 types, which require one.
DType tensor_format(const GgufFtype& f, TensorRole role, unsigned layer, const MixFacts& m);

/// Mean bits per weight of a role over all layers.
double mean_bits(const GgufFtype& f, TensorRole role, const MixFacts& m);

}  // namespace genz
