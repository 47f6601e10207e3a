// The accuracy checks of `genz validate` (see cmd_validate.cpp).
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "genz/host/plugin_registry.hpp"

namespace genz {

enum class Stat { mape, median, p90, max };

struct ValidationRow {
  std::string dataset, metric;
  std::size_t n = 0;
  double mape = 0, median = 0, p90 = 0, max = 0;
  bool has_target = false;
  Stat target_stat = Stat::mape;
  double threshold = 0;  // percent
  bool available = true;
  std::string note;
  bool passed() const;
};

std::vector<ValidationRow> run_validation(const std::shared_ptr<const PluginRegistry>& registry,
                                          const std::string& data_dir, unsigned folds);
void print_validation(std::ostream& os, const std::vector<ValidationRow>& rows);

struct ValidationVerdict {
  bool ok = true;
  std::vector<std::string> messages;
};
/// Every failing check must be listed in known_failures (if given), and
/// every listed check must exist and still fail.
ValidationVerdict judge(const std::vector<ValidationRow>& rows, const std::string& known_failures);

}  // namespace genz
