// What a GPU costs per hour: genz plan's default table (data/prices/, each
// price with its source and date) or the user's --prices FILE.
#pragma once

#include <map>
#include <string>

namespace genz::plan {

struct Price {
  double per_hour = 0;
  std::string source, date;
};

struct PriceTable {
  std::string currency = "USD";
  std::string origin;  // the file, or "the default table (data/prices/gpu_prices.jsonc)"
  std::map<std::string, Price> gpus;
  /// Throws InputError naming the table and listing the GPUs it prices.
  const Price& of(const std::string& hw) const;
};

/// Reads a table; errors name the file and key.
PriceTable price_table_from_text(const std::string& text, const std::string& source);
const PriceTable& default_price_table();

}  // namespace genz::plan
