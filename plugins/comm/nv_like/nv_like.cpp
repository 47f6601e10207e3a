// NVLink / NVSwitch-style fabrics (also AMD Infinity Fabric, TPU ICI): every
// GPU has dedicated links into a non-blocking switch or to its peers.
//
// Latency: NCCL's low-latency protocols run a collective as one kernel whose
// time on small messages hardly depends on the number of ranks; on the DGX
// A100/H100 timings in ../shared/data/vidur-profiling/network a constant
// latency fits better (median error 6-7 %) than one growing per ring step
// (12-14 %). Bandwidth: the ring's traffic factor (2(n-1)/n for all-reduce)
// over the per-direction link bandwidth times the achieved efficiency.
// Groups running at once in a node do not slow each other (non-blocking
// switch). Across nodes: genz::collective_seconds (hierarchical).
#include <memory>

#include "genz/sdk/comm.hpp"
#include "genz/sdk/plugin.hpp"

namespace {

class NvLike final : public genz::CommBackend {
 public:
  genz::OpCost time(const genz::CollectiveQuery& q) const noexcept override {
    const genz::LinkSpec& link = q.intra;
    auto intra = [&](genz::CollectiveKind kind, double bytes, unsigned n) {
      if (n <= 1) return 0.0;
      return link.latency + genz::ring_traffic(kind, n) * bytes / (link.bandwidth * link.efficiency);
    };
    genz::OpCost c;
    c.bound = genz::Bound::communication;
    c.seconds = c.memory_seconds = genz::collective_seconds(q, intra);
    return c;
  }
};

std::unique_ptr<genz::CommBackend> make(const void*, std::string_view) {
  return std::make_unique<NvLike>();
}

void register_backend(genz::Registrar& r) {
  r.add("nv_like", "NVLink/NVSwitch-style: constant latency, ring bandwidth, non-blocking switch",
        genz::factory<genz::CommBackend, make>(), nullptr, "nvlink,xgmi,ici");
}

}  // namespace

GENZ_PLUGIN(GENZ_KIND_COMM, "nv_like", "1.0.0", register_backend)
