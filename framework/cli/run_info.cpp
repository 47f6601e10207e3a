#include "run_info.hpp"

#include <cstdio>

#include "genz/sdk/version.hpp"

namespace genz::cli {
namespace {

std::string billions(double params) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f B", params / 1e9);
  return buf;
}

}  // namespace

RunInfo run_info(const Session& s, const Options& o, const std::string& trace, bool has_measurements) {
  RunInfo r;
  const ModelInfo& m = s.model->info();
  r.title = !o.title.empty() ? o.title : m.name + " on " + s.hardware->spec().name + " (" + describe(s.layout) + ")";
  r.has_measurements = has_measurements;
  auto add = [&](const char* k, const std::string& v) { r.config.emplace_back(k, v); };
  add("model", m.name);
  add("parameters", billions(m.params_total) + " total, " + billions(m.params_active) + " active per token");
  add("model plugin", s.model.plugin());
  add("hardware",
      s.hardware->spec().display_name + " (" + s.hardware->spec().name + ", plugin " + s.hardware.plugin() + ")");
  add("layout", describe(s.layout));
  add("comm backend", s.comm.name());
  add("engine", s.engine.name + (s.engine.version.empty() ? "" : " " + s.engine.version) + ": " + s.engine.description);
  add("precision", "weights " + s.weights_name() + ", activations " + std::string(name_of(s.precision.activations)) +
                       ", KV cache " + std::string(name_of(s.precision.kv_cache)));
  if (!trace.empty()) add("trace", trace);
  add("genz", GENZ_SDK_VERSION_STRING);
  return r;
}

}  // namespace genz::cli
