// genz plugins            every plugin found, what each provides, every rejected file
// genz plugins info FILE  one file's plugin info, checked as the loader does
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "genz/error.hpp"
#include "genz/plugin_registry.hpp"
#include "genz/sdk/version.hpp"
#include "session.hpp"

namespace genz::cli {
namespace {

void print_library(const LibraryInfo& l, const PluginRegistry& r) {
  char line[512];
  std::snprintf(line, sizeof line, "  %-9s %-12s %-8s %s\n", std::string(kind_name(l.kind)).c_str(), l.name.c_str(),
                l.version.c_str(), l.path.c_str());
  std::cout << line;
  std::string names;
  for (const auto& e : l.entries) {
    const Entry* entry = r.find(l.kind, e);
    names += (names.empty() ? "" : ", ") + e;
    if (entry && !entry->aliases.empty()) {
      names += " (";
      for (std::size_t i = 0; i < entry->aliases.size(); ++i) names += (i ? ", " : "") + entry->aliases[i];
      names += ")";
    }
  }
  std::cout << "            provides: " << names << "\n";
}

void print_rejections(const PluginRegistry& r) {
  if (r.rejected().empty()) return;
  std::cout << "\nrejected files:\n";
  for (const auto& x : r.rejected())
    std::cout << "  " << x.path << "\n      " << reason_name(x.reason) << ": " << x.message << "\n";
}

}  // namespace

int run_plugins(const Options& o) {
  PluginRegistry registry;
  if (!o.args.empty()) {
    if (o.args[0] != "info" || o.args.size() != 2)
      throw InputError("usage: genz plugins [info FILE] (found '" + o.args[0] + "')");
    const bool ok = registry.load_file(o.args[1]);
    std::cout << "file: " << o.args[1] << "\nhost: plugin ABI " << GENZ_PLUGIN_ABI_VERSION << ", SDK "
              << GENZ_SDK_VERSION_STRING << "\n";
    if (ok) {
      const LibraryInfo& l = registry.libraries().front();
      std::cout << "accepted:\n  kind " << kind_name(l.kind) << ", name " << l.name << ", version " << l.version
                << ", SDK " << l.sdk_version << ", built with " << l.build_id << "\n";
      print_library(l, registry);
    }
    print_rejections(registry);
    return ok ? 0 : 1;
  }
  load_plugins(registry, o);
  std::cout << "search path (first found wins a name):\n";
  for (std::size_t i = 0; i < registry.searched().size(); ++i)
    std::cout << "  " << i + 1 << ". " << registry.searched()[i].string() << "\n";
  std::cout << "\nplugins:\n";
  for (PluginKind k : {PluginKind::model, PluginKind::hardware, PluginKind::comm, PluginKind::report})
    for (const auto& l : registry.libraries())
      if (l.kind == k) print_library(l, registry);
  print_rejections(registry);
  return 0;
}

}  // namespace genz::cli
