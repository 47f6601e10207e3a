// genz plugins            every plugin found, what each provides, every rejected file
// genz plugins info FILE  one file's plugin info, checked as the loader does
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "genz/host/error.hpp"
#include "genz/host/hardware_check.hpp"
#include "genz/host/plugin_registry.hpp"
#include "genz/sdk/comm.hpp"
#include "genz/sdk/printable.hpp"
#include "genz/sdk/version.hpp"
#include "session.hpp"

namespace genz::cli {
namespace {

void print_library(const LibraryInfo& l, const PluginRegistry& r) {
  char line[512];
  std::snprintf(line, sizeof line, "  %-9s %-12s %-8s %s\n", std::string(kind_name(l.kind)).c_str(),
                printable(l.name).c_str(), printable(l.version).c_str(), printable(l.path).c_str());
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
  std::cout << "            provides: " << printable(names) << "\n";
}

// Every entry is created and its description checked, so a plugin that
// cannot be used is shown as such here rather than at --hw.
void check_entries(const LibraryInfo& l, const PluginRegistry& r, bool verbose) {
  for (const auto& name : l.entries) {
    try {
      if (l.kind == PluginKind::hardware) {
        const auto hw = r.create<Hardware>(l.kind, name);
        if (const std::string why = hardware_spec_problem(hw->spec()); !why.empty())
          std::cout << "            INVALID " << printable(name) << ": " << printable(why) << "\n";
        else if (verbose && !hw->spec().notes.empty())
          std::cout << "            " << printable(name) << ": " << printable(hw->spec().notes) << "\n";
      } else if (l.kind == PluginKind::comm) {
        r.create<CommBackend>(l.kind, name);
      }
    } catch (const std::exception& e) {
      std::cout << "            INVALID " << printable(name) << ": " << printable(e.what()) << "\n";
    }
  }
}

void print_rejections(const PluginRegistry& r) {
  if (r.rejected().empty()) return;
  std::cout << "\nrejected files:\n";
  for (const auto& x : r.rejected())
    std::cout << "  " << printable(x.path) << "\n      " << reason_name(x.reason) << ": " << printable(x.message)
              << "\n";
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
      std::cout << "accepted:\n  kind " << kind_name(l.kind) << ", name " << printable(l.name) << ", version "
                << printable(l.version) << ", SDK " << printable(l.sdk_version) << ", built with "
                << printable(l.build_id) << "\n";
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
      if (l.kind == k) {
        print_library(l, registry);
        check_entries(l, registry, o.verbosity > 0);
      }
  print_rejections(registry);
  return 0;
}

}  // namespace genz::cli
