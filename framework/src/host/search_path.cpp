#include "genz/host/search_path.hpp"

#include <boost/dll/runtime_symbol_info.hpp>
#include <sstream>

namespace genz {

std::vector<std::filesystem::path> plugin_search_path(const std::vector<std::string>& cli_dirs, const char* env_value,
                                                      const std::filesystem::path& executable) {
  std::vector<std::filesystem::path> out;
  // The shipped plugins come first, so a third-party library can add names
  // but never shadow or remove a built-in one.
  // Without a known executable location there is no default directory: a
  // relative one would search the current directory.
  if (executable.is_absolute()) out.push_back((executable.parent_path() / GENZ_PLUGIN_RELATIVE_DIR).lexically_normal());
  for (const auto& d : cli_dirs)
    if (!d.empty()) out.emplace_back(d);
  if (env_value != nullptr) {
    std::stringstream ss(env_value);
    for (std::string d; std::getline(ss, d, ':');)
      if (!d.empty()) out.emplace_back(d);
  }
  return out;
}

std::filesystem::path executable_path() {
  boost::dll::fs::error_code ec;
  const auto p = boost::dll::program_location(ec);
  return ec ? std::filesystem::path() : std::filesystem::path(p.string());
}

}  // namespace genz
