// Writing a plugin: one registration function and one macro.
//
//   static std::unique_ptr<genz::Hardware> make_gpu(const void*, std::string_view config) {
//     return std::make_unique<genz::RooflineHardware>(my_spec());
//   }
//   static void register_all(genz::Registrar& r) {
//     r.add("my_gpu", "My GPU, 48 GB", genz::factory<genz::Hardware, make_gpu>());
//   }
//   GENZ_PLUGIN(GENZ_KIND_HARDWARE, "my_hardware", "1.0.0", register_all)
//
// The macro defines the one exported C entry point. Exceptions thrown by
// register_all or by a factory are caught here and reported to the host as
// text: none crosses the library boundary.
#pragma once

#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "genz/sdk/abi.h"
#include "genz/sdk/build_id.hpp"
#include "genz/sdk/version.hpp"

namespace genz {
inline namespace v1 {

namespace detail {
inline void copy_message(char* out, std::size_t size, const char* text) noexcept {
  if (out == nullptr || size == 0) return;
  std::snprintf(out, size, "%s", text ? text : "");
}
}  // namespace detail

/// Turns `std::unique_ptr<Interface> make(const void* user_data, std::string_view config_json)`
/// into the C factory the ABI expects.
template <class Interface, std::unique_ptr<Interface> (*Make)(const void*, std::string_view)>
void* factory_trampoline(const void* user_data, const char* config, char* error, std::size_t error_size) noexcept {
  try {
    std::unique_ptr<Interface> object = Make(user_data, config ? config : "{}");
    if (!object) {
      detail::copy_message(error, error_size, "the factory returned no object");
      return nullptr;
    }
    return static_cast<void*>(object.release());
  } catch (const std::exception& e) {
    detail::copy_message(error, error_size, e.what());
  } catch (...) {
    detail::copy_message(error, error_size, "unknown exception in the plugin's factory");
  }
  return nullptr;
}

/// A factory and the interface it creates (Interface::kInterfaceKind), which
/// the host checks against the library's kind before it creates anything.
struct Factory {
  genz_factory_fn create = nullptr;
  uint32_t interface_kind = 0;
};

template <class Interface, std::unique_ptr<Interface> (*Make)(const void*, std::string_view)>
constexpr Factory factory() noexcept {
  return Factory{&factory_trampoline<Interface, Make>, Interface::kInterfaceKind};
}

class Registrar {
 public:
  explicit Registrar(genz_registrar* raw) noexcept : raw_(raw) {}

  /// Registers one entry. The strings must outlive the library (string
  /// literals or static storage). Throws if the host refuses the entry.
  /// accepts (model entries): the config.json architectures it reads, see
  /// genz_entry::accepts.
  void add(const char* name, const char* description, Factory create, const void* user_data = nullptr,
           const char* aliases = nullptr, const char* accepts = nullptr) {
    genz_entry e{};
    e.struct_size = sizeof(genz_entry);
    e.name = name;
    e.description = description;
    e.aliases = aliases;
    e.create = create.create;
    e.user_data = user_data;
    e.interface_kind = create.interface_kind;
    e.accepts = accepts;
    if (raw_->add(raw_, &e) != 0) throw std::runtime_error(std::string("host refused entry ") + name);
  }

 private:
  genz_registrar* raw_;
};

namespace detail {
template <void (*Register)(Registrar&)>
int register_trampoline(genz_registrar* raw) noexcept {
  try {
    Registrar r(raw);
    Register(r);
    return 0;
  } catch (const std::exception& e) {
    raw->set_error(raw, e.what());
  } catch (...) {
    raw->set_error(raw, "unknown exception during registration");
  }
  return 1;
}
}  // namespace detail

}  // namespace v1
}  // namespace genz

#define GENZ_PLUGIN(KIND, NAME, VERSION, REGISTER)                                         \
  extern "C" GENZ_PLUGIN_EXPORT const genz_plugin_info* genz_plugin_v1(void) {             \
    static const genz_plugin_info info = {GENZ_PLUGIN_ABI_VERSION,                         \
                                          static_cast<uint32_t>(sizeof(genz_plugin_info)), \
                                          static_cast<uint32_t>(KIND),                     \
                                          0u,                                              \
                                          NAME,                                            \
                                          VERSION,                                         \
                                          GENZ_SDK_VERSION_STRING,                         \
                                          GENZ_BUILD_ID,                                   \
                                          &::genz::detail::register_trampoline<REGISTER>,  \
                                          {nullptr, nullptr, nullptr, nullptr}};           \
    return &info;                                                                          \
  }
