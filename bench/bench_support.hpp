// Shared setup for the benchmarks: plugins from the build tree, composed as
// the CLI composes them (genz::compose).
#pragma once

#include <memory>
#include <string>

#include "genz/engine/composition.hpp"

namespace genz::bench {

/// model/hardware/comm/engine names; layout on `nodes` x `gpus_per_node`.
std::unique_ptr<Composition> make_setup(const std::string& model, const std::string& hardware, const std::string& comm,
                                        const std::string& engine, Parallelism p, unsigned nodes,
                                        unsigned gpus_per_node, Precision precision, LinkSpec inter = {},
                                        const std::string& model_config = "{}");

}  // namespace genz::bench
