#include "genz/engine/collective_model.hpp"

#include <algorithm>
#include <limits>

namespace genz {
namespace {

constexpr unsigned bit(CollectiveKind k) noexcept {
  return 1u << static_cast<unsigned>(k);
}

unsigned read_kinds(const JsonView& a) {
  const auto& list = a.raw().contains("kinds") ? a.raw()["kinds"] : nlohmann::json();
  if (!list.is_array() || list.empty()) a.fail("kinds", "a non-empty list of collective kinds", "something else");
  unsigned kinds = 0;
  for (const auto& k : list) {
    const std::string s = k.is_string() ? k.get<std::string>() : "";
    if (s == "all")
      kinds |= bit(CollectiveKind::all_reduce) | bit(CollectiveKind::all_gather) | bit(CollectiveKind::reduce_scatter) |
               bit(CollectiveKind::all_to_all);
    else if (s == "all_reduce")
      kinds |= bit(CollectiveKind::all_reduce);
    else if (s == "all_gather")
      kinds |= bit(CollectiveKind::all_gather);
    else if (s == "reduce_scatter")
      kinds |= bit(CollectiveKind::reduce_scatter);
    else if (s == "all_to_all")
      kinds |= bit(CollectiveKind::all_to_all);
    else
      a.fail("kinds", "all, all_reduce, all_gather, reduce_scatter or all_to_all", k.dump());
  }
  return kinds;
}

CollectiveTraffic read_traffic(const JsonView& a) {
  const std::string t = a.string("traffic");
  if (t == "ring") return CollectiveTraffic::ring;
  if (t == "switch") return CollectiveTraffic::switch_;
  if (t == "one_shot") return CollectiveTraffic::one_shot;
  if (t == "two_shot") return CollectiveTraffic::two_shot;
  if (t == "pairwise") return CollectiveTraffic::pairwise;
  a.fail("traffic", "\"ring\", \"switch\", \"one_shot\", \"two_shot\" or \"pairwise\"", "\"" + t + "\"");
}

CollectiveAlgorithm read_algorithm(const JsonView& a) {
  a.only_keys({"name", "library", "kinds", "traffic", "latency_us", "step_us", "link_fraction", "max_bytes"});
  CollectiveAlgorithm c;
  c.name = a.string("name");
  const std::string library = a.string("library");
  if (library != "nccl" && library != "custom") a.fail("library", "\"nccl\" or \"custom\"", "\"" + library + "\"");
  c.nccl = library == "nccl";
  c.kinds = read_kinds(a);
  c.traffic = read_traffic(a);
  c.latency = a.number("latency_us", 0, 1e5) * 1e-6;
  c.step = a.number("step_us", 0, 1e5) * 1e-6;
  c.link_fraction = a.number("link_fraction", 1e-4, 1);
  c.max_bytes = a.number_or("max_bytes", 0, 0, 1e15);
  return c;
}

}  // namespace

CollectiveProfile read_collectives(const JsonView& v) {
  v.only_keys({"links", "algorithms"});
  CollectiveProfile p;
  const auto& links = v.raw().contains("links") ? v.raw()["links"] : nlohmann::json();
  if (!links.is_array() || links.empty())
    v.fail("links", "a non-empty list of link kinds (\"nvlink\")", "something else");
  for (const auto& l : links) {
    if (!l.is_string()) v.fail("links", "link kinds as strings", l.dump());
    p.links.push_back(l.get<std::string>());
  }
  const auto& list = v.raw().contains("algorithms") ? v.raw()["algorithms"] : nlohmann::json();
  if (!list.is_array() || list.empty()) v.fail("algorithms", "a non-empty list of algorithms", "something else");
  for (std::size_t i = 0; i < list.size(); ++i)
    p.algorithms.push_back(
        read_algorithm(JsonView(list[i], v.source(), v.path() + "/algorithms/" + std::to_string(i))));
  return p;
}

double algorithm_seconds(const CollectiveAlgorithm& a, CollectiveKind kind, unsigned ranks, double bytes,
                         const LinkSpec& link) {
  const double n = ranks;
  const double bw = link.bandwidth * std::min(1.0, a.link_fraction * link.collective_bandwidth_scale);
  const double latency = a.latency * link.collective_latency_scale, step = a.step * link.collective_latency_scale;
  switch (a.traffic) {
    case CollectiveTraffic::ring:
      return latency + ring_steps(kind, ranks) * step + ring_traffic(kind, ranks) * bytes / bw;
    case CollectiveTraffic::switch_:
      return latency + 2 * step + bytes / bw;
    // Peer-memory kernels signal and poll a flag per peer in each phase.
    case CollectiveTraffic::one_shot:
      return latency + (n - 1) * step + (n - 1) * bytes / bw;
    case CollectiveTraffic::two_shot:
      return latency + 2 * (n - 1) * step + 2 * (n - 1) / n * bytes / bw;
    case CollectiveTraffic::pairwise:
      return latency + step + (n - 1) / n * bytes / bw;
  }
  return 0;
}

std::optional<double> engine_collective_seconds(const CollectiveProfile& p, const CollectiveQuery& q, bool nccl_only) {
  if (p.empty() || q.ranks <= 1) return std::nullopt;
  if (std::find(p.links.begin(), p.links.end(), q.intra.kind) == p.links.end() || q.intra.bandwidth <= 0)
    return std::nullopt;
  bool covered = true;
  const auto intra = [&](CollectiveKind kind, double bytes, unsigned ranks) {
    if (ranks <= 1) return 0.0;
    double best = std::numeric_limits<double>::infinity();
    for (const CollectiveAlgorithm& a : p.algorithms) {
      if (!(a.kinds & bit(kind)) || (nccl_only && !a.nccl) || (a.max_bytes > 0 && bytes > a.max_bytes)) continue;
      best = std::min(best, algorithm_seconds(a, kind, ranks, bytes, q.intra));
    }
    if (!(best < std::numeric_limits<double>::infinity())) covered = false;
    return best;
  };
  const double s = collective_seconds(q, intra);
  if (!covered) return std::nullopt;
  return s;
}

}  // namespace genz
