// Placing a parallel layout on a cluster. Ranks are numbered with tensor
// parallel innermost, then expert parallel (when it needs GPUs of its own),
// then pipeline stages: TP groups stay inside a node whenever they fit, and
// pipeline boundaries fall between nodes first.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "genz/sdk/comm.hpp"
#include "genz/sdk/hardware.hpp"
#include "genz/sdk/model.hpp"

namespace genz {

/// How one collective group sits on the nodes.
struct GroupPlacement {
  unsigned ranks = 1;
  unsigned ranks_per_node = 1;
  unsigned concurrent = 1;  // such groups running at once in one node
};

/// A pipeline boundary: stage s sends to stage s + 1.
struct BoundaryPlacement {
  bool crosses_nodes = false;
  unsigned concurrent = 1;  // ranks of the stage sending at once through one node
};

struct Layout {
  Parallelism parallel;
  unsigned nodes = 1;
  unsigned gpus_per_node = 1;
  LinkSpec intra;
  LinkSpec inter;
  GroupPlacement tp, ep;
  std::vector<BoundaryPlacement> boundaries;                // pp - 1 of them
  std::vector<std::pair<unsigned, unsigned>> stage_layers;  // [begin, end) per stage
  // Offload to CPU memory (llama.cpp -ngl, KTransformers/--cpu-moe): layers
  // [0, host_layers) run on the CPU, and with host_experts every routed
  // expert does; the GPU stages hold the rest.
  unsigned host_layers = 0;
  bool host_experts = false;
  // GPUs of different kinds in one pipeline (a cluster file's "gpus" list):
  // the hardware of each stage, owned by the composition; empty: all alike.
  std::vector<const Hardware*> stage_hardware;
  bool offloads() const noexcept { return host_layers > 0 || host_experts; }

  unsigned stage_size() const noexcept;  // GPUs per pipeline stage
  unsigned world() const noexcept { return stage_size() * parallel.pp; }
  /// The query a comm backend needs for a collective on a group.
  CollectiveQuery query(CollectiveKind kind, CommGroup group, double bytes) const noexcept;
  CollectiveQuery boundary_query(std::size_t boundary, double bytes) const noexcept;
};

/// Validates and places; throws InputError naming the flag at fault.
/// gpus_per_node 0 means one node holding the whole layout (at most 8 GPUs
/// per node are assumed when the layout is larger).
Layout make_layout(const Parallelism& p, unsigned nodes, unsigned gpus_per_node, const LinkSpec& intra,
                   const LinkSpec& inter, unsigned num_layers);

std::string describe(const Layout& l);

}  // namespace genz
