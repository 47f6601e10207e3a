// Where the GPUs are: how many nodes, how many GPUs in each, and the links
// inside a node and between nodes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "genz/engine/host_spec.hpp"
#include "genz/sdk/hardware_spec.hpp"

namespace genz {

struct ClusterSpec {
  std::string name;
  std::string hardware;  // default hardware for the preset ("" = none)
  std::string comm;      // default comm backend ("" = by link kind)
  unsigned nodes = 1;
  unsigned gpus_per_node = 0;     // 0: as many as the layout needs, up to 8
  std::optional<LinkSpec> intra;  // overrides the hardware's own link
  LinkSpec inter;                 // bandwidth per node (all NICs); 0: one node only
  std::optional<HostSpec> host;   // the CPU side, for offload
  std::vector<std::string> gpus;  // hardware of each GPU in rank order, when they differ ("gpus" list)
};

const std::vector<ClusterSpec>& builtin_clusters();
const ClusterSpec* find_cluster(const std::string& name);
ClusterSpec cluster_from_text(const std::string& text, const std::string& source);
std::string cluster_names();

}  // namespace genz
