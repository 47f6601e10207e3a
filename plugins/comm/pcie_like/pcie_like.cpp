// PCIe through the host bridge (consumer GPUs: no NVLink, no peer-to-peer):
// NCCL moves every chunk GPU -> pinned host memory -> GPU.
//
// Latency: each ring step is a host-staged copy with its own synchronisation
// (proxy thread, PCIe round trips), so latency grows with the ring's steps:
// the link's latency is that of a two-rank all-reduce (two steps) and scales
// by steps(n) / 2. Bandwidth: the ring's traffic factor over the x16 link's
// bandwidth times the achieved efficiency (staging through host memory keeps
// it well below 31.5 GB/s; fitted in data/calibration/rtx3090.json). Not
// modelled: contention of several groups on one CPU's root complex (no
// measurement to size it). Across nodes: genz::collective_seconds.
#include <memory>

#include "genz/sdk/comm.hpp"
#include "genz/sdk/plugin.hpp"

namespace {

class PcieLike final : public genz::CommBackend {
 public:
  genz::OpCost time(const genz::CollectiveQuery& q) const noexcept override {
    const genz::LinkSpec& link = q.intra;
    auto intra = [&](genz::CollectiveKind kind, double bytes, unsigned n) {
      if (n <= 1) return 0.0;
      const double latency = link.latency * genz::ring_steps(kind, n) / 2.0;
      return latency + genz::ring_traffic(kind, n) * bytes / (link.bandwidth * link.efficiency);
    };
    genz::OpCost c;
    c.bound = genz::Bound::communication;
    c.seconds = c.memory_seconds = genz::collective_seconds(q, intra);
    return c;
  }
};

std::unique_ptr<genz::CommBackend> make(const void*, std::string_view) {
  return std::make_unique<PcieLike>();
}

void register_backend(genz::Registrar& r) {
  r.add("pcie_like", "PCIe via the host bridge: latency per ring step, host-staged bandwidth",
        genz::factory<genz::CommBackend, make>(), nullptr, "pcie,ethernet");
}

}  // namespace

GENZ_PLUGIN(GENZ_KIND_COMM, "pcie_like", "1.0.0", register_backend)
