// One run's composition: the plugins found, and the model, hardware, comm
// backend, engine, cluster and layout chosen from the options.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "genz/engine/cluster.hpp"
#include "genz/engine/composition.hpp"
#include "genz/engine/engine_profile.hpp"
#include "genz/engine/layout.hpp"
#include "genz/engine/memory_model.hpp"
#include "genz/engine/predictor.hpp"
#include "genz/host/handle.hpp"
#include "genz/host/plugin_registry.hpp"
#include "options.hpp"

namespace genz::cli {

/// The composition the command line asked for, with what the CLI decided on
/// the way (the registry is shared by the sessions of a sweep).
struct Session : Composition {
  explicit Session(std::shared_ptr<const PluginRegistry> r) : Composition(std::move(r)) {}
  ClusterSpec cluster;
  std::optional<double> inter_latency;  // --inter-node-latency, seconds: applies to any inter-node link used
  MemoryEstimate memory;                // of the `largest` request open_session was given, on `layout`
  std::vector<std::string> notes;       // choices genz made for the user, shown once
};

/// Loads the plugins on the search path (see search_path.hpp).
void load_plugins(PluginRegistry& registry, const Options& o);
/// The same for a caller that is not the genz executable (the Python module):
/// `executable` is where genz would be in the same install prefix.
void load_plugins(PluginRegistry& registry, const std::vector<std::string>& plugin_paths,
                  const std::filesystem::path& executable);

/// Builds everything; `largest` is the biggest request of the run, used to
/// check that the layout fits in memory (or to choose one when none was given).
std::unique_ptr<Session> open_session(const Options& o, const Request& largest);
/// The same with plugins already loaded: a sweep composes many sessions from one registry.
std::unique_ptr<Session> open_session(std::shared_ptr<const PluginRegistry> registry, const Options& o,
                                      const Request& largest);

/// What `gpus` of this session's GPUs have of their node's network to another
/// node (one NIC per GPU, as in the cluster presets): --cluster or
/// --inter-node-bw, else the preset of the same hardware, else 100 Gb/s
/// InfiniBand (an assumption it notes). The KV hand-over of disaggregated serving.
LinkSpec network_share(Session& s, unsigned gpus);

/// The original tool's --system names, mapped to genz hardware names.
std::string hardware_for_system(const std::string& system);

// The pieces open_session composes, for commands that need only some.
Handle<Model> open_model(const PluginRegistry& registry, const Options& o);
EngineProfile open_engine(const Options& o);
Precision choose_precision(const ModelInfo& model, const HardwareSpec& hw, const Options& o,
                           std::vector<std::string>& notes);
/// --host, else the cluster file's host; nullopt when neither describes one.
std::optional<HostSpec> open_host(const Options& o, const ClusterSpec& cluster);
/// nv_like for NVLink-class links, pcie_like otherwise.
std::string default_comm(const LinkSpec& link);

}  // namespace genz::cli
