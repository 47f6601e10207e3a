// A third party's model plugin: a small dense decoder-only transformer
// (pre-norm, multi-head attention with rotary embeddings, gated MLP), written
// against the genz SDK only. docs/writing-a-model-plugin.md walks through it.
//
//   genz --plugin-path build --model tiny_dense --hw h100
//   genz --plugin-path build --model-config my/config.json   (TinyDenseForCausalLM)
#include <memory>
#include <string>
#include <string_view>

#include "genz/sdk/json_view.hpp"
#include "genz/sdk/model.hpp"
#include "genz/sdk/plugin.hpp"

namespace {

struct Shape {
  std::string name = "tiny_dense";
  unsigned layers = 4, hidden = 1024, heads = 16, intermediate = 2816, vocab = 32000, max_context = 4096;
};

// The configuration the host passes: "{}" for the built-in shape, or
// {"hf_config": {...}, "source": "path"} for a config.json whose
// architecture this entry declared it reads (see register_models).
Shape shape_from(std::string_view config_json) {
  Shape s;
  const auto doc = genz::parse_json(config_json, "tiny_dense configuration");
  if (!doc.contains("hf_config")) return s;
  const std::string source = doc.value("source", std::string("config.json"));
  const genz::JsonView v(doc["hf_config"], source);
  s.name = v.string_or("_name_or_path", source);
  s.layers = static_cast<unsigned>(v.integer("num_hidden_layers", 1, 1024));
  s.hidden = static_cast<unsigned>(v.integer("hidden_size", 64, 65536));
  s.heads = static_cast<unsigned>(v.integer("num_attention_heads", 1, 1024));
  s.intermediate = static_cast<unsigned>(v.integer("intermediate_size", 64, 1 << 20));
  s.vocab = static_cast<unsigned>(v.integer("vocab_size", 2, 1 << 22));
  s.max_context = static_cast<unsigned>(v.integer_or("max_position_embeddings", 4096, 1, 1 << 24));
  if (s.hidden % s.heads != 0) v.fail("num_attention_heads", "a divisor of hidden_size", std::to_string(s.heads));
  return s;
}

class TinyDense final : public genz::Model {
 public:
  explicit TinyDense(Shape s) : s_(std::move(s)) {
    const double H = s_.hidden, layer = 4 * H * H + 3 * H * s_.intermediate + 2 * H;  // attention, MLP, norms
    info_.name = s_.name;
    info_.architecture = "TinyDenseForCausalLM";
    info_.layers = s_.layers;
    info_.hidden = s_.hidden;
    info_.heads = info_.kv_heads = s_.heads;
    info_.head_dim = s_.hidden / s_.heads;
    info_.intermediate = s_.intermediate;
    info_.vocab = s_.vocab;
    info_.max_context = s_.max_context;
    info_.params_total = info_.params_active = s_.layers * layer + 2 * H * s_.vocab + H;
    info_.kv_elements_per_token = 2.0 * s_.layers * H;
  }

  const genz::ModelInfo& info() const noexcept override { return info_; }

  genz::Status check(const genz::Parallelism& p) const noexcept override {
    if (s_.heads % p.tp != 0) return genz::Status::error("--tp must divide the " + std::to_string(s_.heads) + " heads");
    if (p.ep > 1) return genz::Status::error("tiny_dense has no experts: --ep must be 1");
    return genz::Status::success();
  }

  // One step on one GPU of the TP group: identical layers are one range.
  genz::Status build(const genz::BuildRequest& r, genz::Graph& g) const noexcept override {
    g.ops.clear();
    g.num_layers = s_.layers;
    const double T = r.batch * r.tokens, H = s_.hidden, tp = r.parallel.tp;
    const double heads = s_.heads / tp, hd = H / s_.heads, act = genz::bytes_of(r.precision.activations);
    const genz::DType a = r.precision.activations, w = r.precision.weights;
    g.pipeline_bytes = T * H * act;
    add_ew(g, genz::Placement::pre, "embedding", genz::EwKind::embedding, T * H, a);
    add_ew(g, genz::Placement::layers, "input_norm", genz::EwKind::rmsnorm, T * H, a);
    add_gemm(g, "qkv_proj", T, 3 * heads * hd, H, a, w);
    add_ew(g, genz::Placement::layers, "rope", genz::EwKind::rope, T * 2 * heads * hd, a);
    genz::Op& kv = add_ew(g, genz::Placement::layers, "kv_append", genz::EwKind::kv_append, T * 2 * heads * hd, a);
    kv.kv_dtype = r.precision.kv_cache;
    genz::Op& att = add(g, genz::OpKind::attention, genz::Placement::layers, "attention");
    att.batch = r.batch;
    att.q_len = r.tokens;
    att.kv_len = r.context + r.tokens;
    att.heads = att.kv_heads = heads;
    att.head_dim_qk = att.head_dim_v = hd;
    att.causal = r.tokens > 1;
    att.a_dtype = a;
    att.kv_dtype = r.precision.kv_cache;
    att.context_dependent = kv.context_dependent = true;
    add_gemm(g, "o_proj", T, H, heads * hd, a, w);
    add_all_reduce(g, "attn_all_reduce", T * H * act, tp);
    add_ew(g, genz::Placement::layers, "post_attn_norm", genz::EwKind::rmsnorm, T * H, a);
    add_gemm(g, "gate_up_proj", T, 2 * s_.intermediate / tp, H, a, w);
    add_ew(g, genz::Placement::layers, "act_mul", genz::EwKind::gated_activation, T * s_.intermediate / tp, a);
    add_gemm(g, "down_proj", T, H, s_.intermediate / tp, a, w);
    add_all_reduce(g, "mlp_all_reduce", T * H * act, tp);
    add_ew(g, genz::Placement::post, "final_norm", genz::EwKind::rmsnorm, T * H, a);
    // Serving engines compute logits for each sequence's last token only.
    const double logit_rows = r.phase == genz::Phase::prefill && !r.traits.all_prompt_logits ? r.batch : T;
    genz::Op& head = add_gemm(g, "lm_head", logit_rows, s_.vocab / tp, H, a, w);
    head.placement = genz::Placement::post;
    add_ew(g, genz::Placement::post, "sampling", genz::EwKind::sampling, r.batch * s_.vocab, a);
    return genz::Status::success();
  }

  // What one GPU holds: its layers' share of the TP-split weights, the
  // embedding on the first stage and the LM head on the last.
  genz::Status footprint(const genz::ShardRequest& r, genz::ShardFootprint& f) const noexcept override {
    const double H = s_.hidden, tp = r.parallel.tp, layers = r.layer_end - r.layer_begin;
    const double wb = genz::bytes_of(r.precision.weights), ab = genz::bytes_of(r.precision.activations);
    f = genz::ShardFootprint{};
    f.dense_weight_bytes = layers * ((4 * H * H + 3 * H * s_.intermediate) / tp + 2 * H) * wb;
    f.embedding_bytes = ((r.first_stage ? 1 : 0) + (r.last_stage ? 1 : 0)) * H * s_.vocab / tp * wb;
    f.kv_bytes_per_token = layers * 2 * H / tp * genz::bytes_of(r.precision.kv_cache);
    f.activation_bytes_per_token = (4 * H + 2 * s_.intermediate / tp) * ab;
    f.logits_bytes_per_token = s_.vocab / tp * ab;
    return genz::Status::success();
  }

 private:
  genz::Op& add(genz::Graph& g, genz::OpKind kind, genz::Placement at, const char* name) const {
    genz::Op& op = g.ops.emplace_back();
    op.kind = kind;
    op.set_name(name);
    op.placement = at;
    op.layer_begin = 0;
    op.layer_end = static_cast<std::uint16_t>(s_.layers);
    return op;
  }
  genz::Op& add_gemm(genz::Graph& g, const char* name, double m, double n, double k, genz::DType a,
                     genz::DType w) const {
    genz::Op& op = add(g, genz::OpKind::gemm, genz::Placement::layers, name);
    op.m = m;
    op.n = n;
    op.k = k;
    op.a_dtype = op.out_dtype = a;
    op.w_dtype = w;
    return op;
  }
  genz::Op& add_ew(genz::Graph& g, genz::Placement at, const char* name, genz::EwKind kind, double elements,
                   genz::DType a) const {
    genz::Op& op = add(g, genz::OpKind::elementwise, at, name);
    op.ew = kind;
    op.elements = elements;
    op.a_dtype = a;
    return op;
  }
  void add_all_reduce(genz::Graph& g, const char* name, double bytes, double tp) const {
    if (tp <= 1) return;  // one GPU: nothing to reduce
    genz::Op& op = add(g, genz::OpKind::collective, genz::Placement::layers, name);
    op.collective = genz::CollectiveKind::all_reduce;
    op.group = genz::CommGroup::tp;
    op.bytes_per_rank = bytes;
  }

  Shape s_;
  genz::ModelInfo info_;
};

std::unique_ptr<genz::Model> make(const void*, std::string_view config) {
  return std::make_unique<TinyDense>(shape_from(config));
}

void register_models(genz::Registrar& r) {
  // accepts: the config.json architectures this entry reads; the host hands
  // it any --model-config naming one of them.
  r.add("tiny_dense", "A small dense transformer (out-of-tree example)", genz::factory<genz::Model, make>(), nullptr,
        nullptr, "TinyDenseForCausalLM,tiny_dense");
}

}  // namespace

GENZ_PLUGIN(GENZ_KIND_MODEL, "tiny_dense", "1.0.0", register_models)
