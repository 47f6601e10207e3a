// Attributing a crash to the plugin whose code was running.
//
// Every call into plugin code runs inside a PluginCall scope that names the
// plugin. If the process then dies of a signal (a plugin dereferencing NULL,
// an exception escaping a noexcept function), the handler prints that name
// before the default action (or a sanitizer's report) proceeds.
#pragma once

namespace genz {

class PluginCall {
 public:
  explicit PluginCall(const char* who) noexcept : previous_(current_) { current_ = who; }
  ~PluginCall() { current_ = previous_; }
  PluginCall(const PluginCall&) = delete;
  PluginCall& operator=(const PluginCall&) = delete;

  static const char* current() noexcept { return current_; }

 private:
  const char* previous_;
  static inline thread_local const char* current_ = nullptr;
};

/// Installs handlers for SIGSEGV, SIGBUS, SIGFPE, SIGILL and SIGABRT that name
/// the running plugin, then re-raise with the previous handler in place.
void install_crash_reporter() noexcept;

}  // namespace genz
