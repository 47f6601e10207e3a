// The CPU side of a machine, for weights offloaded to CPU memory: cores and
// their vector throughput, memory channels, and the PCIe link to the GPUs.
// Presets are data (data/hosts/); a cluster file may carry one ("host").
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "genz/sdk/hardware.hpp"
#include "genz/sdk/json_view.hpp"

namespace genz {

struct HostSpec {
  std::string name;
  std::string description;
  unsigned sockets = 1;
  unsigned cores = 0;               // all sockets
  double clock = 0;                 // Hz, all-core
  double flops_per_cycle = 0;       // per core: FMA units x lanes x 2 (fp32)
  std::string memory_kind;          // "DDR5-4800"
  unsigned channels = 0;            // all sockets
  double transfers_per_second = 0;  // MT/s x 1e6
  double memory_bytes = 0;          // installed
  double bandwidth_fraction = 0;    // of the channels' peak a decode kernel achieves
  double compute_fraction = 0;      // of the cores' peak a matrix kernel achieves
  double op_overhead = 0;           // s per operator (thread-pool dispatch and barrier)
  unsigned pcie_generation = 4;
  unsigned pcie_lanes = 16;
  double pcie_latency = 10e-6;  // s per transfer

  double memory_bandwidth() const noexcept { return channels * transfers_per_second * 8.0; }
  double peak_flops() const noexcept { return cores * clock * flops_per_cycle; }
  /// One direction, after 128b/130b (Gen3+) encoding.
  double pcie_bandwidth() const noexcept;
};

HostSpec host_from_json(const JsonView& v);
HostSpec host_from_text(const std::string& text, const std::string& source);
const std::vector<HostSpec>& builtin_hosts();
const HostSpec* find_host(const std::string& name);
std::string host_names();

/// The CPU as a roofline "hardware" for the operators it runs.
std::unique_ptr<Hardware> host_hardware_of(const HostSpec& h);

}  // namespace genz
