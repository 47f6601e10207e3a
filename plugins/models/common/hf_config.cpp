#include "hf_config.hpp"

#include <algorithm>
#include <map>

#include "genz/sdk/json_view.hpp"
#include "genz/sdk/printable.hpp"

namespace genz::models {
namespace {

constexpr long long kMaxDim = 1LL << 24;

std::string architecture_of(const JsonView& v) {
  if (v.has("architectures")) {
    const auto& a = v.raw()["architectures"];
    if (!a.is_array() || a.empty() || !a[0].is_string())
      v.fail("architectures", "a list with one architecture name", type_name(a));
    return a[0].get<std::string>();
  }
  if (v.has("model_type")) return v.string("model_type");
  v.fail("architectures", "the model's architecture (e.g. [\"LlamaForCausalLM\"])", "nothing (the key is missing)");
}

unsigned dim(const JsonView& v, const char* key) {
  return static_cast<unsigned>(v.integer(key, 1, kMaxDim));
}
unsigned dim_or(const JsonView& v, const char* key, unsigned fallback) {
  return static_cast<unsigned>(v.integer_or(key, fallback, 0, kMaxDim));
}

// The checkpoint's format: a quantization_config (fp8 blocks as DeepSeek-V3
// ships, GPTQ/AWQ integers) wins over torch_dtype.
DType native_dtype(const JsonView& v) {
  if (v.has("quantization_config")) {
    const JsonView q = v.object("quantization_config");
    const std::string method = q.string_or("quant_method", "");
    if (method == "fp8") return DType::fp8;
    const long long bits = q.integer_or("bits", 0, 0, 64);
    if (bits == 4) return DType::int4;
    if (bits == 8) return DType::int8;
  }
  const auto t = parse_dtype(v.string_or("torch_dtype", "bfloat16"));
  return t ? *t : DType::bf16;
}

void read_common(const JsonView& v, TransformerConfig& c) {
  c.native_dtype = native_dtype(v);
  c.fp8_block_scales = v.has("quantization_config") && v.object("quantization_config").has("weight_block_size");
  c.layers = dim(v, "num_hidden_layers");
  c.hidden = dim(v, "hidden_size");
  c.heads = dim(v, "num_attention_heads");
  c.kv_heads = dim_or(v, "num_key_value_heads", c.heads);
  c.vocab = dim(v, "vocab_size");
  c.max_context = dim_or(v, "max_position_embeddings", 4096);
  c.tied_embeddings = v.boolean_or("tie_word_embeddings", false);
  if (c.hidden % c.heads != 0 && !v.has("head_dim") && !v.has("kv_lora_rank"))
    v.fail("num_attention_heads", "a divisor of hidden_size " + std::to_string(c.hidden) + " (or an explicit head_dim)",
           std::to_string(c.heads));
  c.head_dim = dim_or(v, "head_dim", c.hidden / c.heads);
}

void read_dense(const JsonView& v, TransformerConfig& c) {
  read_common(v, c);
  c.intermediate = dim(v, "intermediate_size");
}

void read_deepseek(const JsonView& v, TransformerConfig& c) {
  read_common(v, c);
  c.attention = AttentionKind::mla;
  c.mla.q_lora_rank = dim_or(v, "q_lora_rank", 0);
  c.mla.kv_lora_rank = dim(v, "kv_lora_rank");
  c.mla.qk_nope_head_dim = dim(v, "qk_nope_head_dim");
  c.mla.qk_rope_head_dim = dim(v, "qk_rope_head_dim");
  c.mla.v_head_dim = dim(v, "v_head_dim");
  c.intermediate = dim(v, "intermediate_size");
  if (v.has("n_routed_experts")) {
    MoeDims m;
    m.experts = dim(v, "n_routed_experts");
    m.active = dim(v, "num_experts_per_tok");
    m.shared = dim_or(v, "n_shared_experts", 0);
    m.expert_intermediate = dim(v, "moe_intermediate_size");
    m.first_dense_layers = dim_or(v, "first_k_dense_replace", 0);
    if (v.integer_or("moe_layer_freq", 1, 1, 1000) != 1)
      v.fail("moe_layer_freq", "1 (every layer after first_k_dense_replace is MoE)",
             std::to_string(v.integer("moe_layer_freq", 1, 1000)));
    c.moe = m;
  }
}

void read_mixtral(const JsonView& v, TransformerConfig& c) {
  read_common(v, c);
  MoeDims m;
  m.experts = dim(v, "num_local_experts");
  m.active = dim(v, "num_experts_per_tok");
  m.expert_intermediate = dim(v, "intermediate_size");
  c.moe = m;
}

void read_qwen_moe(const JsonView& v, TransformerConfig& c) {
  read_common(v, c);
  MoeDims m;
  m.experts = dim(v, "num_experts");
  m.active = dim(v, "num_experts_per_tok");
  m.expert_intermediate = dim(v, "moe_intermediate_size");
  const unsigned shared = dim_or(v, "shared_expert_intermediate_size", 0);
  m.shared = shared > 0 ? 1 : 0;
  m.shared_intermediate = shared;
  if (v.integer_or("decoder_sparse_step", 1, 1, 1000) != 1)
    v.fail("decoder_sparse_step", "1 (every layer is MoE)", std::to_string(v.integer("decoder_sparse_step", 1, 1000)));
  c.moe = m;
}

// Which family reads which Hugging Face "architectures" / "model_type" value:
// the one table both the registration (accepts) and the reader use.
const std::pair<const char*, const char*> kArchitectures[] = {{"LlamaForCausalLM", "llama"},
                                                              {"MistralForCausalLM", "llama"},
                                                              {"Qwen2ForCausalLM", "llama"},
                                                              {"llama", "llama"},
                                                              {"mistral", "llama"},
                                                              {"qwen2", "llama"},
                                                              {"DeepseekV3ForCausalLM", "deepseek_v3"},
                                                              {"DeepseekV2ForCausalLM", "deepseek_v3"},
                                                              {"deepseek_v3", "deepseek_v3"},
                                                              {"deepseek_v2", "deepseek_v3"},
                                                              {"MixtralForCausalLM", "mixtral"},
                                                              {"mixtral", "mixtral"},
                                                              {"Qwen2MoeForCausalLM", "qwen_moe"},
                                                              {"qwen2_moe", "qwen_moe"}};

}  // namespace

std::string family_of(const std::string& architecture) {
  for (const auto& [arch, family] : kArchitectures)
    if (architecture == arch) return family;
  return "";
}

const char* accepted_architectures(const std::string& family) {
  static std::map<std::string, std::string> lists;  // filled once, at registration
  std::string& list = lists[family];
  if (list.empty())
    for (const auto& [arch, f] : kArchitectures)
      if (family == f) list += (list.empty() ? "" : ",") + std::string(arch);
  return list.c_str();
}

TransformerConfig config_from_hf(const nlohmann::json& doc, const std::string& source,
                                 const std::vector<std::string>& families) {
  const JsonView v(doc, source);
  const std::string arch = architecture_of(v);
  const std::string family = family_of(arch);
  if (family.empty() || std::find(families.begin(), families.end(), family) == families.end()) {
    std::string known;
    for (const auto& f : families) known += (known.empty() ? "" : ", ") + f;
    v.fail("architectures", "an architecture of this plugin's families (" + known + ")", "\"" + arch + "\"");
  }
  TransformerConfig c;
  c.architecture = arch;
  c.name = printable(v.string_or("_name_or_path", source));
  if (family == "llama")
    read_dense(v, c);
  else if (family == "deepseek_v3")
    read_deepseek(v, c);
  else if (family == "mixtral")
    read_mixtral(v, c);
  else
    read_qwen_moe(v, c);
  validate(c, source);
  return c;
}

}  // namespace genz::models
