// The built-in presets compiled from data files (engines, clusters, hosts):
// parsed once, looked up by name, listed in messages.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "genz_embedded.hpp"

namespace genz {

/// Parses every embedded file with `parse(text, source)`; `what` names the
/// kind in the source ("built-in host xeon.jsonc").
template <class T, class Parse>
std::vector<T> parse_builtins(const genz_embedded::File* files, std::size_t count, const char* what, Parse parse) {
  std::vector<T> out;
  for (std::size_t i = 0; i < count; ++i)
    out.push_back(parse(files[i].text, std::string("built-in ") + what + " " + files[i].name));
  return out;
}

/// The element whose `name` is `name`, or nullptr.
template <class T>
const T* find_named(const std::vector<T>& all, const std::string& name) {
  for (const auto& x : all)
    if (x.name == name) return &x;
  return nullptr;
}

/// "a, b, c" for error messages.
template <class T>
std::string joined_names(const std::vector<T>& all) {
  std::string s;
  for (const auto& x : all) s += (s.empty() ? "" : ", ") + x.name;
  return s;
}

}  // namespace genz
