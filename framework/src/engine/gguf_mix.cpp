#include "genz/engine/gguf_mix.hpp"

namespace genz {
namespace {

bool is(const GgufFtype& f, const char* name) {
  return std::string(f.name) == name;
}

template <class... Names>
bool any(const GgufFtype& f, Names... names) {
  return (is(f, names) || ...);
}

// llama-quant.cpp's use_more_bits: first and last eighth, every third between.
bool more_bits(unsigned i, unsigned n) {
  const int li = static_cast<int>(i), ln = static_cast<int>(n);
  return li < ln / 8 || li >= 7 * ln / 8 || (li - ln / 8) % 3 == 2;
}

bool low_bit_iq(const GgufFtype& f) {
  return any(f, "iq2_xxs", "iq2_xs", "iq1_s", "iq2_s", "iq1_m");
}

DType output_format(const GgufFtype& f, const MixFacts& m) {
  if (m.hidden % 256 != 0) return DType::q8_0;  // rows not a whole number of super-blocks
  if (low_bit_iq(f) || is(f, "iq3_xxs")) return DType::q5_k;
  return f.base == DType::q8_0 ? DType::q8_0 : DType::q6_k;
}

DType token_embd_format(const GgufFtype& f) {
  if (any(f, "iq2_xxs", "iq2_xs", "iq1_s", "iq1_m")) return DType::q2_k;
  if (any(f, "iq2_s", "iq3_xxs")) return DType::iq3_s;
  return f.base;
}

DType low_bit_iq_format(const GgufFtype& f, TensorRole role, unsigned i, const MixFacts& m) {
  switch (role) {
    case TensorRole::attn_v:
      if (m.gqa >= 4 || m.experts >= 4) return DType::q4_k;
      return is(f, "iq2_s") ? DType::iq3_s : DType::q2_k;
    case TensorRole::attn_k:
      return m.experts == 8 ? DType::q4_k : f.base;
    case TensorRole::ffn_down:
      if (i < m.ffn_down / 8) return is(f, "iq2_s") ? DType::iq3_s : DType::q2_k;
      return f.base;
    case TensorRole::attn_output:
      if (m.experts == 8) return DType::q5_k;
      if (any(f, "iq1_s", "iq1_m")) return DType::iq2_xxs;
      return is(f, "iq2_s") ? DType::iq3_s : f.base;
    default:
      return f.base;
  }
}

DType attn_v_format(const GgufFtype& f, unsigned i, const MixFacts& m) {
  DType t = f.base;
  if (is(f, "q2_k"))
    t = m.gqa >= 4 ? DType::q4_k : DType::q3_k;
  else if (is(f, "iq3_xxs"))
    t = m.gqa >= 4 ? DType::q4_k : DType::iq3_s;
  else if (is(f, "iq3_s") && m.gqa >= 4)
    t = DType::q4_k;
  else if (is(f, "q3_k_m"))
    t = i < 2 ? DType::q5_k : DType::q4_k;
  else if (is(f, "q3_k_l"))
    t = DType::q5_k;
  else if (any(f, "iq4_nl", "iq4_xs") && m.gqa >= 4)
    t = DType::q5_k;
  else if (any(f, "q4_k_m", "q5_k_m") && more_bits(i, m.layers))
    t = DType::q6_k;
  else if (is(f, "q4_k_s") && i < 4)
    t = DType::q5_k;
  if (m.llama_70b && (t == DType::q3_k || t == DType::q4_k)) t = DType::q5_k;
  if (m.experts == 8) t = DType::q8_0;
  return t;
}

DType ffn_down_format(const GgufFtype& f, unsigned i, const MixFacts& m) {
  const unsigned n = m.ffn_down;
  if (is(f, "q2_k")) return DType::q3_k;
  if (is(f, "iq3_xxs")) return i < n / 8 ? DType::q4_k : DType::q3_k;
  if (is(f, "q3_k_m")) return i < n / 16 ? DType::q5_k : DType::q4_k;
  if (is(f, "q3_k_l")) return DType::q5_k;
  if (any(f, "q4_k_m", "q5_k_m")) return more_bits(i, n) ? DType::q6_k : f.base;
  if (any(f, "iq4_nl", "iq4_xs") && i < n / 8) return DType::q5_k;
  if (is(f, "q4_k_s") && i < n / 8) return DType::q5_k;
  return f.base;
}

DType attn_output_format(const GgufFtype& f, const MixFacts& m) {
  if (m.experts == 8) {
    if (any(f, "q2_k", "iq3_xxs", "q3_k_s", "q3_k_m", "iq4_nl", "q4_k_s", "q4_k_m", "iq3_s", "iq4_xs"))
      return DType::q5_k;
    return f.base;
  }
  if (is(f, "q2_k")) return DType::q3_k;
  if (is(f, "iq3_xxs")) return DType::iq3_s;
  if (is(f, "q3_k_m")) return DType::q4_k;
  if (is(f, "q3_k_l")) return DType::q5_k;
  return f.base;
}

}  // namespace

const std::vector<GgufFtype>& gguf_ftypes() {
  static const std::vector<GgufFtype> all = {
      {"q4_0", DType::q4_0},       {"q4_1", DType::q4_1},   {"q5_0", DType::q5_0},       {"q5_1", DType::q5_1},
      {"q8_0", DType::q8_0},       {"q2_k", DType::q2_k},   {"q3_k_s", DType::q3_k},     {"q3_k_m", DType::q3_k},
      {"q3_k_l", DType::q3_k},     {"q4_k_s", DType::q4_k}, {"q4_k_m", DType::q4_k},     {"q5_k_s", DType::q5_k},
      {"q5_k_m", DType::q5_k},     {"q6_k", DType::q6_k},   {"iq4_nl", DType::iq4_nl},   {"iq4_xs", DType::iq4_xs},
      {"iq3_xxs", DType::iq3_xxs}, {"iq3_s", DType::iq3_s}, {"iq2_xxs", DType::iq2_xxs}, {"iq2_xs", DType::iq2_xs},
      {"iq2_s", DType::iq2_s},     {"iq1_s", DType::iq1_s}, {"iq1_m", DType::iq1_m}};
  return all;
}

const GgufFtype* find_gguf_ftype(const std::string& name) {
  for (const auto& f : gguf_ftypes())
    if (name == f.name) return &f;
  return nullptr;
}

std::string gguf_ftype_names() {
  std::string out;
  for (const auto& f : gguf_ftypes()) out += (out.empty() ? "" : ", ") + std::string(f.name);
  return out;
}

MixFacts mix_facts(const ModelInfo& info) {
  MixFacts m;
  m.layers = info.layers;
  // A MoE layer holds a routed ffn_down_exps and, with shared experts, an
  // ffn_down_shexp; llama-quantize counts them all.
  m.ffn_down = info.experts > 0 && info.shared_experts > 0 ? 2 * info.layers : info.layers;
  m.gqa = info.kv_heads > 0 ? info.heads / info.kv_heads : 1;
  m.experts = info.experts;
  m.hidden = info.hidden;
  m.llama_70b = info.layers == 80 && info.experts == 0;
  return m;
}

DType tensor_format(const GgufFtype& f, TensorRole role, unsigned layer, const MixFacts& m) {
  if (role == TensorRole::output) return output_format(f, m);
  if (role == TensorRole::token_embd) return token_embd_format(f);
  if (low_bit_iq(f)) return low_bit_iq_format(f, role, layer, m);
  switch (role) {
    case TensorRole::attn_v:
      return attn_v_format(f, layer, m);
    case TensorRole::attn_k:
      if (m.experts == 8) return DType::q8_0;
      return is(f, "iq3_xxs") ? DType::iq2_s : f.base;
    case TensorRole::attn_q:
      return is(f, "iq3_xxs") ? DType::iq2_s : f.base;
    case TensorRole::ffn_down:
      return ffn_down_format(f, layer, m);
    case TensorRole::attn_output:
      return attn_output_format(f, m);
    case TensorRole::attn_qkv:
      if (any(f, "q3_k_m", "q3_k_l")) return DType::q4_k;
      if (is(f, "q4_k_m")) return DType::q5_k;
      return is(f, "q5_k_m") ? DType::q6_k : f.base;
    default:
      return f.base;
  }
}

double mean_bits(const GgufFtype& f, TensorRole role, const MixFacts& m) {
  if (role == TensorRole::output || role == TensorRole::token_embd || m.layers == 0)
    return 8 * bytes_of(tensor_format(f, role, 0, m));
  double sum = 0;
  for (unsigned i = 0; i < m.layers; ++i) sum += 8 * bytes_of(tensor_format(f, role, i, m));
  return sum / m.layers;
}

}  // namespace genz
