#include "genz/engine/gguf_model.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "genz/engine/lowering.hpp"

namespace genz {
namespace {

bool is_weight_matrix(const Op& op) {
  return op.kind == OpKind::gemm && op.b_is_weight && role_of_operator(op.name_view()) != TensorRole::other;
}

class GgufModel final : public Model {
 public:
  GgufModel(Handle<Model> inner, const GgufFtype& f)
      : inner_(std::move(inner)), ftype_(f), facts_(mix_facts(inner_->info())) {}

  const ModelInfo& info() const noexcept override { return inner_->info(); }
  Status check(const Parallelism& p) const noexcept override { return inner_->check(p); }

  Status build(const BuildRequest& request, Graph& out) const noexcept override {
    Status st = inner_->build(request, out);
    if (!st) return st;
    try {
      std::vector<Op> ops;
      ops.reserve(out.ops.size() * 2);
      for (const Op& op : out.ops) split(op, ops);
      out.ops = std::move(ops);
    } catch (const std::exception& e) {
      return Status::error(e.what());
    }
    return st;
  }

  Status footprint(const ShardRequest& r, ShardFootprint& out) const noexcept override {
    Status st = inner_->footprint(r, out);
    if (!st) return st;
    try {
      correct(r, out);
    } catch (const std::exception& e) {
      return Status::error(e.what());
    }
    return st;
  }

 private:
  DType format_at(const Op& op, unsigned layer) const {
    const TensorRole role = role_of_operator(op.name_view());
    return tensor_format(ftype_, role, layer, facts_);
  }

  // Emits `op` once per run of layers that share a format.
  void split(const Op& op, std::vector<Op>& out) const {
    if (!is_weight_matrix(op)) return out.push_back(op);
    if (op.placement != Placement::layers) {
      out.push_back(op);
      out.back().w_dtype = format_at(op, 0);
      return;
    }
    unsigned begin = op.layer_begin;
    while (begin < op.layer_end) {
      const DType t = format_at(op, begin);
      unsigned end = begin + 1;
      while (end < op.layer_end && format_at(op, end) == t) ++end;
      out.push_back(op);
      out.back().w_dtype = t;
      out.back().layer_begin = static_cast<std::uint16_t>(begin);
      out.back().layer_end = static_cast<std::uint16_t>(end);
      begin = end;
    }
  }

  Graph reference_graph(const ShardRequest& r) const {
    BuildRequest b;
    b.phase = Phase::decode;
    b.parallel = r.parallel;
    b.precision = r.precision;
    b.traits = r.traits;
    b.context = 1;
    Graph g;
    if (Status st = inner_->build(b, g); !st) throw std::runtime_error(st.message);
    return g;
  }

  void correct(const ShardRequest& r, ShardFootprint& f) const {
    const Graph g = reference_graph(r);
    double expert_elements = 0, down_elements = 0;
    const Op* experts_down = nullptr;
    for (const Op& op : g.ops) {
      if (op.kind != OpKind::gemm || !op.b_is_weight) continue;
      const double per_layer = op.count * op.k * op.n * (is_routed_expert(op) ? 1.0 : op.batch);
      if (is_routed_expert(op)) {
        expert_elements += per_layer;
        if (role_of_operator(op.name_view()) == TensorRole::ffn_down) {
          down_elements += per_layer;
          experts_down = &op;
        }
        continue;
      }
      if (!is_weight_matrix(op)) continue;
      if (op.placement == Placement::post) {
        if (r.last_stage) f.embedding_bytes += per_layer * (bytes_of(format_at(op, 0)) - bytes_of(op.w_dtype));
        if (r.first_stage)  // the token embedding table, sharded like the LM head
          f.embedding_bytes +=
              per_layer * (bytes_of(tensor_format(ftype_, TensorRole::token_embd, 0, facts_)) - bytes_of(op.w_dtype));
        continue;
      }
      for (unsigned i = std::max<unsigned>(op.layer_begin, r.layer_begin);
           i < std::min<unsigned>(op.layer_end, r.layer_end); ++i)
        f.dense_weight_bytes += per_layer * (bytes_of(format_at(op, i)) - bytes_of(op.w_dtype));
    }
    if (experts_down && expert_elements > 0 && f.expert_weight_bytes > 0)
      correct_experts(r, f, down_elements / expert_elements, *experts_down);
  }

  // The plugin sizes routed experts as a whole; their ffn_down share changes
  // format by layer like a dense ffn_down.
  void correct_experts(const ShardRequest& r, ShardFootprint& f, double down_share, const Op& down) const {
    const unsigned lo = std::max<unsigned>(down.layer_begin, r.layer_begin);
    const unsigned hi = std::min<unsigned>(down.layer_end, r.layer_end);
    if (hi <= lo) return;
    const double per_layer = f.expert_weight_bytes / (hi - lo);
    const double base = bytes_of(ftype_.base);
    double delta = 0;
    for (unsigned i = lo; i < hi; ++i)
      delta += per_layer * down_share * (bytes_of(tensor_format(ftype_, TensorRole::ffn_down, i, facts_)) / base - 1.0);
    f.expert_weight_bytes += delta;
  }

  Handle<Model> inner_;
  GgufFtype ftype_;
  MixFacts facts_;
};

}  // namespace

TensorRole role_of_operator(std::string_view name) {
  struct Entry {
    std::string_view name;
    TensorRole role;
  };
  static constexpr Entry kRoles[] = {
      {"q_proj", TensorRole::attn_q},           {"k_proj", TensorRole::attn_k},
      {"v_proj", TensorRole::attn_v},           {"qkv_proj", TensorRole::attn_qkv},
      {"o_proj", TensorRole::attn_output},      {"gate_proj", TensorRole::ffn_gate},
      {"gate_up_proj", TensorRole::ffn_gate},   {"up_proj", TensorRole::ffn_up},
      {"down_proj", TensorRole::ffn_down},      {"experts_gate_up", TensorRole::ffn_gate},
      {"experts_up", TensorRole::ffn_up},       {"experts_down", TensorRole::ffn_down},
      {"shared_gate_up", TensorRole::ffn_gate}, {"shared_down", TensorRole::ffn_down},
      {"lm_head", TensorRole::output}};
  for (const Entry& e : kRoles)
    if (e.name == name) return e.role;
  return TensorRole::other;
}

Handle<Model> with_gguf_ftype(Handle<Model> inner, const GgufFtype& ftype) {
  const std::string name = inner.name(), plugin = inner.plugin();
  auto keep = std::make_shared<Handle<Model>>(inner);
  return Handle<Model>(new GgufModel(std::move(inner), ftype), std::move(keep), name, plugin);
}

}  // namespace genz
