#include "genz/engine/step_model.hpp"

#include <algorithm>
#include <cmath>

#include "genz/engine/lowering.hpp"
#include "genz/host/error.hpp"
#include "genz/host/plugin_guard.hpp"

namespace genz {
namespace {

double overlap(unsigned a0, unsigned a1, unsigned b0, unsigned b1) {
  const unsigned lo = std::max(a0, b0), hi = std::min(a1, b1);
  return hi > lo ? static_cast<double>(hi - lo) : 0.0;
}

void append_stage_counts(const Op& op, const Layout& layout, std::vector<double>& out) {
  const std::size_t stages = layout.stage_layers.size();
  const std::size_t at = out.size();
  out.resize(at + stages, 0.0);
  double* c = out.data() + at;
  switch (op.placement) {
    case Placement::pre:
      c[0] = op.count;
      break;
    case Placement::post:
      c[stages - 1] = op.count;
      break;
    case Placement::layers:
      for (std::size_t s = 0; s < stages; ++s)
        c[s] = op.count *
               overlap(op.layer_begin, op.layer_end, layout.stage_layers[s].first, layout.stage_layers[s].second);
      break;
  }
}

bool valid_cost(const OpCost& c) {
  return std::isfinite(c.seconds) && c.seconds >= 0;
}

}  // namespace

HostCosts host_costs(const EngineProfile& e, const HardwareSpec& hw) {
  HostCosts h;
  h.per_kernel = e.host_per_kernel;
  h.per_request = e.host_per_request;
  h.per_graph_step = e.host_per_graph_step;
  h.graphs = e.cuda_graphs;
  if (const EngineHostSpec* m = hw.host_for(e.name)) {
    h.per_kernel = m->per_kernel;
    h.per_request = m->per_request;
  }
  return h;
}

StepModel::StepModel(const Hardware& hw, const CommBackend& comm, const EngineProfile& engine, const Layout& layout,
                     HostCosts host, PluginNames names)
    : hw_(hw), comm_(comm), engine_(engine), layout_(layout), host_(host), names_(std::move(names)) {}

OpCost StepModel::time_op(const Op& op) const {
  OpCost c;
  if (op.kind == OpKind::collective) {
    const CollectiveQuery q = layout_.query(op.collective, op.group, op.bytes_per_rank);
    if (q.ranks <= 1) return c;  // a group of one communicates nothing
    PluginCall guard(names_.comm.c_str());
    c = comm_.time(q);
    c.bound = Bound::communication;
  } else {
    PluginCall guard(names_.hardware.c_str());
    c = hw_.time(op);
  }
  if (!valid_cost(c))
    throw Error(std::string(op.kind == OpKind::collective ? "comm plugin '" + names_.comm
                                                          : "hardware plugin '" + names_.hardware) +
                "' returned an invalid time (" + std::to_string(c.seconds) + " s) for operator '" + op.name +
                "': its results are discarded");
  return c;
}

void StepModel::add_static(const Timed& t) {
  for (std::size_t s = 0; s < stage_gpu_.size(); ++s) {
    const double n = count(t, s);
    if (n == 0) continue;
    stage_gpu_[s] += n * t.cost.seconds;
    stage_split_[s][static_cast<int>(group_of(t.op))] += n * t.cost.seconds;
    stage_kernels_[s] += n * (t.op.kind == OpKind::collective ? 1.0 : t.op.kernels);
  }
}

void StepModel::load(const Graph& graph, Phase phase, double context) {
  phase_ = phase;
  built_context_ = context;
  static_.clear();
  dynamic_.clear();
  counts_.clear();
  const std::size_t stages = layout_.stage_layers.size();
  stage_gpu_.assign(stages, 0.0);
  stage_kernels_.assign(stages, engine_.extra_kernels_per_step);
  stage_split_.assign(stages, GroupSplit{});
  for (const Op& raw : graph.ops) {
    if (std::string why = check_op(raw, graph.num_layers); !why.empty())
      throw Error("model plugin '" + names_.model + "' produced an invalid operator '" + raw.name + "': " + why);
    Timed t{raw, {}, counts_.size(), raw.kv_len, 0, 0};
    append_stage_counts(raw, layout_, counts_);
    lower(t.op, engine_);
    t.cost = time_op(t.op);
    if (raw.context_dependent) {
      prepare_dynamic(t);
      dynamic_.push_back(std::move(t));
    } else {
      add_static(t);
      static_.push_back(std::move(t));
    }
  }
  dynamic_scratch_.clear();
  for (const Timed& t : dynamic_) dynamic_scratch_.push_back(t.op);
  boundary_seconds_.clear();
  pipeline_bytes_ = graph.pipeline_bytes;
  for (std::size_t b = 0; b < layout_.boundaries.size(); ++b) {
    PluginCall guard(names_.comm.c_str());
    const OpCost c = comm_.time(layout_.boundary_query(b, graph.pipeline_bytes));
    if (!valid_cost(c)) throw Error("comm plugin '" + names_.comm + "' returned an invalid send/recv time");
    boundary_seconds_.push_back(c.seconds);
  }
}

// Resources of a context-dependent operator one token further, to get their
// slope; lowering is affine in kv_len (op_resources.hpp, lowering.cpp), which
// step_model_test checks against full lowering.
void StepModel::prepare_dynamic(Timed& t) const {
  Op next = t.op;
  next.kv_len += 1;
  lower(next, engine_);
  t.flops_per_token = next.flops - t.op.flops;
  t.bytes_per_token = next.bytes - t.op.bytes;
}

OpCost StepModel::retime(const Timed& t, double context, Op& scratch) const {
  const double delta = context - built_context_;
  scratch.kv_len = t.base_kv_len + delta;
  scratch.flops = t.op.flops + t.flops_per_token * delta;
  scratch.bytes = t.op.bytes + t.bytes_per_token * delta;
  return time_op(scratch);
}

StepPoint StepModel::at(double context) const {
  StepPoint p;
  // Each context-dependent operator is timed once, then counted per stage.
  dynamic_seconds_.resize(dynamic_.size());
  for (std::size_t i = 0; i < dynamic_.size(); ++i)
    dynamic_seconds_[i] = retime(dynamic_[i], context, dynamic_scratch_[i]).seconds;
  const bool graph = host_.graphs && phase_ == Phase::decode;
  for (std::size_t s = 0; s < stage_gpu_.size(); ++s) {
    double gpu = stage_gpu_[s];
    double kernels = stage_kernels_[s];
    GroupSplit split = stage_split_[s];
    for (std::size_t i = 0; i < dynamic_.size(); ++i) {
      const double n = count(dynamic_[i], s);
      gpu += n * dynamic_seconds_[i];
      split[static_cast<int>(group_of(dynamic_[i].op))] += n * dynamic_seconds_[i];
      kernels += n * dynamic_[i].op.kernels;
    }
    const double host = graph ? host_.per_graph_step : kernels * host_.per_kernel;
    const double stage = std::max(gpu, host);
    if (host > gpu) {
      split[static_cast<int>(OpGroup::other)] += host - gpu;
      p.host_bound = true;
    }
    for (int g = 0; g < kOpGroupCount; ++g) p.split[g] += split[g];
    p.gpu += gpu;
    p.host += host;
    p.latency += stage;
    p.max_stage = std::max(p.max_stage, stage);
  }
  for (double b : boundary_seconds_) {
    p.latency += b;
    p.gpu += b;
    p.split[static_cast<int>(OpGroup::communication)] += b;
  }
  return p;
}

std::vector<OpLine> StepModel::breakdown(double context) const {
  std::vector<OpLine> out;
  auto add = [&](const Timed& t, const OpCost& c, const Op& op) {
    double n = 0;
    for (std::size_t s = 0; s < stage_gpu_.size(); ++s) n += count(t, s);
    out.push_back({op, c, n, n * c.seconds});
  };
  for (const Timed& t : static_) add(t, t.cost, t.op);
  for (const Timed& t : dynamic_) {
    Op scratch = t.op;
    const OpCost c = retime(t, context, scratch);
    add(t, c, scratch);
  }
  if (!boundary_seconds_.empty()) {
    Op op;
    op.set_name("pipeline_send_recv");
    op.kind = OpKind::collective;
    op.collective = CollectiveKind::send_recv;
    op.group = CommGroup::pp;
    op.bytes = op.bytes_per_rank = pipeline_bytes_;
    OpCost c;
    for (double b : boundary_seconds_) c.seconds += b;
    const double n = static_cast<double>(boundary_seconds_.size());
    c.bound = Bound::communication;
    out.push_back({op, OpCost{c.seconds / n, Bound::communication, 0, 0}, n, c.seconds});
  }
  return out;
}

}  // namespace genz
