// genz validate: every accuracy check against the measurements in
// ../shared/data, as one table (dataset, metric, MAPE, median, p90, max, target,
// pass/fail). The shipped hardware, comm and engine descriptions are used
// as they are; the calibration rows refit on part of the data and predict
// the rest.
//
//   --strict     exit 1 when a check misses its target
//   --known F    with --strict: checks listed in F (one "dataset | metric"
//                per line, # comments) may fail, and must still fail
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "genz/error.hpp"
#include "genz/search_path.hpp"
#include "session.hpp"
#include "validation.hpp"

namespace genz::cli {

int run_validate(const Options& o) {
  namespace fs = std::filesystem;
  std::string dir = o.data_dir;
  if (dir.empty()) {
    dir = "../shared/data";
    const fs::path beside_repo = executable_path().parent_path() / "../../../shared/data";
    if (!fs::exists(dir) && fs::exists(beside_repo)) dir = beside_repo.lexically_normal().string();
  }
  if (!fs::is_directory(dir))
    throw InputError("validate: the measurements directory " + dir + " does not exist (give --data-dir)");
  PluginRegistry registry;
  load_plugins(registry, o);
  const std::vector<ValidationRow> rows = run_validation(registry, dir, o.folds);
  print_validation(std::cout, rows);
  const ValidationVerdict v = judge(rows, o.known_failures);
  for (const auto& m : v.messages) spdlog::warn("{}", m);
  return o.strict && !v.ok ? 1 : 0;
}

}  // namespace genz::cli
