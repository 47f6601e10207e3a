#include "genz/engine/cluster.hpp"

#include "builtin_list.hpp"
#include "genz/host/error.hpp"

namespace genz_embedded {
extern const File cluster_files[];
extern const std::size_t cluster_files_count;
}  // namespace genz_embedded

namespace genz {
namespace {

LinkSpec read_intra(const JsonView& v) {
  LinkSpec l;
  l.kind = v.string_or("kind", "pcie");
  l.bandwidth = v.number("bandwidth_GBps", 1e-3, 1e5) * 1e9;
  l.latency = v.number_or("latency_us", 10, 0, 1e5) * 1e-6;
  l.efficiency = v.number_or("efficiency", 0.8, 1e-3, 1.0);
  return l;
}

LinkSpec read_inter(const JsonView& v) {
  LinkSpec l;
  l.kind = v.string_or("kind", "infiniband");
  const double gbps = v.number("bandwidth_Gbps", 1e-3, 1e5);
  const double nics = static_cast<double>(v.integer_or("nics_per_node", 1, 1, 64));
  l.bandwidth = gbps / 8.0 * 1e9 * nics;
  l.latency = v.number_or("latency_us", 15, 0, 1e5) * 1e-6;
  l.efficiency = v.number_or("efficiency", 0.85, 1e-3, 1.0);
  return l;
}

// "gpus": [{"hardware": "rtx3090", "count": 12}, {"hardware": "rtx4090"}]
void read_gpus(const JsonView& v, ClusterSpec& c) {
  const nlohmann::json& list = v.raw().at("gpus");
  if (!list.is_array() || list.empty())
    v.fail("gpus", "a non-empty list of {\"hardware\", \"count\"}", "something else");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const JsonView e(list[i], v.source(), v.path() + "gpus/" + std::to_string(i) + "/");
    e.only_keys({"hardware", "count"});
    const std::string hw = e.string("hardware");
    const auto count = e.integer_or("count", 1, 1, 1024);
    if (c.gpus.size() + count > 100000) e.fail("count", "at most 100000 GPUs in all", std::to_string(count));
    c.gpus.insert(c.gpus.end(), static_cast<std::size_t>(count), hw);
  }
  if (c.hardware.empty()) c.hardware = c.gpus.front();
  if (c.gpus_per_node == 0 && c.nodes == 1) c.gpus_per_node = static_cast<unsigned>(c.gpus.size());
  if (static_cast<std::size_t>(c.nodes) * c.gpus_per_node != c.gpus.size())
    v.fail("gpus", std::to_string(c.nodes) + " x " + std::to_string(c.gpus_per_node) + " GPUs (nodes x gpus_per_node)",
           std::to_string(c.gpus.size()));
}

}  // namespace

ClusterSpec cluster_from_text(const std::string& text, const std::string& source) {
  const auto doc = parse_json(text, source);
  const JsonView v(doc, source);
  ClusterSpec c;
  c.name = v.string_or("name", source);
  c.hardware = v.string_or("hardware", "");
  c.comm = v.string_or("comm", "");
  c.nodes = static_cast<unsigned>(v.integer_or("nodes", 1, 1, 100000));
  c.gpus_per_node = static_cast<unsigned>(v.integer_or("gpus_per_node", 0, 0, 1024));
  if (v.has("intra_node")) c.intra = read_intra(v.object("intra_node"));
  if (v.has("inter_node")) c.inter = read_inter(v.object("inter_node"));
  if (v.has("host")) c.host = host_from_json(v.object("host"));
  if (v.has("gpus")) read_gpus(v, c);
  if (c.nodes > 1 && c.inter.bandwidth <= 0)
    v.fail("inter_node", "a link description for a cluster of " + std::to_string(c.nodes) + " nodes", "nothing");
  return c;
}

const std::vector<ClusterSpec>& builtin_clusters() {
  static const std::vector<ClusterSpec> clusters = parse_builtins<ClusterSpec>(
      genz_embedded::cluster_files, genz_embedded::cluster_files_count, "cluster", cluster_from_text);
  return clusters;
}

const ClusterSpec* find_cluster(const std::string& name) {
  return find_named(builtin_clusters(), name);
}

std::string cluster_names() {
  return joined_names(builtin_clusters());
}

}  // namespace genz
