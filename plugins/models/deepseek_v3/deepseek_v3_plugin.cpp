// Mixture-of-experts decoders on the shared transformer machinery:
//   deepseek_v3  DeepSeek-V3 / DeepSeek-R1 671B (MLA, 256 routed + 1 shared expert)
//   mixtral      Mixtral 8x7B and 8x22B (GQA, 8 experts, top-2)
//   qwen_moe     Qwen1.5-MoE-A2.7B (60 experts, top-4, a shared expert)
//
// Shapes are the published Hugging Face config.json values:
// deepseek-ai/DeepSeek-V3 (and DeepSeek-R1, identical), mistralai/Mixtral-8x7B-v0.1,
// mistralai/Mixtral-8x22B-v0.1, Qwen/Qwen1.5-MoE-A2.7B.
#include <memory>
#include <string_view>

#include "genz/sdk/plugin.hpp"
#include "hf_config.hpp"
#include "transformer_model.hpp"

namespace {

using genz::models::AttentionKind;
using genz::models::Family;
using genz::models::MoeDims;
using genz::models::TransformerConfig;

TransformerConfig deepseek_v3(const char* name) {
  TransformerConfig c;
  c.name = name;
  c.architecture = "DeepseekV3ForCausalLM";
  c.layers = 61;
  c.hidden = 7168;
  c.heads = 128;
  c.kv_heads = 128;
  c.head_dim = 128;
  c.attention = AttentionKind::mla;
  c.mla = {1536, 512, 128, 64, 128};  // q_lora_rank, kv_lora_rank, qk_nope, qk_rope, v_head
  c.intermediate = 18432;             // the first three, dense layers
  c.vocab = 129280;
  c.max_context = 163840;
  MoeDims m;
  m.experts = 256;
  m.active = 8;
  m.shared = 1;
  m.expert_intermediate = 2048;
  m.first_dense_layers = 3;
  c.moe = m;
  c.native_dtype = genz::DType::fp8;  // the released checkpoint is fp8 (128x128 block scales)
  c.fp8_block_scales = true;
  return c;
}

TransformerConfig mixtral(const char* name, unsigned layers, unsigned hidden, unsigned heads, unsigned width,
                          unsigned vocab, unsigned context) {
  TransformerConfig c;
  c.name = name;
  c.architecture = "MixtralForCausalLM";
  c.layers = layers;
  c.hidden = hidden;
  c.heads = heads;
  c.kv_heads = 8;
  c.head_dim = 128;
  c.vocab = vocab;
  c.max_context = context;
  MoeDims m;
  m.experts = 8;
  m.active = 2;
  m.expert_intermediate = width;
  c.moe = m;
  return c;
}

TransformerConfig qwen15_moe() {
  TransformerConfig c;
  c.name = "qwen1.5_moe_a2.7b";
  c.architecture = "Qwen2MoeForCausalLM";
  c.layers = 24;
  c.hidden = 2048;
  c.heads = 16;
  c.kv_heads = 16;
  c.head_dim = 128;
  c.vocab = 151936;
  c.max_context = 8192;
  MoeDims m;
  m.experts = 60;
  m.active = 4;
  m.shared = 1;
  m.expert_intermediate = 1408;
  m.shared_intermediate = 5632;
  c.moe = m;
  return c;
}

const Family& deepseek_family() {
  static const Family f{
      "deepseek_v3", "deepseek_v3", {deepseek_v3("deepseek_v3"), deepseek_v3("deepseek_r1")}, {"deepseek_v3"}};
  return f;
}
const Family& mixtral_family() {
  static const Family f{"mixtral",
                        "mixtral_8x7b",
                        {mixtral("mixtral_8x7b", 32, 4096, 32, 14336, 32000, 32768),
                         mixtral("mixtral_8x22b", 56, 6144, 48, 16384, 32768, 65536)},
                        {"mixtral"}};
  return f;
}
const Family& qwen_family() {
  static const Family f{"qwen_moe", "qwen1.5_moe_a2.7b", {qwen15_moe()}, {"qwen_moe"}};
  return f;
}

std::unique_ptr<genz::Model> make_deepseek(const void*, std::string_view c) {
  return genz::models::make_model(deepseek_family(), c);
}
std::unique_ptr<genz::Model> make_mixtral(const void*, std::string_view c) {
  return genz::models::make_model(mixtral_family(), c);
}
std::unique_ptr<genz::Model> make_qwen(const void*, std::string_view c) {
  return genz::models::make_model(qwen_family(), c);
}
std::unique_ptr<genz::Model> make_fixed(const void* user_data, std::string_view c) {
  return genz::models::make_variant(*static_cast<const TransformerConfig*>(user_data), c);
}

void register_models(genz::Registrar& r) {
  using genz::models::accepted_architectures;
  r.add("deepseek_v3", "DeepSeek-V3/R1 671B: MLA attention, 256 routed experts (top 8) + 1 shared",
        genz::factory<genz::Model, make_deepseek>(), nullptr, "deepseek_v3_671b",
        accepted_architectures("deepseek_v3"));
  r.add("mixtral", "Mixtral: GQA attention, 8 experts, top 2", genz::factory<genz::Model, make_mixtral>(), nullptr,
        nullptr, accepted_architectures("mixtral"));
  r.add("qwen_moe", "Qwen-MoE: 60 experts, top 4, one shared expert", genz::factory<genz::Model, make_qwen>(), nullptr,
        nullptr, accepted_architectures("qwen_moe"));
  for (const Family* f : {&deepseek_family(), &mixtral_family(), &qwen_family()})
    for (const auto& c : f->variants) {
      if (c.name == f->name) continue;  // the family entry already answers to this name
      r.add(c.name.c_str(), "built-in MoE variant", genz::factory<genz::Model, make_fixed>(), &c);
    }
}

}  // namespace

GENZ_PLUGIN(GENZ_KIND_MODEL, "deepseek_v3", "1.0.0", register_models)
