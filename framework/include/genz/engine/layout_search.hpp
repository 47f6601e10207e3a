// Finding the smallest standard layout that fits a request in GPU memory.
#pragma once

#include <optional>
#include <string>

#include "genz/engine/engine_profile.hpp"
#include "genz/engine/layout.hpp"
#include "genz/engine/memory_model.hpp"

namespace genz {

struct SearchSpace {
  LinkSpec intra, inter;
  unsigned gpus_per_node = 8;  // TP stays inside a node
  unsigned nodes = 0;          // 0: as many as needed
  unsigned max_gpus = 4096;
};

struct LayoutChoice {
  Parallelism parallel;
  Layout layout;
  MemoryEstimate memory;
};

/// Tries TP in {1, 2, 4, 8, ...} up to a node, PP over the layers, and for
/// mixture-of-experts models EP over the TP group; fewest GPUs first, then
/// more TP before more PP (lower latency). nullopt when nothing fits.
std::optional<LayoutChoice> smallest_fitting_layout(const Model& model, const HardwareSpec& hw,
                                                    const EngineProfile& engine, const Precision& precision,
                                                    const Request& r, const SearchSpace& space);

std::string describe_parallel(const Parallelism& p);

}  // namespace genz
