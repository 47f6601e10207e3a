// One prediction setup: the model, hardware and comm objects the plugins
// created, the engine profile, the layout and precision, and the predictor
// over them. Every user composes through this type (the CLI's session, sweep,
// validate, the benchmarks, the tests), so the objects a predictor points to
// always live exactly as long as it does.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "genz/engine/engine_profile.hpp"
#include "genz/engine/gguf_mix.hpp"
#include "genz/engine/host_spec.hpp"
#include "genz/engine/layout.hpp"
#include "genz/engine/predictor.hpp"
#include "genz/host/handle.hpp"
#include "genz/host/plugin_registry.hpp"

namespace genz {

class Composition {
 public:
  explicit Composition(std::shared_ptr<const PluginRegistry> registry);
  /// Destroys the predictor before the objects it points to.
  ~Composition();
  // The predictor points into this object: it stays where it was made.
  Composition(const Composition&) = delete;
  Composition& operator=(const Composition&) = delete;

  std::shared_ptr<const PluginRegistry> registry;  // keeps the plugins' libraries listed
  Handle<Model> model;
  Handle<Hardware> hardware;
  Handle<CommBackend> comm;
  EngineProfile engine;
  Layout layout;
  Precision precision;
  std::string weight_format;                     // a GGUF file type ("q4_k_m"); empty: precision.weights
  std::vector<Handle<Hardware>> other_hardware;  // further GPU kinds of a heterogeneous pipeline
  std::optional<HostSpec> host;                  // the CPU side, for layouts that offload
  std::shared_ptr<const Hardware> host_hardware;
  std::unique_ptr<Predictor> predictor;  // made by start()

  /// The weights' format as the user named it.
  std::string weights_name() const;
  /// Stores the weights as GGUF file type `f`: wraps the model (gguf_model.hpp),
  /// names the format and sets the weights' base block format.
  void use_gguf(const GgufFtype& f);
  /// Describes the CPU side (memory, cores, PCIe) offloaded layers run on.
  void set_host(const HostSpec& h);

  /// The layout rule: `p` on `nodes` x `gpus_per_node` GPUs joined by this
  /// hardware's intra-node link and `inter`, over this model's layers.
  Layout layout_for(const Parallelism& p, unsigned nodes = 0, unsigned gpus_per_node = 0,
                    const LinkSpec& inter = {}) const;
  /// A predictor's view of the parts, with another layout or precision (for
  /// the callers that compare several on the same objects).
  Components view(const Layout& l, const Precision& p) const;
  Components view() const { return view(layout, precision); }
  /// Makes the predictor over the parts, once they are all set.
  Predictor& start();
};

/// What compose() builds, by name.
struct Recipe {
  std::string model = "llama2_7b";
  std::string hardware = "rtx3090";
  std::string comm = "pcie_like";
  std::string engine = "vllm";
  std::string model_config = "{}";     // the model factory's configuration
  std::string hardware_config = "{}";  // the hardware factory's (HardwareOptions)
  Parallelism parallel;
  Precision precision;
  unsigned nodes = 0, gpus_per_node = 0;
  LinkSpec inter;
};

/// Creates every part from the registry and starts the predictor. Throws
/// genz::InputError for an unknown name or layout.
std::unique_ptr<Composition> compose(std::shared_ptr<const PluginRegistry> registry, const Recipe& r);

/// A registry with every plugin of `dir` loaded (tests, benchmarks).
std::shared_ptr<const PluginRegistry> load_plugin_directory(const std::string& dir);

}  // namespace genz
