// PCIe: every transfer crosses the host's root complex (no NVLink).
//
// Two forms, chosen by what was fitted for the part (genz::LinkSpec):
//
// Host-staged (consumer GPUs, no peer-to-peer; step_latency == 0): NCCL moves
// every chunk GPU -> pinned host memory -> GPU, each ring step a copy with its
// own synchronisation, so the latency is that of a two-rank all-reduce scaled
// by steps(n) / 2. Fitted in data/calibration/rtx3090.json.
//
// Peer-to-peer (data-center PCIe servers; step_latency > 0): NCCL's protocols
// as its tuner picks them, the faster of
//   Simple: latency + steps x step_latency + traffic x bytes / bw
//   LL:     ll_latency + steps x step_latency + traffic x bytes / (bw x ll_fraction)
// all-to-all being point to point (p2p_latency + (n - 1) x step_latency +
// (n - 1) / n x bytes / bw, one protocol). All GPUs' rings share the root
// complex, so bw = link bandwidth x efficiency x (2 / n)^contention: the
// L40S server's NCCL table (../shared/data/aiconfigurator-kernels/l40s) runs
// at 20, 5 and 1.4 GB/s of bus bandwidth on 2, 4 and 8 GPUs. Fitted by
// data/calibration/fit_collectives.py. Across nodes: genz::collective_seconds.
#include <algorithm>
#include <cmath>
#include <memory>

#include "genz/sdk/comm.hpp"
#include "genz/sdk/plugin.hpp"

namespace {

double host_staged(const genz::LinkSpec& link, genz::CollectiveKind kind, double bytes, unsigned n) {
  const double latency = link.latency * genz::ring_steps(kind, n) / 2.0;
  return latency + genz::ring_traffic(kind, n) * bytes / (link.bandwidth * link.efficiency);
}

double peer_to_peer(const genz::LinkSpec& link, genz::CollectiveKind kind, double bytes, unsigned n) {
  const double bw = link.bandwidth * link.efficiency * std::pow(2.0 / std::max(2u, n), link.contention);
  const double traffic = genz::ring_traffic(kind, n) * bytes;
  if (kind == genz::CollectiveKind::all_to_all) {
    const double latency = link.p2p_latency > 0 ? link.p2p_latency : link.latency;
    return latency + (n - 1) * link.step_latency + traffic / bw;
  }
  const double steps = genz::ring_steps(kind, n) * link.step_latency;
  const double simple = link.latency + steps + traffic / bw;
  if (link.ll_latency <= 0) return simple;
  return std::min(simple, link.ll_latency + steps + traffic / (bw * link.ll_fraction));
}

class PcieLike final : public genz::CommBackend {
 public:
  genz::OpCost time(const genz::CollectiveQuery& q) const noexcept override {
    const genz::LinkSpec& link = q.intra;
    auto intra = [&](genz::CollectiveKind kind, double bytes, unsigned n) {
      if (n <= 1) return 0.0;
      return link.step_latency > 0 ? peer_to_peer(link, kind, bytes, n) : host_staged(link, kind, bytes, n);
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
  r.add("pcie_like", "PCIe: NCCL host-staged or peer-to-peer through a shared root complex",
        genz::factory<genz::CommBackend, make>(), nullptr, "pcie,ethernet");
}

}  // namespace

GENZ_PLUGIN(GENZ_KIND_COMM, "pcie_like", "1.1.0", register_backend)
