// Shared setup for the benchmarks: plugins from the build tree, composed as
// the CLI would compose them.
#pragma once

#include <memory>
#include <string>

#include "genz/engine_profile.hpp"
#include "genz/handle.hpp"
#include "genz/layout.hpp"
#include "genz/plugin_registry.hpp"
#include "genz/predictor.hpp"

namespace genz::bench {

struct Setup {
  PluginRegistry registry;
  Handle<Model> model;
  Handle<Hardware> hardware;
  Handle<CommBackend> comm;
  EngineProfile engine;
  Components components;
};

/// model/hardware/comm/engine names; layout on `nodes` x `gpus_per_node`.
std::unique_ptr<Setup> make_setup(const std::string& model, const std::string& hardware, const std::string& comm,
                                  const std::string& engine, Parallelism p, unsigned nodes, unsigned gpus_per_node,
                                  Precision precision, LinkSpec inter = {});

}  // namespace genz::bench
