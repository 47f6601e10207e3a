#include "genz/host/plugin_guard.hpp"

#include <unistd.h>
#include <csignal>
#include <cstring>

namespace genz {
namespace {

constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
struct sigaction previous_actions[sizeof(kSignals) / sizeof(kSignals[0])];

void write_str(const char* s) noexcept {
  if (s == nullptr) return;
  ssize_t ignored = ::write(STDERR_FILENO, s, std::strlen(s));
  (void)ignored;
}

// Only async-signal-safe calls here: write(2), sigaction(2), raise(3).
void on_fatal_signal(int sig) noexcept {
  const char* who = PluginCall::current();
  write_str("genz: fatal signal ");
  write_str(sig == SIGSEGV  ? "SIGSEGV"
            : sig == SIGBUS ? "SIGBUS"
            : sig == SIGFPE ? "SIGFPE"
            : sig == SIGILL ? "SIGILL"
                            : "SIGABRT");
  if (who != nullptr) {
    write_str(" while running plugin ");
    write_str(who);
    write_str(": the plugin crashed or let an exception escape; its results are discarded\n");
  } else {
    write_str(" in genz itself (please report it)\n");
  }
  for (std::size_t i = 0; i < sizeof(kSignals) / sizeof(kSignals[0]); ++i)
    if (kSignals[i] == sig) ::sigaction(sig, &previous_actions[i], nullptr);
  ::raise(sig);
}

}  // namespace

void install_crash_reporter() noexcept {
  for (std::size_t i = 0; i < sizeof(kSignals) / sizeof(kSignals[0]); ++i) {
    struct sigaction sa {};
    sa.sa_handler = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    ::sigaction(kSignals[i], &sa, &previous_actions[i]);
  }
}

}  // namespace genz
