// The genz commands; each returns the process exit code.
#pragma once

#include <memory>
#include <string>

#include "genz/host/plugin_registry.hpp"
#include "options.hpp"

namespace genz::cli {

int run_predict(const Options& o);
int run_plugins(const Options& o);
int run_memory(const Options& o);
int run_calibrate(const Options& o);
int run_validate(const Options& o);
int run_make_trace(const Options& o);
int run_sweep(const Options& o);
int run_simulate(const Options& o);
int run_plan(const Options& o);

// The documents the commands print with --json, for callers that hold a
// loaded registry (the Python module): the same code as the commands.
/// `genz [predict] ... --json` for one request.
std::string predict_json(const Options& o, std::shared_ptr<const PluginRegistry> registry);
/// `genz --trace FILE ... --json` (reports are written only when o.reports names some).
std::string trace_json(const Options& o, std::shared_ptr<const PluginRegistry> registry);
/// `genz sweep AXES ... --json`.
std::string sweep_json(const Options& o, std::shared_ptr<const PluginRegistry> registry);

}  // namespace genz::cli
