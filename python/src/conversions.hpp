// Conversions between the CLI's flags and Python's keyword arguments, and the
// registries the module keeps (plugins load once per search path).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "genz/host/plugin_registry.hpp"
#include "options.hpp"

namespace genz::python {

/// Parses CLI-style arguments ("--model", "llama2_7b", ...) with the CLI's own
/// parser: the same names, defaults, bounds and messages.
cli::Options parse_args(const std::vector<std::string>& args);

/// The plugins on the search path of a module installed at its place:
/// <prefix>/lib/genz/plugins first, then plugin_path, then GENZ_PLUGIN_PATH.
/// Loaded once per distinct plugin_path and shared (read-only) afterwards.
std::shared_ptr<const PluginRegistry> registry_for(const std::vector<std::string>& plugin_path);

}  // namespace genz::python
