// Finds plugin libraries, checks them, and keeps what they register.
//
// Loading a library runs its code: only directories on the documented search
// path are scanned (see search_path.hpp), never the current directory.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "genz/host/handle.hpp"
#include "genz/sdk/abi.h"

namespace boost::dll {
class shared_library;
}

namespace genz {

enum class PluginKind {
  model = GENZ_KIND_MODEL,
  hardware = GENZ_KIND_HARDWARE,
  comm = GENZ_KIND_COMM,
  report = GENZ_KIND_REPORT
};
std::string_view kind_name(PluginKind k) noexcept;

/// Why a file was not accepted. The message says what was expected and found.
enum class RejectReason {
  not_loadable,         // dlopen failed (not a shared library, missing symbol, ...)
  no_entry_point,       // no genz_plugin_v1 symbol
  null_info,            // entry point returned NULL
  abi_version,          // GENZ_PLUGIN_ABI_VERSION differs
  struct_size,          // sizeof(genz_plugin_info) differs
  build_id,             // standard library / C++ ABI differs
  sdk_version,          // SDK major version differs
  bad_kind,             // kind is not model/hardware/comm/report
  registration_failed,  // register_fn reported an error or threw
  duplicate_name        // a library or entry name already taken
};
std::string_view reason_name(RejectReason r) noexcept;

struct LibraryInfo {
  std::string path;
  std::string name;
  PluginKind kind = PluginKind::model;
  std::string version, sdk_version, build_id;
  std::vector<std::string> entries;
};

struct Rejection {
  std::string path;
  RejectReason reason;
  std::string message;
};

struct Entry {
  PluginKind kind;
  std::string name;
  std::string description;
  std::vector<std::string> aliases;
  std::vector<std::string> accepts;  // model entries: config.json architectures read (genz_entry::accepts)
  genz_factory_fn create = nullptr;
  const void* user_data = nullptr;
  std::size_t library = 0;  // index into libraries()
};

class PluginRegistry {
 public:
  PluginRegistry();
  ~PluginRegistry();
  PluginRegistry(const PluginRegistry&) = delete;
  PluginRegistry& operator=(const PluginRegistry&) = delete;

  /// Loads every *.so in dir (sorted by name). A directory that does not
  /// exist is skipped; the first library to claim a name wins, and a later
  /// entry claiming a taken name is refused (the rest of its library kept).
  void load_directory(const std::filesystem::path& dir);
  /// Loads one file. Returns false and records a Rejection when it fails.
  bool load_file(const std::filesystem::path& file);

  const std::vector<LibraryInfo>& libraries() const noexcept { return infos_; }
  const std::vector<Rejection>& rejected() const noexcept { return rejected_; }
  const std::vector<std::filesystem::path>& searched() const noexcept { return searched_; }

  const Entry* find(PluginKind kind, std::string_view name) const noexcept;
  /// The model entries that declared they read `architecture` (a Hugging
  /// Face "architectures" or "model_type" value), in load order.
  std::vector<const Entry*> readers_of(std::string_view architecture) const;
  std::vector<const Entry*> entries(PluginKind kind) const;

  /// Creates an object; throws genz::Error naming what is available, and why
  /// a library that might have provided the name was rejected.
  template <class T>
  Handle<T> create(PluginKind kind, std::string_view name, std::string_view config_json = "{}") const {
    const Entry& e = require(kind, name);
    return Handle<T>(static_cast<T*>(create_raw(e, config_json)), library_keepalive(e), e.name, infos_[e.library].name);
  }

  /// Creates an object, or returns an empty handle and the plugin's own
  /// message in `error` when its factory refuses the configuration.
  template <class T>
  Handle<T> try_create(PluginKind kind, std::string_view name, std::string_view config_json,
                       std::string& error) const {
    const Entry& e = require(kind, name);
    void* obj = create_raw(e, config_json, &error);
    if (obj == nullptr) return Handle<T>();
    return Handle<T>(static_cast<T*>(obj), library_keepalive(e), e.name, infos_[e.library].name);
  }

  /// Text for "unknown name" errors: the available names and the rejections.
  std::string available(PluginKind kind) const;

 private:
  const Entry& require(PluginKind kind, std::string_view name) const;
  /// plugin_error: where to put the factory's message instead of throwing.
  void* create_raw(const Entry& e, std::string_view config_json, std::string* plugin_error = nullptr) const;
  std::shared_ptr<const void> library_keepalive(const Entry& e) const;
  bool check_and_register(const std::filesystem::path& file, std::shared_ptr<boost::dll::shared_library> lib);
  bool reject(const std::filesystem::path& file, RejectReason r, std::string message);
  std::string taken_name(const Entry& e) const;  // why e cannot be registered, or ""

  std::vector<LibraryInfo> infos_;
  std::vector<std::shared_ptr<boost::dll::shared_library>> libs_;
  std::vector<Entry> entries_;
  std::vector<Rejection> rejected_;
  std::vector<std::filesystem::path> searched_;
  std::vector<std::filesystem::path> loaded_paths_;
};

}  // namespace genz
