#include "bench_support.hpp"

namespace genz::bench {

std::unique_ptr<Composition> make_setup(const std::string& model, const std::string& hardware, const std::string& comm,
                                        const std::string& engine, Parallelism p, unsigned nodes,
                                        unsigned gpus_per_node, Precision precision, LinkSpec inter,
                                        const std::string& model_config) {
  static const auto registry = load_plugin_directory(GENZ_BENCH_PLUGIN_DIR);
  Recipe r;
  r.model = model;
  r.hardware = hardware;
  r.comm = comm;
  r.engine = engine;
  r.parallel = p;
  r.nodes = nodes;
  r.gpus_per_node = gpus_per_node;
  r.precision = precision;
  r.inter = inter;
  r.model_config = model_config;
  return compose(registry, r);
}

}  // namespace genz::bench
