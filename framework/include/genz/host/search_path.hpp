// Where plugins are looked for, in this order (first found wins a name, so
// the shipped plugins can never be shadowed or removed by a third party):
//   1. <directory of the genz executable>/../lib/genz/plugins (the shipped ones)
//   2. each --plugin-path DIR, in the order given
//   3. each directory of GENZ_PLUGIN_PATH (colon-separated; empty entries ignored)
// The current directory is never searched unless named explicitly.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace genz {

std::vector<std::filesystem::path> plugin_search_path(const std::vector<std::string>& cli_dirs, const char* env_value,
                                                      const std::filesystem::path& executable);

/// The running executable (boost::dll::program_location()).
std::filesystem::path executable_path();

}  // namespace genz
