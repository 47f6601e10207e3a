#include "bench_support.hpp"

namespace genz::bench {

std::unique_ptr<Setup> make_setup(const std::string& model, const std::string& hardware, const std::string& comm,
                                  const std::string& engine, Parallelism p, unsigned nodes, unsigned gpus_per_node,
                                  Precision precision, LinkSpec inter) {
  auto s = std::make_unique<Setup>();
  s->registry.load_directory(GENZ_BENCH_PLUGIN_DIR);
  s->model = s->registry.create<Model>(PluginKind::model, model);
  s->hardware = s->registry.create<Hardware>(PluginKind::hardware, hardware);
  s->comm = s->registry.create<CommBackend>(PluginKind::comm, comm);
  s->engine = *find_engine(engine);
  Components& c = s->components;
  c.model = s->model.get();
  c.hardware = s->hardware.get();
  c.comm = s->comm.get();
  c.engine = &s->engine;
  c.layout = make_layout(p, nodes, gpus_per_node, s->hardware->spec().intra_node, inter, s->model->info().layers);
  c.precision = precision;
  c.names = {s->model.plugin(), s->hardware.plugin(), s->comm.plugin()};
  return s;
}

}  // namespace genz::bench
