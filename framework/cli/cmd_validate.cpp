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

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <future>
#include <iostream>

#include "commands.hpp"
#include "genz/calibration/kernel_check.hpp"
#include "genz/calibration/validation.hpp"
#include "genz/host/error.hpp"
#include "genz/serving/published_serving.hpp"
#include "session.hpp"

namespace genz::cli {
namespace {

// Absolute errors' mean, median, p90 and max, as the other rows report them.
ValidationRow row_of(const ServingCheck& c) {
  ValidationRow r;
  r.dataset = c.dataset;
  r.metric = c.metric;
  r.available = c.available;
  r.note = c.note;
  std::vector<double> a;
  for (double e : c.errors_pct) a.push_back(std::fabs(e));
  std::sort(a.begin(), a.end());
  r.n = a.size();
  if (!a.empty()) {
    double sum = 0;
    for (double e : a) sum += e;
    r.mape = sum / static_cast<double>(a.size());
    r.median = a[a.size() / 2];
    r.p90 = a[std::min(a.size() - 1, a.size() * 9 / 10)];
    r.max = a.back();
  }
  if (c.target_mape > 0) {
    r.has_target = true;
    r.target_stat = Stat::mape;
    r.threshold = c.target_mape;
  }
  return r;
}

}  // namespace

int run_validate(const Options& o) {
  namespace fs = std::filesystem;
  // The README's default: the measurements beside the checkout, seen from
  // the repository root. No path is derived from where the binary was built.
  const std::string dir = o.data_dir.empty() ? "../shared/data" : o.data_dir;
  if (!fs::is_directory(dir))
    throw InputError("validate: the measurements directory " + dir + " does not exist (give --data-dir)");
  auto registry = std::make_shared<PluginRegistry>();
  load_plugins(*registry, o);
  // The kernel tables are independent of the rest: read and compared on
  // another core while the calibration checks run.
  auto kernels =
      std::async(std::launch::async, [&] { return kernel_table_rows(registry, dir + "/aiconfigurator-kernels"); });
  std::vector<ValidationRow> rows = run_validation(registry, dir, o.folds);
  for (const ServingCheck& c : published_serving_checks(registry, dir)) rows.push_back(row_of(c));
  for (ValidationRow& r : kernels.get()) rows.push_back(std::move(r));
  print_validation(std::cout, rows);
  const ValidationVerdict v = judge(rows, o.known_failures);
  for (const auto& m : v.messages) spdlog::warn("{}", m);
  return o.strict && !v.ok ? 1 : 0;
}

}  // namespace genz::cli
