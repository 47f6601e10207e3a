#include "genz/host/hardware_check.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace genz {
namespace {

// Bounds as wide as hardware_json.hpp's: they catch unit mistakes and
// garbage, not unusual parts.
constexpr double kMaxFlops = 1e17, kMaxBytesPerS = 1e14, kMaxBytes = 1e14;

std::string out_of_range(const char* field, double v, double lo, double hi) {
  if (std::isfinite(v) && v >= lo && v <= hi) return "";
  std::ostringstream s;
  s << field << " = " << v << ": expected a number in [" << lo << ", " << hi << "]";
  return s.str();
}

}  // namespace

std::string hardware_spec_problem(const HardwareSpec& s) {
  if (s.name.empty()) return "name: expected a name, found an empty one";
  double best = 0;
  for (std::size_t i = 0; i < s.peak.size(); ++i) {
    if (auto w = out_of_range("peak (FLOP/s)", s.peak[i], 0, kMaxFlops); !w.empty()) return w;
    if (auto w = out_of_range("peak_acc16 (FLOP/s)", s.peak_acc16[i], 0, kMaxFlops); !w.empty()) return w;
    best = std::max(best, s.peak[i]);
  }
  if (!(best > 0)) return "peak: expected a tensor peak for at least one format, found none";
  const AchievedSpec& a = s.achieved;
  const LinkSpec& l = s.intra_node;
  for (const std::string& w :
       {out_of_range("memory_bytes", s.memory_bytes, 1, kMaxBytes),
        out_of_range("memory_bandwidth (B/s)", s.memory_bandwidth, 1e6, kMaxBytesPerS),
        out_of_range("vector_flops", s.vector_flops, 0, kMaxFlops), out_of_range("l2_bytes", s.l2_bytes, 0, kMaxBytes),
        out_of_range("intra_node.bandwidth (B/s)", l.bandwidth, 0, kMaxBytesPerS),
        out_of_range("intra_node.latency (s)", l.latency, 0, 0.1),
        out_of_range("intra_node.efficiency", l.efficiency, 1e-3, 1.0),
        out_of_range("achieved.compute_fraction", a.compute_fraction, 1e-3, 1.5),
        out_of_range("achieved.bandwidth_fraction", a.bandwidth_fraction, 1e-3, 1.0),
        out_of_range("achieved.kernel_overhead (s)", a.kernel_overhead, 0, 0.01),
        out_of_range("achieved.overlap_exponent", a.overlap_exponent, 1.0, 64.0),
        out_of_range("achieved.cta_bandwidth (B/s)", a.cta_bandwidth, 0, kMaxBytesPerS),
        out_of_range("achieved.attention_fraction", a.attention_fraction, 1e-3, 1.5)})
    if (!w.empty()) return w;
  return "";
}

double assumed_link_latency(const std::string& kind) {
  // Fitted all-reduce latency: H100 NVLink 27.4 us, RTX 3090 PCIe 22.8 us
  // (data/calibration/h100.json, data/calibration/rtx3090.json).
  const bool nvlink_class = kind == "nvlink" || kind == "xgmi" || kind == "ici";
  return nvlink_class ? 27.4e-6 : 22.8e-6;
}

}  // namespace genz
