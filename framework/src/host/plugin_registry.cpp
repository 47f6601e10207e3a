#include "genz/host/plugin_registry.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <boost/dll/shared_library.hpp>
#include <cstring>
#include <sstream>

#include "genz/host/error.hpp"
#include "genz/host/plugin_guard.hpp"
#include "genz/sdk/build_id.hpp"
#include "genz/sdk/version.hpp"

namespace genz {
namespace fs = std::filesystem;

std::string_view kind_name(PluginKind k) noexcept {
  switch (k) {
    case PluginKind::model:
      return "model";
    case PluginKind::hardware:
      return "hardware";
    case PluginKind::comm:
      return "comm";
    case PluginKind::report:
      return "report";
  }
  return "?";
}

std::string_view reason_name(RejectReason r) noexcept {
  switch (r) {
    case RejectReason::not_loadable:
      return "not loadable";
    case RejectReason::no_entry_point:
      return "no entry point";
    case RejectReason::null_info:
      return "null plugin info";
    case RejectReason::abi_version:
      return "ABI version mismatch";
    case RejectReason::struct_size:
      return "struct size mismatch";
    case RejectReason::build_id:
      return "toolchain mismatch";
    case RejectReason::sdk_version:
      return "SDK version mismatch";
    case RejectReason::bad_kind:
      return "unknown kind";
    case RejectReason::registration_failed:
      return "registration failed";
    case RejectReason::duplicate_name:
      return "duplicate name";
  }
  return "?";
}

namespace {

std::string stdlib_part(std::string_view build_id) {
  const auto semi = build_id.find(';');
  return std::string(build_id.substr(0, semi));
}

bool valid_kind(uint32_t k) {
  return k >= GENZ_KIND_MODEL && k <= GENZ_KIND_REPORT;
}

const char* interface_name(PluginKind k) {
  switch (k) {
    case PluginKind::model:
      return "Model";
    case PluginKind::hardware:
      return "Hardware";
    case PluginKind::comm:
      return "CommBackend";
    case PluginKind::report:
      return "Reporter";
  }
  return "?";
}

// dlopen's own message: Boost.DLL 1.74 keeps only an error code, so a failed
// load is repeated here with the error string cleared first.
std::string dlopen_message(const fs::path& file) {
  ::dlerror();
  void* h = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (h != nullptr) {
    ::dlclose(h);
    return "dlopen failed";
  }
  const char* msg = ::dlerror();
  return msg ? msg : "dlopen failed";
}

std::vector<std::string> split_names(const char* list) {
  std::vector<std::string> out;
  if (list == nullptr) return out;
  std::stringstream ss(list);
  for (std::string a; std::getline(ss, a, ',');)
    if (!a.empty()) out.push_back(a);
  return out;
}

// Collects what one library registers; committed only if all of it is valid.
struct PendingRegistration {
  genz_registrar raw{};
  PluginKind kind = PluginKind::model;
  const PluginRegistry* registry = nullptr;
  std::vector<Entry> entries;
  std::string error;
};

int registrar_add(genz_registrar* self, const genz_entry* e) {
  auto* p = static_cast<PendingRegistration*>(self->host_context);
  if (e == nullptr || e->struct_size < sizeof(genz_entry) || e->name == nullptr || e->create == nullptr) {
    p->error = "an entry without name or factory (or built against an older genz_entry)";
    return 1;
  }
  if (*e->name == '\0') {
    p->error = "an entry with an empty name";
    return 1;
  }
  // The object would be cast to the library's interface: a factory of
  // another interface is refused here, before anything is created.
  if (e->interface_kind != static_cast<uint32_t>(p->kind)) {
    const uint32_t k = e->interface_kind;
    p->error = "entry '" + std::string(e->name) + "' creates a " +
               (valid_kind(k) ? std::string(kind_name(static_cast<PluginKind>(k))) : "kind " + std::to_string(k)) +
               " object, but the library declares kind " + std::string(kind_name(p->kind)) +
               " (use genz::factory<genz::" + std::string(interface_name(p->kind)) + ", ...>)";
    return 1;
  }
  Entry out{p->kind, e->name, e->description ? e->description : "", {}, {}, e->create, e->user_data, 0};
  out.aliases = split_names(e->aliases);
  out.accepts = split_names(e->accepts);
  p->entries.push_back(std::move(out));
  return 0;
}

void registrar_set_error(genz_registrar* self, const char* message) {
  auto* p = static_cast<PendingRegistration*>(self->host_context);
  // The host's own reason for refusing an entry comes first; the plugin's
  // "host refused entry" that follows it says less.
  if (p->error.empty()) p->error = message ? message : "(no message)";
}

}  // namespace

PluginRegistry::PluginRegistry() = default;

// Objects the plugins created hold their own reference to the library, so
// destroying the registry first is safe; libraries are never closed while
// one of their objects lives.
PluginRegistry::~PluginRegistry() = default;

void PluginRegistry::load_directory(const fs::path& dir) {
  searched_.push_back(dir);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  std::vector<fs::path> files;
  for (const auto& de : fs::directory_iterator(dir, ec)) {
    if (de.path().extension() == ".so" && de.is_regular_file(ec)) files.push_back(de.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) load_file(f);
}

bool PluginRegistry::reject(const fs::path& file, RejectReason r, std::string message) {
  rejected_.push_back({file.string(), r, std::move(message)});
  return false;
}

bool PluginRegistry::load_file(const fs::path& file) {
  std::error_code ec;
  // dlopen would block on a FIFO and read a device without end.
  if (!fs::is_regular_file(file, ec))
    return reject(
        file, RejectReason::not_loadable,
        fs::exists(file, ec) ? "expected a shared library (a regular file), found something else" : "no such file");
  const fs::path canonical = fs::weakly_canonical(fs::absolute(file, ec), ec);
  if (std::find(loaded_paths_.begin(), loaded_paths_.end(), canonical) != loaded_paths_.end()) return true;
  loaded_paths_.push_back(canonical);

  auto lib = std::make_shared<boost::dll::shared_library>();
  boost::dll::fs::error_code bec;
  ::dlerror();
  lib->load(canonical.string(), boost::dll::load_mode::rtld_local | boost::dll::load_mode::rtld_now, bec);
  if (bec || !lib->is_loaded()) return reject(file, RejectReason::not_loadable, dlopen_message(canonical));
  if (!lib->has(GENZ_PLUGIN_ENTRY_NAME))
    return reject(file, RejectReason::no_entry_point,
                  "expected an exported function " GENZ_PLUGIN_ENTRY_NAME
                  ", found none: not a genz plugin (or built without genz_add_plugin)");
  return check_and_register(file, std::move(lib));
}

bool PluginRegistry::check_and_register(const fs::path& file, std::shared_ptr<boost::dll::shared_library> lib) {
  const auto entry = lib->get<const genz_plugin_info*()>(GENZ_PLUGIN_ENTRY_NAME);
  const genz_plugin_info* info = nullptr;
  {
    PluginCall guard(file.c_str());
    info = entry();
  }
  if (info == nullptr) return reject(file, RejectReason::null_info, "expected a genz_plugin_info, found NULL");
  // ABI version and struct size come first: nothing else may be read before.
  if (info->abi_version != GENZ_PLUGIN_ABI_VERSION)
    return reject(file, RejectReason::abi_version,
                  "expected plugin ABI version " + std::to_string(GENZ_PLUGIN_ABI_VERSION) + ", found " +
                      std::to_string(info->abi_version) + ": rebuild the plugin against this genz SDK");
  if (info->struct_size != sizeof(genz_plugin_info))
    return reject(file, RejectReason::struct_size,
                  "expected genz_plugin_info of " + std::to_string(sizeof(genz_plugin_info)) + " bytes, found " +
                      std::to_string(info->struct_size));
  const std::string found_build = info->build_id ? info->build_id : "(none)";
  if (stdlib_part(found_build) != stdlib_part(GENZ_BUILD_ID))
    return reject(file, RejectReason::build_id,
                  std::string("expected a plugin built with ") + GENZ_BUILD_ID + ", found " + found_build);
  const std::string sdk = info->sdk_version ? info->sdk_version : "";
  const std::string major = std::to_string(GENZ_SDK_VERSION_MAJOR) + ".";
  if (sdk.rfind(major, 0) != 0)
    return reject(file, RejectReason::sdk_version,
                  std::string("expected SDK ") + GENZ_SDK_VERSION_STRING + " (same major), found " +
                      (sdk.empty() ? "(none)" : sdk));
  if (!valid_kind(info->kind))
    return reject(file, RejectReason::bad_kind,
                  "expected kind 1..4 (model, hardware, comm, report), found " + std::to_string(info->kind));
  const std::string name = info->name ? info->name : "";
  if (name.empty() || info->register_fn == nullptr)
    return reject(file, RejectReason::registration_failed, "the plugin info has no name or no register function");
  for (const auto& other : infos_)
    if (other.name == name)
      return reject(file, RejectReason::duplicate_name,
                    "plugin name '" + name + "' is already taken by " + other.path + " (earlier in the search path)");

  PendingRegistration pending;
  pending.kind = static_cast<PluginKind>(info->kind);
  pending.raw.struct_size = sizeof(genz_registrar);
  pending.raw.host_context = &pending;
  pending.raw.add = &registrar_add;
  pending.raw.set_error = &registrar_set_error;
  int rc = 0;
  {
    PluginCall guard(info->name);
    rc = info->register_fn(&pending.raw);
  }
  if (rc != 0 || !pending.error.empty())
    return reject(file, RejectReason::registration_failed,
                  "register function failed: " + (pending.error.empty() ? std::string("(no message)") : pending.error));
  if (pending.entries.empty())
    return reject(file, RejectReason::registration_failed, "expected at least one entry, the plugin registered none");
  for (std::size_t i = 0; i < pending.entries.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (pending.entries[i].name == pending.entries[j].name)
        return reject(file, RejectReason::duplicate_name,
                      "the plugin registers '" + pending.entries[i].name + "' twice");
  // A name already taken (by a shipped plugin, which loads first, or by an
  // earlier library) refuses that entry only; the library's others are kept.
  std::vector<Entry> accepted;
  for (auto& e : pending.entries) {
    if (const std::string why = taken_name(e); !why.empty())
      reject(file, RejectReason::duplicate_name, why);
    else
      accepted.push_back(std::move(e));
  }
  if (accepted.empty()) return false;

  LibraryInfo li{file.string(), name, pending.kind, info->plugin_version ? info->plugin_version : "", sdk,
                 found_build,   {}};
  for (auto& e : accepted) {
    e.library = infos_.size();
    li.entries.push_back(e.name);
    entries_.push_back(std::move(e));
  }
  infos_.push_back(std::move(li));
  libs_.push_back(std::move(lib));
  return true;
}

std::string PluginRegistry::taken_name(const Entry& e) const {
  std::vector<std::string> names = e.aliases;
  names.push_back(e.name);
  for (const auto& n : names)
    if (const Entry* taken = find(e.kind, n))
      return std::string(kind_name(e.kind)) + " name '" + n + "' is already registered by " +
             infos_[taken->library].path + " (earlier in the search path): entry '" + e.name + "' refused";
  return "";
}

const Entry* PluginRegistry::find(PluginKind kind, std::string_view name) const noexcept {
  for (const auto& e : entries_) {
    if (e.kind != kind) continue;
    if (e.name == name) return &e;
    for (const auto& a : e.aliases)
      if (a == name) return &e;
  }
  return nullptr;
}

std::vector<const Entry*> PluginRegistry::readers_of(std::string_view architecture) const {
  std::vector<const Entry*> out;
  for (const auto& e : entries_)
    if (e.kind == PluginKind::model && std::find(e.accepts.begin(), e.accepts.end(), architecture) != e.accepts.end())
      out.push_back(&e);
  return out;
}

std::vector<const Entry*> PluginRegistry::entries(PluginKind kind) const {
  std::vector<const Entry*> out;
  for (const auto& e : entries_)
    if (e.kind == kind) out.push_back(&e);
  return out;
}

std::string PluginRegistry::available(PluginKind kind) const {
  std::string s;
  for (const auto* e : entries(kind)) s += (s.empty() ? "" : ", ") + e->name;
  std::string out = "available " + std::string(kind_name(kind)) + " plugins: " + (s.empty() ? "(none)" : s);
  for (const auto& r : rejected_)
    out += "\n  rejected " + r.path + ": " + std::string(reason_name(r.reason)) + ": " + r.message;
  if (infos_.empty() && rejected_.empty()) {
    out += "\n  no plugin libraries were found; searched:";
    for (const auto& d : searched_) out += " " + d.string();
  }
  return out;
}

const Entry& PluginRegistry::require(PluginKind kind, std::string_view name) const {
  if (const Entry* e = find(kind, name)) return *e;
  throw InputError("unknown " + std::string(kind_name(kind)) + " '" + std::string(name) + "'; " + available(kind));
}

void* PluginRegistry::create_raw(const Entry& e, std::string_view config_json, std::string* plugin_error) const {
  char error[1024] = {};
  const std::string config(config_json);
  void* obj = nullptr;
  {
    PluginCall guard(infos_[e.library].name.c_str());
    obj = e.create(e.user_data, config.c_str(), error, sizeof error);
  }
  if (obj == nullptr && plugin_error != nullptr) {
    *plugin_error = error[0] ? error : "it returned no object";
    return nullptr;
  }
  if (obj == nullptr)
    throw Error(std::string(kind_name(e.kind)) + " '" + e.name + "' (plugin " + infos_[e.library].name + ", " +
                infos_[e.library].path + ") could not be created: " + (error[0] ? error : "it returned no object"));
  return obj;
}

std::shared_ptr<const void> PluginRegistry::library_keepalive(const Entry& e) const {
  return std::static_pointer_cast<const void>(libs_[e.library]);
}

}  // namespace genz
