// An object created by a plugin, together with the library that made it.
//
// The library stays loaded for as long as any Handle to one of its objects
// lives (OpenVINO's SoPtr rule): the object is deleted first, through its
// virtual destructor inside the library, and only then may the library go.
#pragma once

#include <memory>
#include <string>
#include <utility>

namespace genz {

template <class T>
class Handle {
 public:
  Handle() = default;
  Handle(T* raw, std::shared_ptr<const void> library, std::string name, std::string plugin)
      : object_(raw, [library = std::move(library)](T* p) { delete p; }),
        name_(std::move(name)),
        plugin_(std::move(plugin)) {}
  /// Wraps an object of the host itself (tests, --hw-file); nothing to keep alive.
  static Handle local(std::unique_ptr<T> object, std::string name) {
    Handle h;
    h.object_ = std::shared_ptr<T>(std::move(object));
    h.name_ = std::move(name);
    h.plugin_ = "(built in)";
    return h;
  }

  T* operator->() const noexcept { return object_.get(); }
  T& operator*() const noexcept { return *object_; }
  T* get() const noexcept { return object_.get(); }
  explicit operator bool() const noexcept { return static_cast<bool>(object_); }
  const std::string& name() const noexcept { return name_; }
  const std::string& plugin() const noexcept { return plugin_; }

 private:
  std::shared_ptr<T> object_;
  std::string name_;
  std::string plugin_;
};

}  // namespace genz
