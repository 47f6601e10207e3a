#include "sweep_axes.hpp"

#include <cmath>
#include <cstdlib>
#include <limits>

#include "genz/host/error.hpp"

namespace genz::cli {
namespace {

enum class Value { name, count, tokens };

struct AxisDef {
  const char* key;
  Value kind;
  void (*apply)(Options&, const std::string&);
};

unsigned to_count(const std::string& v) {
  return static_cast<unsigned>(std::stoul(v));
}

// One row per key; the same names as the flags they replace.
const AxisDef kAxes[] = {
    {"hw", Value::name, [](Options& o, const std::string& v) { o.hw = v; }},
    {"model", Value::name, [](Options& o, const std::string& v) { o.model = v; }},
    {"engine", Value::name, [](Options& o, const std::string& v) { o.engine = v; }},
    {"comm", Value::name, [](Options& o, const std::string& v) { o.comm = v; }},
    {"dtype", Value::name, [](Options& o, const std::string& v) { o.dtype = v; }},
    {"kv-dtype", Value::name, [](Options& o, const std::string& v) { o.kv_dtype = v; }},
    {"tp", Value::count, [](Options& o, const std::string& v) { o.tp = to_count(v); }},
    {"pp", Value::count, [](Options& o, const std::string& v) { o.pp = to_count(v); }},
    {"ep", Value::count, [](Options& o, const std::string& v) { o.ep = to_count(v); }},
    {"batch", Value::count, [](Options& o, const std::string& v) { o.batch = to_count(v); }},
    {"beam", Value::count, [](Options& o, const std::string& v) { o.beam = to_count(v); }},
    {"input-tokens", Value::tokens, [](Options& o, const std::string& v) { o.input_tokens = std::stod(v); }},
    {"output-tokens", Value::tokens, [](Options& o, const std::string& v) { o.output_tokens = std::stod(v); }},
};

// A sweep this large is a typo (an extra axis), not a plan; it would also
// print for minutes.
constexpr std::size_t kMaxConfigurations = 1000000;

const AxisDef* find_axis(const std::string& key) {
  for (const auto& a : kAxes)
    if (key == a.key) return &a;
  return nullptr;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const auto comma = s.find(',', start);
    out.push_back(s.substr(start, comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

void check_value(const std::string& arg, const AxisDef& def, const std::string& v) {
  if (v.empty()) throw InputError("sweep " + arg + ": an empty value (expected " + def.key + "=V1,V2,...)");
  if (def.kind == Value::name) return;
  char* end = nullptr;
  const double x = std::strtod(v.c_str(), &end);
  const bool whole = def.kind == Value::count;
  const double most = whole ? std::numeric_limits<unsigned>::max() : 1e12;
  if (*end != '\0' || !std::isfinite(x) || x < 1 || x > most || (whole && x != std::floor(x)))
    throw InputError("sweep " + arg + ": expected " + (whole ? "a whole number >= 1" : "a number of tokens >= 1") +
                     " for " + def.key + ", found '" + v + "'");
}

}  // namespace

std::string sweep_keys() {
  std::string keys;
  for (const auto& a : kAxes) keys += (keys.empty() ? "" : ", ") + std::string(a.key);
  return keys;
}

std::vector<SweepAxis> parse_sweep_axes(const std::vector<std::string>& args) {
  std::vector<SweepAxis> axes;
  for (const auto& arg : args) {
    const auto eq = arg.find('=');
    if (eq == std::string::npos)
      throw InputError("sweep: expected KEY=V1,V2,... (keys: " + sweep_keys() + "), found '" + arg + "'");
    SweepAxis axis{arg.substr(0, eq), split(arg.substr(eq + 1))};
    const AxisDef* def = find_axis(axis.key);
    if (!def) throw InputError("sweep " + arg + ": unknown key '" + axis.key + "' (keys: " + sweep_keys() + ")");
    for (const auto& a : axes)
      if (a.key == axis.key) throw InputError("sweep: " + axis.key + "= given twice; list its values once");
    for (const auto& v : axis.values) check_value(arg, *def, v);
    axes.push_back(std::move(axis));
  }
  if (sweep_size(axes) > kMaxConfigurations)
    throw InputError("sweep: " + std::to_string(sweep_size(axes)) + " configurations, more than the " +
                     std::to_string(kMaxConfigurations) + " allowed; split the sweep");
  return axes;
}

std::size_t sweep_size(const std::vector<SweepAxis>& axes) {
  std::size_t n = 1;
  for (const auto& a : axes) {
    if (n > kMaxConfigurations) return n;  // no overflow; already refused
    n *= a.values.size();
  }
  return n;
}

Options sweep_point(const Options& base, const std::vector<SweepAxis>& axes, std::size_t index) {
  Options o = base;
  for (auto a = axes.rbegin(); a != axes.rend(); ++a) {
    const std::size_t n = a->values.size();
    find_axis(a->key)->apply(o, a->values[index % n]);
    index /= n;
  }
  return o;
}

}  // namespace genz::cli
