#include "genz/engine/composition.hpp"

#include "genz/engine/gguf_model.hpp"
#include "genz/host/error.hpp"

namespace genz {

Composition::Composition(std::shared_ptr<const PluginRegistry> r) : registry(std::move(r)) {}

Composition::~Composition() {
  predictor.reset();
}

std::string Composition::weights_name() const {
  return weight_format.empty() ? std::string(name_of(precision.weights)) : weight_format;
}

void Composition::use_gguf(const GgufFtype& f) {
  model = with_gguf_ftype(model, f);
  weight_format = f.name;
  precision.weights = f.base;
}

void Composition::set_host(const HostSpec& h) {
  host = h;
  host_hardware = host_hardware_of(h);
}

Layout Composition::layout_for(const Parallelism& p, unsigned nodes, unsigned gpus_per_node,
                               const LinkSpec& inter) const {
  return make_layout(p, nodes, gpus_per_node, hardware->spec().intra_node, inter, model->info().layers);
}

Components Composition::view(const Layout& l, const Precision& p) const {
  Components c;
  c.model = model.get();
  c.hardware = hardware.get();
  c.comm = comm.get();
  c.engine = &engine;
  c.layout = l;
  c.precision = p;
  c.names = {model.plugin(), hardware.plugin(), comm.plugin()};
  if (host && host_hardware)
    c.cpu = {host_hardware.get(), host->pcie_bandwidth(), host->pcie_latency, engine.offload_gpu_batch};
  return c;
}

Predictor& Composition::start() {
  if (!model || !hardware || !comm) throw Error("a composition needs a model, hardware and a comm backend");
  predictor = std::make_unique<Predictor>(view());
  return *predictor;
}

std::unique_ptr<Composition> compose(std::shared_ptr<const PluginRegistry> registry, const Recipe& r) {
  auto c = std::make_unique<Composition>(std::move(registry));
  c->model = c->registry->create<Model>(PluginKind::model, r.model, r.model_config);
  c->hardware = c->registry->create<Hardware>(PluginKind::hardware, r.hardware, r.hardware_config);
  c->comm = c->registry->create<CommBackend>(PluginKind::comm, r.comm);
  const EngineProfile* engine = find_engine(r.engine);
  if (engine == nullptr) throw InputError("unknown engine '" + r.engine + "'; built-in engines: " + engine_names());
  c->engine = *engine;
  c->precision = r.precision;
  c->layout = c->layout_for(r.parallel, r.nodes, r.gpus_per_node, r.inter);
  c->start();
  return c;
}

std::shared_ptr<const PluginRegistry> load_plugin_directory(const std::string& dir) {
  auto r = std::make_shared<PluginRegistry>();
  r->load_directory(dir);
  return r;
}

}  // namespace genz
