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

// Instances of `op` per GPU stage, then (with a CPU side) on the CPU.
void append_stage_counts(const Op& op, const Layout& layout, bool cpu_slot, std::vector<double>& out) {
  const std::size_t stages = layout.stage_layers.size();
  const std::size_t at = out.size();
  out.resize(at + stages + (cpu_slot ? 1 : 0), 0.0);
  double* c = out.data() + at;
  if (cpu_slot && layout.host_experts && is_routed_expert(op) && op.placement == Placement::layers) {
    c[stages] = op.count * (op.layer_end - op.layer_begin);
    return;
  }
  if (cpu_slot && op.placement == Placement::layers)
    c[stages] = op.count * overlap(op.layer_begin, op.layer_end, 0, layout.host_layers);
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
                     HostCosts host, PluginNames names, HostSide cpu)
    : hw_(hw), comm_(comm), engine_(engine), layout_(layout), host_(host), names_(std::move(names)), cpu_(cpu) {
  if (!layout_.offloads()) cpu_.hardware = nullptr;
  devices_.push_back(&hw_);
  for (std::size_t s = 0; s < layout_.stage_layers.size(); ++s) {
    const Hardware* h = s < layout_.stage_hardware.size() ? layout_.stage_hardware[s] : &hw_;
    const auto it = std::find(devices_.begin(), devices_.end(), h);
    stage_device_.push_back(static_cast<unsigned>(it - devices_.begin()));
    if (it == devices_.end()) devices_.push_back(h);
  }
  if (devices_.size() > kMaxDevices)
    throw InputError("a pipeline mixes " + std::to_string(devices_.size()) + " GPU kinds; at most " +
                     std::to_string(kMaxDevices) + " are supported");
  if (layout_.offloads() && !cpu_.hardware)
    throw InputError("the layout offloads to the CPU but no host is described: give --host (" + std::string("see ") +
                     "`genz plugins`) or a cluster file with a \"host\"");
}

// A CPU-resident operator: timed on the CPU's roofline, or, for prefill
// batches the engine moves to the GPU, at the GPU's time plus streaming its
// weights over PCIe (llama.cpp: ggml_backend_sched offloads ops of batch
// >= 32 to the GPU, PR #6083).
OpCost StepModel::time_on_cpu(const Op& op, const OpCost& gpu) const {
  if (op.kind == OpKind::collective) return {};
  if (gpu_prefill_) {
    OpCost c = gpu;
    if (op.kind == OpKind::gemm && op.b_is_weight)
      c.seconds += cpu_.pcie_latency + op.batch * op.k * op.n * weight_bytes_of(op.w_dtype) / cpu_.pcie_bandwidth;
    return c;
  }
  // CPU kernels (ggml-cpu, llamafile) quantize the activations and take
  // integer dot products with the blocks: no fp16 copy of the weights.
  Op on_cpu = op;
  if (op.kind == OpKind::gemm && op.b_is_weight && is_block_format(op.w_dtype) && op.m > kBlockVectorRows)
    on_cpu.bytes -= op.batch * op.k * op.n * 2.0 * bytes_of(DType::fp16);
  PluginCall guard("host");
  return cpu_.hardware->time(on_cpu);
}

// Hidden states cross PCIe once into the GPU layers after CPU layers, and
// twice per MoE layer whose routed experts the CPU computes.
void StepModel::add_cpu_transfers(const Graph& graph) {
  cpu_transfers_ = 0;
  if (!cpu_.hardware) return;
  const double one = cpu_.pcie_latency + graph.pipeline_bytes / cpu_.pcie_bandwidth;
  if (layout_.host_layers > 0) cpu_transfers_ += one;
  if (!layout_.host_experts || gpu_prefill_) return;
  for (const Timed& t : static_)
    if (t.op.name_view() == "experts_down") cpu_transfers_ += 2 * one * count(t, stage_gpu_.size()) / t.op.count;
}

OpCost StepModel::time_op(const Op& op, unsigned device) const {
  OpCost c;
  if (op.kind == OpKind::collective) {
    const CollectiveQuery q = layout_.query(op.collective, op.group, op.bytes_per_rank);
    if (q.ranks <= 1) return c;  // a group of one communicates nothing
    if (const auto e = engine_collective_cost(engine_, q)) {
      c = *e;
    } else {
      PluginCall guard(names_.comm.c_str());
      c = comm_.time(q);
      c.bound = Bound::communication;
    }
  } else if (const auto a = engine_op_cost(engine_, op, devices_[device]->spec())) {
    c = *a;
  } else {
    PluginCall guard(names_.hardware.c_str());
    c = devices_[device]->time(op);
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
    const double seconds = cost_on(t, stage_device_[s]).seconds;
    stage_gpu_[s] += n * seconds;
    stage_split_[s][static_cast<int>(group_of(t.op))] += n * seconds;
    stage_kernels_[s] += n * (t.op.kind == OpKind::collective ? 1.0 : t.op.kernels);
  }
  if (!cpu_.hardware) return;
  const double n = count(t, stage_gpu_.size());
  cpu_static_ += n * t.cpu_cost.seconds;
  cpu_split_[static_cast<int>(group_of(t.op))] += n * t.cpu_cost.seconds;
}

// The engine's extra cost per layer of a decode step of several sequences,
// on the stage with the most layers (the one the step waits for).
double StepModel::batch_layer_cost(Phase phase, double sequences) const {
  if (phase != Phase::decode || sequences <= 1 || engine_.batch_layer == 0) return 0;
  unsigned layers = 0;
  for (const auto& [begin, end] : layout_.stage_layers) layers = std::max(layers, end - begin);
  const double ramp = std::min(1.0, (sequences - 1) / (engine_.batch_layer_seqs - 1));
  return engine_.batch_layer * layers * ramp;
}

void StepModel::load(const Graph& graph, Phase phase, double context, double sequences) {
  phase_ = phase;
  serial_host_ = engine_.step_overhead + engine_.step_overhead_per_seq * sequences + batch_layer_cost(phase, sequences);
  built_context_ = context;
  static_.clear();
  dynamic_.clear();
  counts_.clear();
  static_.reserve(graph.ops.size());
  const std::size_t stages = layout_.stage_layers.size();
  stage_gpu_.assign(stages, 0.0);
  stage_kernels_.assign(stages, engine_.extra_kernels_per_step);
  stage_split_.assign(stages, GroupSplit{});
  cpu_static_ = 0;
  cpu_split_ = GroupSplit{};
  double rows = 0;
  for (const Op& op : graph.ops)
    if (op.kind == OpKind::gemm && op.b_is_weight && !is_routed_expert(op)) rows = std::max(rows, op.m);
  gpu_prefill_ = cpu_.hardware && cpu_.gpu_batch_threshold > 0 && rows >= cpu_.gpu_batch_threshold;
  for (const Op& raw : graph.ops) {
    if (std::string why = check_op(raw, graph.num_layers); !why.empty())
      throw Error("model plugin '" + names_.model + "' produced an invalid operator '" + raw.name + "': " + why);
    Timed t{raw, {}, {}, {}, counts_.size(), raw.kv_len, 0, 0};
    append_stage_counts(raw, layout_, cpu_.hardware != nullptr, counts_);
    lower(t.op, engine_);
    t.cost = time_op(t.op);
    for (unsigned d = 1; d < devices_.size(); ++d) t.other[d - 1] = time_op(t.op, d);
    if (cpu_.hardware) t.cpu_cost = time_on_cpu(t.op, t.cost);
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
  add_cpu_transfers(graph);
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

OpCost StepModel::retime(const Timed& t, double context, Op& scratch, unsigned device) const {
  const double delta = context - built_context_;
  scratch.kv_len = t.base_kv_len + delta;
  scratch.flops = t.op.flops + t.flops_per_token * delta;
  scratch.bytes = t.op.bytes + t.bytes_per_token * delta;
  return time_op(scratch, device);
}

StepPoint StepModel::at(double context) const {
  StepPoint p;
  // Each context-dependent operator is timed once, then counted per stage.
  const std::size_t devices = devices_.size(), n_dynamic = dynamic_.size();
  dynamic_seconds_.resize(n_dynamic * devices);
  for (std::size_t d = 0; d < devices; ++d)
    for (std::size_t i = 0; i < n_dynamic; ++i)
      dynamic_seconds_[d * n_dynamic + i] =
          retime(dynamic_[i], context, dynamic_scratch_[i], static_cast<unsigned>(d)).seconds;
  const bool graph = host_.graphs && phase_ == Phase::decode;
  for (std::size_t s = 0; s < stage_gpu_.size(); ++s) {
    double gpu = stage_gpu_[s];
    double kernels = stage_kernels_[s];
    GroupSplit split = stage_split_[s];
    const double* seconds = dynamic_seconds_.data() + stage_device_[s] * n_dynamic;
    for (std::size_t i = 0; i < n_dynamic; ++i) {
      const double n = count(dynamic_[i], s);
      gpu += n * seconds[i];
      p.dynamic += n * seconds[i];
      split[static_cast<int>(group_of(dynamic_[i].op))] += n * seconds[i];
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
  if (cpu_.hardware) add_cpu_slot(context, p);
  p.latency += serial_host_;
  p.host += serial_host_;
  p.max_stage += serial_host_;
  p.split[static_cast<int>(OpGroup::other)] += serial_host_;
  return p;
}

// The CPU side runs between the GPU stages' work (llama.cpp layers before the
// GPU layers; experts between a layer's attention and the next), so its time
// adds to the step.
void StepModel::add_cpu_slot(double context, StepPoint& p) const {
  const std::size_t slot = stage_gpu_.size();
  double cpu = cpu_static_ + cpu_transfers_;
  GroupSplit split = cpu_split_;
  split[static_cast<int>(OpGroup::communication)] += cpu_transfers_;
  for (std::size_t i = 0; i < dynamic_.size(); ++i) {
    const double n = count(dynamic_[i], slot);
    if (n == 0) continue;
    Op scratch = dynamic_[i].op;
    const OpCost gpu = retime(dynamic_[i], context, scratch);
    const double s = n * time_on_cpu(scratch, gpu).seconds;
    cpu += s;
    split[static_cast<int>(group_of(scratch))] += s;
  }
  for (int g = 0; g < kOpGroupCount; ++g) p.split[g] += split[g];
  p.gpu += cpu;
  p.latency += cpu;
  p.max_stage = std::max(p.max_stage, cpu);
}

std::vector<OpLine> StepModel::breakdown(double context) const {
  std::vector<OpLine> out;
  auto add = [&](const Timed& t, const OpCost& c, const OpCost& on_cpu, const Op& op) {
    double n = 0, seconds = 0;
    for (std::size_t s = 0; s < stage_gpu_.size(); ++s) {
      n += count(t, s);
      seconds += count(t, s) * (stage_device_[s] == 0 ? c.seconds : cost_on(t, stage_device_[s]).seconds);
    }
    if (n > 0) out.push_back({op, c, n, seconds});
    const double m = cpu_.hardware ? count(t, stage_gpu_.size()) : 0;
    if (m == 0) return;
    Op named = op;
    named.set_name(std::string(op.name_view()) + " (cpu)");
    out.push_back({named, on_cpu, m, m * on_cpu.seconds});
  };
  for (const Timed& t : static_) add(t, t.cost, t.cpu_cost, t.op);
  for (const Timed& t : dynamic_) {
    Op scratch = t.op;
    const OpCost c = retime(t, context, scratch);
    add(t, c, cpu_.hardware ? time_on_cpu(scratch, c) : OpCost{}, scratch);
  }
  if (cpu_transfers_ > 0) {
    Op op;
    op.set_name("pcie_cpu_gpu");
    op.kind = OpKind::collective;
    op.collective = CollectiveKind::send_recv;
    op.group = CommGroup::pp;
    out.push_back({op, OpCost{cpu_transfers_, Bound::communication, 0, 0}, 1, cpu_transfers_});
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
