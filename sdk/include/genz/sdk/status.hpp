// The result of a plugin call. Plugins never throw across the boundary: every
// interface method is noexcept and reports failure through a Status.
#pragma once

#include <string>
#include <utility>

namespace genz {
inline namespace v1 {

struct Status {
  bool ok = true;
  std::string message;

  static Status success() { return {}; }
  static Status error(std::string why) { return {false, std::move(why)}; }
  explicit operator bool() const noexcept { return ok; }
};

}  // namespace v1
}  // namespace genz
