// Times one step (a prefill, or one decode step) of a model on a layout:
// every operator lowered and timed once, multiplied by its count in each
// pipeline stage; the operators that grow with the context are re-timed per
// context. A stage takes the longer of its GPU time and the CPU time to
// launch its kernels (eager engines fall behind the GPU on small steps).
#pragma once

#include <array>
#include <string>
#include <vector>

#include "genz/engine/engine_profile.hpp"
#include "genz/engine/layout.hpp"
#include "genz/sdk/comm.hpp"
#include "genz/sdk/hardware.hpp"
#include "genz/sdk/model.hpp"
#include "genz/sdk/report.hpp"

namespace genz {

/// CPU costs of the engine on this machine (hardware calibration wins over
/// the engine profile's defaults).
struct HostCosts {
  double per_kernel = 0;
  double per_request = 0;
  double per_graph_step = 0;
  bool graphs = false;  // decode runs as a captured graph
};
HostCosts host_costs(const EngineProfile& e, const HardwareSpec& hw);

struct StepPoint {
  double latency = 0;    // one micro-batch through every stage, seconds
  double gpu = 0;        // GPU time on the critical path
  double host = 0;       // CPU launch time on the critical path
  double max_stage = 0;  // the slowest stage (pipelined throughput)
  double dynamic = 0;    // GPU time of the context-dependent operators (attention)
  GroupSplit split{};    // latency by group; CPU time not hidden by the GPU is "other"
  bool host_bound = false;
};

/// One distinct operator of the step with its time.
struct OpLine {
  Op op;
  OpCost cost;         // one instance
  double count = 0;    // instances over all stages
  double seconds = 0;  // count * cost.seconds
};

struct PluginNames {
  std::string model, hardware, comm;
};

/// The CPU side of an offloading layout (Layout::host_layers/host_experts).
struct HostSide {
  const Hardware* hardware = nullptr;  // the CPU as a roofline (host_hardware_of())
  double pcie_bandwidth = 0;           // B/s, one direction
  double pcie_latency = 0;             // s per transfer
  // Prefill batches of at least this many tokens run CPU-resident layers on
  // the GPU, streaming their weights over PCIe (llama.cpp); 0: the CPU computes.
  double gpu_batch_threshold = 0;
};

class StepModel {
 public:
  StepModel(const Hardware& hw, const CommBackend& comm, const EngineProfile& engine, const Layout& layout,
            HostCosts host, PluginNames names, HostSide cpu = {});

  /// Lowers and times the graph built for `context` cached tokens;
  /// `sequences`: how many sequences the step advances (per-sequence CPU cost).
  void load(const Graph& graph, Phase phase, double context, double sequences = 1);
  /// The step at another context (only context-dependent operators change).
  StepPoint at(double context) const;
  /// The engine's extra cost of a decode step of `sequences` (EngineProfile::batch_layer).
  double batch_layer_cost(Phase phase, double sequences) const;
  StepPoint at_built() const { return at(built_context_); }
  std::vector<OpLine> breakdown(double context) const;

 private:
  static constexpr unsigned kMaxDevices = 4;  // GPU kinds in one layout
  struct Timed {
    Op op;
    OpCost cost;                                // on the first GPU kind
    std::array<OpCost, kMaxDevices - 1> other;  // on the others (heterogeneous pipelines)
    OpCost cpu_cost;                            // on the CPU side, when the layout offloads
    std::size_t counts = 0;                     // offset of this operator's per-stage counts in counts_
    // Context-dependent operators: resources are affine in the cache length,
    // so they are lowered once and moved along the line per context.
    double base_kv_len = 0, flops_per_token = 0, bytes_per_token = 0;
  };
  OpCost time_op(const Op& op, unsigned device = 0) const;
  const OpCost& cost_on(const Timed& t, unsigned device) const { return device == 0 ? t.cost : t.other[device - 1]; }
  OpCost time_on_cpu(const Op& op, const OpCost& gpu) const;
  void add_cpu_transfers(const Graph& graph);
  void add_cpu_slot(double context, StepPoint& p) const;
  void add_static(const Timed& t);
  void prepare_dynamic(Timed& t) const;
  OpCost retime(const Timed& t, double context, Op& scratch, unsigned device = 0) const;
  double count(const Timed& t, std::size_t stage) const { return counts_[t.counts + stage]; }

  const Hardware& hw_;
  const CommBackend& comm_;
  const EngineProfile& engine_;
  const Layout& layout_;
  HostCosts host_;
  PluginNames names_;
  HostSide cpu_;
  std::vector<const Hardware*> devices_;  // distinct GPU kinds; [0] is hw_
  std::vector<unsigned> stage_device_;    // per stage, into devices_
  Phase phase_ = Phase::prefill;
  double built_context_ = 0;
  std::vector<Timed> static_, dynamic_;
  std::vector<double> counts_;  // stages per operator, flat
  std::vector<double> stage_gpu_, stage_kernels_;
  std::vector<GroupSplit> stage_split_;
  std::vector<double> boundary_seconds_;
  // The CPU slot: its operators' time and the PCIe transfers to and from it.
  double cpu_static_ = 0, cpu_transfers_ = 0;
  bool gpu_prefill_ = false;  // this step runs CPU-resident layers on the GPU
  GroupSplit cpu_split_{};
  double pipeline_bytes_ = 0;
  double serial_host_ = 0;                       // CPU time between steps the GPU waits for
  mutable std::vector<double> dynamic_seconds_;  // scratch for at(); not thread-safe
  mutable std::vector<Op> dynamic_scratch_;
};

}  // namespace genz
