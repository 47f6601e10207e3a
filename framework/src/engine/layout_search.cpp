#include "genz/engine/layout_search.hpp"
#include "genz/engine/stage_split.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "genz/sdk/json_view.hpp"

namespace genz {

std::string describe_parallel(const Parallelism& p) {
  std::string s = "--tp " + std::to_string(p.tp) + " --pp " + std::to_string(p.pp);
  if (p.ep > 1) s += " --ep " + std::to_string(p.ep);
  return s;
}

std::optional<LayoutChoice> smallest_fitting_layout(const Model& model, const HardwareSpec& hw,
                                                    const EngineProfile& engine, const Precision& precision,
                                                    const Request& r, const SearchSpace& space) {
  const ModelInfo& info = model.info();
  std::vector<Parallelism> candidates;
  // 64-bit counters: a gpus_per_node near 2^31 must end the loop, not wrap.
  for (std::uint64_t tp = 1; tp <= space.gpus_per_node; tp *= 2)
    for (std::uint64_t pp = 1; pp <= info.layers && tp * pp <= space.max_gpus; ++pp) {
      Parallelism p;
      p.tp = static_cast<unsigned>(tp);
      p.pp = static_cast<unsigned>(pp);
      candidates.push_back(p);
      if (info.experts > 0 && tp > 1 && info.experts % tp == 0) {
        p.ep = p.tp;  // experts spread over the TP group
        candidates.push_back(p);
      }
    }
  std::stable_sort(candidates.begin(), candidates.end(), [](const Parallelism& a, const Parallelism& b) {
    if (a.tp * a.pp != b.tp * b.pp) return a.tp * a.pp < b.tp * b.pp;
    if (a.pp != b.pp) return a.pp < b.pp;
    return a.ep > b.ep;  // expert parallel holds fewer expert bytes per GPU
  });
  for (const Parallelism& p : candidates) {
    if (!model.check(p)) continue;
    const unsigned world = p.world();
    const unsigned gpn = std::min(space.gpus_per_node, world);
    const unsigned nodes = (world + gpn - 1) / gpn;
    if (space.nodes > 0 && nodes > space.nodes) continue;
    if (nodes > 1 && space.inter.bandwidth <= 0) continue;
    if (gpn > 1 && !(space.intra.bandwidth > 0)) continue;  // GPUs of a node that cannot talk
    try {
      Layout l = make_layout(p, nodes, gpn, space.intra, space.inter, info.layers);
      MemoryEstimate m = estimate_memory(model, l, precision, engine, hw, r);
      if (m.fits()) return LayoutChoice{p, std::move(l), m};
      // The even split does not fit: an uneven one may.
      if (auto split = balanced_stage_split(model, l, precision, engine, hw, r)) {
        set_stage_layers(l, *split, info.layers, "the balanced split");
        m = estimate_memory(model, l, precision, engine, hw, r);
        if (m.fits()) return LayoutChoice{p, std::move(l), m};
      }
    } catch (const InputError&) {
      continue;
    }
  }
  return std::nullopt;
}

}  // namespace genz
