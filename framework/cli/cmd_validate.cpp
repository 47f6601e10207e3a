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
#include "genz/calibration/validation.hpp"
#include "genz/host/error.hpp"
#include "session.hpp"

namespace genz::cli {

int run_validate(const Options& o) {
  namespace fs = std::filesystem;
  // The README's default: the measurements beside the checkout, seen from
  // the repository root. No path is derived from where the binary was built.
  const std::string dir = o.data_dir.empty() ? "../shared/data" : o.data_dir;
  if (!fs::is_directory(dir))
    throw InputError("validate: the measurements directory " + dir + " does not exist (give --data-dir)");
  auto registry = std::make_shared<PluginRegistry>();
  load_plugins(*registry, o);
  const std::vector<ValidationRow> rows = run_validation(registry, dir, o.folds);
  print_validation(std::cout, rows);
  const ValidationVerdict v = judge(rows, o.known_failures);
  for (const auto& m : v.messages) spdlog::warn("{}", m);
  return o.strict && !v.ok ? 1 : 0;
}

}  // namespace genz::cli
