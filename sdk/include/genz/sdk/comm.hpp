// Communication backends: the time of one collective for a message size and a
// group of ranks, inside a node and across nodes.
#pragma once

#include <algorithm>

#include "genz/sdk/abi.h"
#include "genz/sdk/hardware.hpp"
#include "genz/sdk/hardware_spec.hpp"
#include "genz/sdk/op.hpp"

namespace genz {
inline namespace v1 {

struct CollectiveQuery {
  CollectiveKind kind = CollectiveKind::all_reduce;
  double bytes = 0;             // per-rank buffer (NCCL convention)
  unsigned ranks = 1;           // group size
  unsigned ranks_per_node = 1;  // members of the group inside one node
  unsigned concurrent = 1;      // copies of this collective running at once in
                                // one node (they share host bridge and NIC)
  LinkSpec intra;               // between accelerators of one node
  LinkSpec inter;               // between nodes: bandwidth is per node (all its NICs)
};

class CommBackend {
 public:
  static constexpr uint32_t kInterfaceKind = GENZ_KIND_COMM;  // checked by the host at registration
  virtual ~CommBackend() = default;
  virtual OpCost time(const CollectiveQuery& q) const noexcept = 0;
};

/// Bytes each rank moves over its link per byte of buffer, for bandwidth-
/// optimal ring algorithms (NCCL's busBw factors).
constexpr double ring_traffic(CollectiveKind k, unsigned n) noexcept {
  if (n <= 1) return 0;
  const double f = static_cast<double>(n - 1) / n;
  switch (k) {
    case CollectiveKind::all_reduce:
      return 2 * f;
    case CollectiveKind::all_gather:
    case CollectiveKind::reduce_scatter:
    case CollectiveKind::all_to_all:
      return f;
    case CollectiveKind::send_recv:
      return 1;
  }
  return 1;
}

/// Sequential steps of the ring algorithm (each one waits for the previous).
constexpr double ring_steps(CollectiveKind k, unsigned n) noexcept {
  if (n <= 1) return 0;
  switch (k) {
    case CollectiveKind::all_reduce:
      return 2.0 * (n - 1);
    case CollectiveKind::send_recv:
      return 1;
    default:
      return n - 1;
  }
}

/// Time over the inter-node network for the part of a collective that leaves
/// each node: every node's NICs carry the traffic of all its ranks in the
/// group and of every concurrent copy.
inline double inter_node_seconds(const CollectiveQuery& q) noexcept {
  const unsigned nodes = std::max(1u, q.ranks / std::max(1u, q.ranks_per_node));
  if (nodes <= 1 || q.inter.bandwidth <= 0) return 0;
  const double g = q.ranks_per_node;
  double node_bytes = 0;  // bytes leaving one node
  switch (q.kind) {
    case CollectiveKind::all_reduce:  // hierarchical: each node's shards, ring over nodes
      node_bytes = ring_traffic(CollectiveKind::all_reduce, nodes) * q.bytes;
      break;
    case CollectiveKind::all_gather:
    case CollectiveKind::reduce_scatter:
      node_bytes = ring_traffic(q.kind, nodes) * q.bytes;
      break;
    case CollectiveKind::all_to_all:  // each rank's share addressed to other nodes
      node_bytes = g * q.bytes * (q.ranks - g) / q.ranks;
      break;
    case CollectiveKind::send_recv:
      node_bytes = q.bytes * g;
      break;
  }
  node_bytes *= q.concurrent;
  return q.inter.latency + node_bytes / (q.inter.bandwidth * q.inter.efficiency);
}

/// A collective over one or more nodes from an intra-node model
/// `intra(kind, bytes, ranks)` (seconds): within one node it is the model
/// itself; across nodes it is hierarchical (reduce-scatter inside each node,
/// all-reduce between nodes over the NICs, all-gather inside each node), and
/// the other collectives move their in-node share while the rest crosses the
/// NICs.
template <class IntraFn>
double collective_seconds(const CollectiveQuery& q, IntraFn intra) {
  const unsigned g = std::max(1u, std::min(q.ranks_per_node, q.ranks));
  if (q.ranks / g <= 1) return intra(q.kind, q.bytes, q.ranks);
  const double inter = inter_node_seconds(q);
  switch (q.kind) {
    case CollectiveKind::all_reduce:
      return intra(CollectiveKind::reduce_scatter, q.bytes, g) + inter + intra(CollectiveKind::all_gather, q.bytes, g);
    case CollectiveKind::send_recv:
      return inter;
    default:
      return std::max(intra(q.kind, q.bytes * g / q.ranks, g), inter);
  }
}

}  // namespace v1
}  // namespace genz
