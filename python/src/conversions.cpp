#include "conversions.hpp"

#include <dlfcn.h>

#include <filesystem>
#include <map>
#include <mutex>

#include "session.hpp"

namespace genz::python {
namespace fs = std::filesystem;

cli::Options parse_args(const std::vector<std::string>& args) {
  std::vector<const char*> argv{"genz"};
  for (const auto& a : args) argv.push_back(a.c_str());
  return cli::parse_options(static_cast<int>(argv.size()), argv.data());
}

namespace {

// The extension's own file, found from one of its functions.
fs::path module_file() {
  Dl_info info{};
  if (::dladdr(reinterpret_cast<void*>(&module_file), &info) == 0 || info.dli_fname == nullptr) return {};
  return fs::path(info.dli_fname);
}

}  // namespace

std::shared_ptr<const PluginRegistry> registry_for(const std::vector<std::string>& plugin_path) {
  static std::mutex mutex;
  static std::map<std::vector<std::string>, std::shared_ptr<const PluginRegistry>> loaded;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = loaded.find(plugin_path); it != loaded.end()) return it->second;
  auto registry = std::make_shared<PluginRegistry>();
  const fs::path module = module_file();
  // The executable of the same prefix: <prefix>/bin/genz; the search path
  // then starts at <prefix>/lib/genz/plugins, as the CLI's does.
  const fs::path stand_in =
      module.empty() ? fs::path() : (module.parent_path() / GENZ_PYTHON_TO_PREFIX / "bin" / "genz").lexically_normal();
  cli::load_plugins(*registry, plugin_path, stand_in);
  loaded.emplace(plugin_path, registry);
  return registry;
}

}  // namespace genz::python
