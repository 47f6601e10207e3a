#include "genz/engine/layout.hpp"

#include <algorithm>

#include "genz/host/error.hpp"

namespace genz {
namespace {

unsigned node_of(unsigned rank, unsigned gpn) {
  return rank / gpn;
}

// Members of the first group: `size` ranks starting at 0 with `stride`.
GroupPlacement place_group(unsigned size, unsigned stride, unsigned stage_size, unsigned gpn) {
  GroupPlacement g;
  g.ranks = size;
  unsigned same = 0;
  for (unsigned i = 0; i < size; ++i)
    if (node_of(i * stride, gpn) == 0) ++same;
  g.ranks_per_node = std::max(1u, same);
  const unsigned in_node = std::min(gpn, stage_size);
  g.concurrent = std::max(1u, in_node / g.ranks_per_node);
  return g;
}

std::vector<std::pair<unsigned, unsigned>> split_layers(unsigned layers, unsigned pp) {
  std::vector<std::pair<unsigned, unsigned>> out;
  const unsigned base = layers / pp, extra = layers % pp;
  unsigned begin = 0;
  for (unsigned s = 0; s < pp; ++s) {
    const unsigned n = base + (s < extra ? 1u : 0u);
    out.emplace_back(begin, begin + n);
    begin += n;
  }
  return out;
}

void check_parallel(const Parallelism& p, unsigned num_layers) {
  if (p.tp == 0 || p.pp == 0 || p.ep == 0) throw InputError("--tp, --pp and --ep must be at least 1");
  if (p.pp > num_layers)
    throw InputError("--pp " + std::to_string(p.pp) + " is larger than the model's " + std::to_string(num_layers) +
                     " layers: each pipeline stage needs at least one layer");
  if (p.ep > 1 && p.ep % p.tp != 0 && p.tp % p.ep != 0)
    throw InputError("--ep " + std::to_string(p.ep) + " and --tp " + std::to_string(p.tp) +
                     ": expected one to divide the other (experts are spread over whole TP groups, or inside one)");
}

}  // namespace

unsigned Layout::stage_size() const noexcept {
  return parallel.stage_size();
}

CollectiveQuery Layout::query(CollectiveKind kind, CommGroup group, double bytes) const noexcept {
  CollectiveQuery q;
  q.kind = kind;
  q.bytes = bytes;
  const GroupPlacement& g = group == CommGroup::ep ? ep : tp;
  q.ranks = g.ranks;
  q.ranks_per_node = g.ranks_per_node;
  q.concurrent = g.concurrent;
  q.intra = intra;
  q.inter = inter;
  return q;
}

CollectiveQuery Layout::boundary_query(std::size_t boundary, double bytes) const noexcept {
  CollectiveQuery q;
  q.kind = CollectiveKind::send_recv;
  q.bytes = bytes;
  q.ranks = 2;
  const BoundaryPlacement& b = boundaries[boundary];
  q.ranks_per_node = b.crosses_nodes ? 1 : 2;
  q.concurrent = b.concurrent;
  q.intra = intra;
  q.inter = inter;
  return q;
}

Layout make_layout(const Parallelism& p, unsigned nodes, unsigned gpus_per_node, const LinkSpec& intra,
                   const LinkSpec& inter, unsigned num_layers) {
  check_parallel(p, num_layers);
  Layout l;
  l.parallel = p;
  const unsigned world = l.world();
  l.gpus_per_node = gpus_per_node > 0 ? gpus_per_node : std::min(world, 8u);
  l.nodes = nodes > 0 ? nodes : (world + l.gpus_per_node - 1) / l.gpus_per_node;
  const unsigned gpus = l.nodes * l.gpus_per_node;
  if (world > gpus)
    throw InputError("the layout needs " + std::to_string(world) + " GPUs (tp " + std::to_string(p.tp) + " x pp " +
                     std::to_string(p.pp) + (p.ep > p.tp ? " x ep/tp " + std::to_string(p.ep / p.tp) : "") +
                     ") but --nodes " + std::to_string(l.nodes) + " x --gpus-per-node " +
                     std::to_string(l.gpus_per_node) + " gives " + std::to_string(gpus));
  if (l.nodes > 1 && inter.bandwidth <= 0)
    throw InputError("the layout spans " + std::to_string(l.nodes) +
                     " nodes but no inter-node link is described: give --cluster or --inter-node-bw");
  l.intra = intra;
  l.inter = inter;
  const unsigned s = l.stage_size(), gpn = l.gpus_per_node;
  l.tp = place_group(p.tp, 1, s, gpn);
  l.ep = place_group(p.ep, 1, s, gpn);  // EP groups are consecutive ranks too
  for (unsigned b = 0; b + 1 < p.pp; ++b) {
    BoundaryPlacement bp;
    bp.crosses_nodes = node_of(b * s, gpn) != node_of((b + 1) * s, gpn);
    bp.concurrent = std::min(s, gpn);
    l.boundaries.push_back(bp);
  }
  l.stage_layers = split_layers(num_layers, p.pp);
  return l;
}

// "12 x rtx3090 + 4 x rtx4090", in stage order.
std::string describe_kinds(const Layout& l) {
  std::vector<std::pair<std::string, unsigned>> runs;
  for (const Hardware* h : l.stage_hardware) {
    if (runs.empty() || runs.back().first != h->spec().name) runs.emplace_back(h->spec().name, 0);
    runs.back().second += l.stage_size();
  }
  std::string s;
  for (const auto& [name, n] : runs) s += (s.empty() ? "" : " + ") + std::to_string(n) + " x " + name;
  return s;
}

std::string describe(const Layout& l) {
  std::string s = "TP " + std::to_string(l.parallel.tp) + ", PP " + std::to_string(l.parallel.pp);
  if (l.parallel.ep > 1)
    s += ", EP " + std::to_string(l.parallel.ep) + (l.parallel.ep_shares_tp() ? " (sharing the TP GPUs)" : "");
  s += " on " + std::to_string(l.world()) + " GPU" + (l.world() > 1 ? "s" : "");
  if (l.nodes > 1) s += " (" + std::to_string(l.nodes) + " nodes x " + std::to_string(l.gpus_per_node) + ")";
  if (l.stage_layers.size() > 1) {
    std::string split;
    for (const auto& [b, e] : l.stage_layers) split += (split.empty() ? "" : "+") + std::to_string(e - b);
    s += ", layers " + split;
  }
  if (!l.stage_hardware.empty()) s += ", GPUs " + describe_kinds(l);
  if (l.host_layers > 0) s += ", " + std::to_string(l.host_layers) + " layers on the CPU";
  if (l.host_experts) s += ", routed experts on the CPU";
  return s;
}

}  // namespace genz
