// Dense decoder models: the Llama family (and Mistral, Qwen2, which share its
// architecture) and GPT-3, which differs by switches (multi-head attention,
// non-gated GELU MLP, LayerNorm, learned positions, tied embeddings).
//
// Shapes are the published Hugging Face config.json values of each model:
// meta-llama/Llama-2-{7b,13b,70b}-hf, meta-llama/Meta-Llama-3-{8B,70B},
// meta-llama/Llama-3.1-405B, mistralai/Mistral-7B-v0.1, Qwen/Qwen2-7B, and
// for GPT-3 175B Table 2.1 of Brown et al. 2020 ("Language Models are
// Few-Shot Learners"; n_ctx 2048, d_ff = 4 d_model, GPT-2 vocabulary).
#include <memory>
#include <string_view>

#include "genz/sdk/plugin.hpp"
#include "hf_config.hpp"
#include "transformer_model.hpp"

namespace {

using genz::models::Family;
using genz::models::MlpKind;
using genz::models::NormKind;
using genz::models::TransformerConfig;

TransformerConfig llama(const char* name, unsigned layers, unsigned hidden, unsigned heads, unsigned kv_heads,
                        unsigned intermediate, unsigned vocab, unsigned context) {
  TransformerConfig c;
  c.name = name;
  c.architecture = "LlamaForCausalLM";
  c.layers = layers;
  c.hidden = hidden;
  c.heads = heads;
  c.kv_heads = kv_heads;
  c.head_dim = hidden / heads;
  c.intermediate = intermediate;
  c.vocab = vocab;
  c.max_context = context;
  return c;
}

TransformerConfig gpt3_175b() {
  TransformerConfig c = llama("gpt3_175b", 96, 12288, 96, 96, 4 * 12288, 50257, 2048);
  c.architecture = "GPT3";
  c.mlp = MlpKind::plain;
  c.norm = NormKind::layer;
  c.learned_positions = true;
  c.tied_embeddings = true;
  return c;
}

const Family& llama_family() {
  static const Family f = [] {
    Family fam{"llama", "llama2_7b", {}, {"llama"}};
    fam.variants = {
        llama("llama2_7b", 32, 4096, 32, 32, 11008, 32000, 4096),
        llama("llama2_13b", 40, 5120, 40, 40, 13824, 32000, 4096),
        llama("llama2_70b", 80, 8192, 64, 8, 28672, 32000, 4096),
        llama("llama3_8b", 32, 4096, 32, 8, 14336, 128256, 8192),
        llama("llama3_70b", 80, 8192, 64, 8, 28672, 128256, 8192),
        llama("llama3_405b", 126, 16384, 128, 8, 53248, 128256, 131072),
        llama("mistral_7b", 32, 4096, 32, 8, 14336, 32000, 32768),
        llama("qwen2_7b", 28, 3584, 28, 4, 18944, 152064, 32768),
    };
    fam.variants[6].architecture = "MistralForCausalLM";
    fam.variants[7].architecture = "Qwen2ForCausalLM";
    return fam;
  }();
  return f;
}

const Family& gpt_family() {
  static const Family f{"gpt", "gpt3_175b", {gpt3_175b()}, {}};
  return f;
}

std::unique_ptr<genz::Model> make_llama(const void*, std::string_view config) {
  return genz::models::make_model(llama_family(), config);
}
std::unique_ptr<genz::Model> make_gpt(const void*, std::string_view config) {
  return genz::models::make_model(gpt_family(), config);
}
std::unique_ptr<genz::Model> make_fixed(const void* user_data, std::string_view config) {
  return genz::models::make_variant(*static_cast<const TransformerConfig*>(user_data), config);
}

void register_models(genz::Registrar& r) {
  r.add("llama", "Llama family (Llama 2/3, Mistral, Qwen2; any LlamaForCausalLM config.json)",
        genz::factory<genz::Model, make_llama>(), nullptr, nullptr, genz::models::accepted_architectures("llama"));
  r.add("gpt", "GPT-3 style: multi-head attention, GELU MLP, LayerNorm", genz::factory<genz::Model, make_gpt>());
  // Every variant is also an entry of its own, so `--model llama2_70b` needs
  // no --model-plugin.
  for (const auto& c : llama_family().variants)
    r.add(c.name.c_str(), "built-in variant of the llama family", genz::factory<genz::Model, make_fixed>(), &c);
  for (const auto& c : gpt_family().variants)
    r.add(c.name.c_str(), "built-in variant of the gpt family", genz::factory<genz::Model, make_fixed>(), &c);
}

}  // namespace

GENZ_PLUGIN(GENZ_KIND_MODEL, "llama", "1.0.0", register_models)
