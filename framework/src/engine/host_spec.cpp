#include "genz/engine/host_spec.hpp"

#include "builtin_list.hpp"
#include "genz/host/error.hpp"

namespace genz_embedded {
extern const File host_files[];
extern const std::size_t host_files_count;
}  // namespace genz_embedded

namespace genz {

double HostSpec::pcie_bandwidth() const noexcept {
  // GT/s per lane by generation (PCI-SIG base specifications 3.0-6.0).
  static constexpr double kGts[] = {0, 2.5, 5, 8, 16, 32, 64};
  const unsigned g = pcie_generation < 7 ? pcie_generation : 6;
  const double encoding = g >= 3 ? 128.0 / 130.0 : 0.8;
  return kGts[g] * 1e9 / 8.0 * encoding * pcie_lanes;
}

HostSpec host_from_json(const JsonView& v) {
  v.only_keys({"name", "description", "sockets", "cores", "clock_GHz", "flops_per_cycle_per_core", "memory", "achieved",
               "pcie"});
  HostSpec h;
  h.name = v.string("name");
  h.description = v.string_or("description", "");
  h.sockets = static_cast<unsigned>(v.integer_or("sockets", 1, 1, 16));
  h.cores = static_cast<unsigned>(v.integer("cores", 1, 4096));
  h.clock = v.number("clock_GHz", 0.1, 10) * 1e9;
  h.flops_per_cycle = v.number("flops_per_cycle_per_core", 1, 4096);
  const JsonView m = v.object("memory");
  m.only_keys({"kind", "channels", "MTps", "capacity_GiB"});
  h.memory_kind = m.string_or("kind", "");
  h.channels = static_cast<unsigned>(m.integer("channels", 1, 256));
  h.transfers_per_second = m.number("MTps", 100, 20000) * 1e6;
  h.memory_bytes = m.number("capacity_GiB", 1, 1e6) * 1073741824.0;
  const JsonView a = v.object("achieved");
  a.only_keys({"bandwidth_fraction", "compute_fraction", "op_overhead_us"});
  h.bandwidth_fraction = a.number("bandwidth_fraction", 0.01, 1);
  h.compute_fraction = a.number("compute_fraction", 0.01, 1);
  h.op_overhead = a.number_or("op_overhead_us", 5, 0, 1e4) * 1e-6;
  if (v.has("pcie")) {
    const JsonView p = v.object("pcie");
    p.only_keys({"generation", "lanes", "latency_us"});
    h.pcie_generation = static_cast<unsigned>(p.integer_or("generation", 4, 1, 6));
    h.pcie_lanes = static_cast<unsigned>(p.integer_or("lanes", 16, 1, 32));
    h.pcie_latency = p.number_or("latency_us", 10, 0, 1e4) * 1e-6;
  }
  return h;
}

HostSpec host_from_text(const std::string& text, const std::string& source) {
  const auto doc = parse_json(text, source);
  return host_from_json(JsonView(doc, source));
}

const std::vector<HostSpec>& builtin_hosts() {
  static const std::vector<HostSpec> hosts =
      parse_builtins<HostSpec>(genz_embedded::host_files, genz_embedded::host_files_count, "host", host_from_text);
  return hosts;
}

const HostSpec* find_host(const std::string& name) {
  return find_named(builtin_hosts(), name);
}

std::string host_names() {
  return joined_names(builtin_hosts());
}

std::unique_ptr<Hardware> host_hardware_of(const HostSpec& h) {
  HardwareSpec s;
  s.name = h.name;
  s.display_name = h.description.empty() ? h.name : h.description;
  s.vendor = "cpu";
  // The cores do every format at their vector rate (AVX-512/AMX differences
  // are folded into flops_per_cycle).
  for (DType t : kAllDTypes) s.peak[index_of(t)] = h.peak_flops();
  s.vector_flops = h.peak_flops();
  s.compute_units = h.cores;
  s.memory_bytes = h.memory_bytes;
  s.memory_bandwidth = h.memory_bandwidth();
  s.achieved.bandwidth_fraction = h.bandwidth_fraction;
  s.achieved.compute_fraction = h.compute_fraction;
  s.achieved.attention_fraction = h.compute_fraction;
  s.achieved.kernel_overhead = h.op_overhead;
  return std::make_unique<RooflineHardware>(std::move(s));
}

}  // namespace genz
