#include "genz/planning/price_table.hpp"

#include "genz/host/error.hpp"
#include "genz/sdk/json_view.hpp"
#include "genz_embedded.hpp"

namespace genz_embedded {
extern const File price_files[];
extern const std::size_t price_files_count;
}  // namespace genz_embedded

namespace genz::plan {

const Price& PriceTable::of(const std::string& hw) const {
  const auto it = gpus.find(hw);
  if (it != gpus.end()) return it->second;
  std::string names;
  for (const auto& [name, p] : gpus) names += (names.empty() ? "" : ", ") + name;
  throw InputError(origin + " has no price for '" + hw + "' (it prices: " + names +
                   "); add it, or give a table that has it with --prices FILE");
}

PriceTable price_table_from_text(const std::string& text, const std::string& source) {
  const nlohmann::json doc = parse_json(text, source);
  const JsonView v(doc, source);
  v.only_keys({"currency", "gpus"});
  PriceTable t;
  t.origin = source;
  t.currency = v.string_or("currency", "USD");
  const JsonView gpus = v.object("gpus");
  for (auto it = doc["gpus"].begin(); it != doc["gpus"].end(); ++it) {
    const JsonView g = gpus.object(it.key().c_str());
    g.only_keys({"per_hour", "source", "date"});
    Price p;
    p.per_hour = g.number("per_hour", 1e-6, 1e6);
    p.source = g.string_or("source", "");
    p.date = g.string_or("date", "");
    t.gpus.emplace(it.key(), p);
  }
  if (t.gpus.empty()) v.fail("gpus", "at least one GPU with its per_hour price", "an empty object");
  return t;
}

const PriceTable& default_price_table() {
  static const PriceTable table = [] {
    PriceTable t = price_table_from_text(genz_embedded::price_files[0].text,
                                         std::string("built-in ") + genz_embedded::price_files[0].name);
    t.origin = "the default price table (framework/data/prices/gpu_prices.jsonc)";
    return t;
  }();
  return table;
}

}  // namespace genz::plan
