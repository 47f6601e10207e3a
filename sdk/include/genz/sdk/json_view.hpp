// Typed, validated access to a JSON document with errors that name the file,
// the key path, what was expected and what was found. Header-only; used by the
// host and by plugins internally. Never pass these types across the plugin
// boundary: exchange JSON as text.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace genz {
inline namespace v1 {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Line and column (1-based) of a byte offset, for parse errors.
inline std::string line_column(std::string_view text, std::size_t offset) {
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

/// Parses JSON that may contain // and /* */ comments. A key given twice in
/// one object is refused: the parser would keep the last one silently.
inline nlohmann::json parse_json(std::string_view text, const std::string& source) {
  using Event = nlohmann::json::parse_event_t;
  std::vector<std::vector<std::string>> keys;  // per open object
  const auto no_duplicates = [&](int, Event event, nlohmann::json& parsed) {
    if (event == Event::object_start) keys.emplace_back();
    if (event == Event::object_end && !keys.empty()) keys.pop_back();
    if (event == Event::key && !keys.empty()) {
      const std::string key = parsed.get<std::string>();
      for (const auto& k : keys.back())
        if (k == key)
          throw InputError(source + ": key \"" + key +
                           "\" appears twice in one object (the second would silently replace the first)");
      keys.back().push_back(key);
    }
    return true;
  };
  try {
    return nlohmann::json::parse(text.begin(), text.end(), no_duplicates, true, true);
  } catch (const nlohmann::json::parse_error& e) {
    std::string what = e.what();
    const auto pos = what.find("parse error");
    throw InputError(source + ": not valid JSON at " + line_column(text, e.byte > 0 ? e.byte - 1 : 0) + " (" +
                     (pos == std::string::npos ? what : what.substr(pos)) + ")");
  } catch (const nlohmann::json::exception& e) {
    // e.g. out_of_range for a number beyond double (found by fuzz_hardware_json)
    std::string what = e.what();
    const auto pos = what.find("] ");
    throw InputError(source + ": not valid JSON (" + (pos == std::string::npos ? what : what.substr(pos + 2)) + ")");
  }
}

inline std::string type_name(const nlohmann::json& j) {
  std::string s = j.type_name();
  if (j.is_primitive() && !j.is_null()) {
    std::string v = j.dump();
    if (v.size() > 40) v = v.substr(0, 37) + "...";
    s += " " + v;
  }
  return s;
}

class JsonView {
 public:
  JsonView(const nlohmann::json& j, std::string source, std::string path = "")
      : j_(&j), source_(std::move(source)), path_(std::move(path)) {}

  const nlohmann::json& raw() const { return *j_; }

  /// Fails on a key not in `known`: a misspelt key would otherwise be
  /// silently ignored and its default used.
  void only_keys(std::initializer_list<const char*> known) const {
    if (!j_->is_object()) return;
    for (auto it = j_->begin(); it != j_->end(); ++it) {
      bool ok = false;
      std::string names;
      for (const char* k : known) {
        ok = ok || it.key() == k;
        names += std::string(names.empty() ? "" : ", ") + k;
      }
      if (!ok) fail(it.key(), "one of the known keys (" + names + ")", "unknown key \"" + it.key() + "\"");
    }
  }
  const std::string& path() const { return path_; }
  const std::string& source() const { return source_; }
  bool has(const char* key) const { return j_->is_object() && j_->contains(key) && !(*j_)[key].is_null(); }

  [[noreturn]] void fail(const std::string& key, const std::string& expected, const std::string& found) const {
    throw InputError(source_ + ": " + where(key) + ": expected " + expected + ", found " + found);
  }

  JsonView object(const char* key) const {
    const auto& v = at(key, "an object");
    if (!v.is_object()) fail(key, "an object", type_name(v));
    return JsonView(v, source_, path_ + "/" + key);
  }
  JsonView optional_object(const char* key) const {
    static const nlohmann::json empty = nlohmann::json::object();
    if (!has(key)) return JsonView(empty, source_, path_ + "/" + key);
    return object(key);
  }

  double number(const char* key, double lo, double hi) const {
    const auto& v = at(key, "a number");
    return check_number(key, v, lo, hi);
  }
  double number_or(const char* key, double fallback, double lo, double hi) const {
    return has(key) ? number(key, lo, hi) : fallback;
  }
  long long integer(const char* key, long long lo, long long hi) const {
    const double d = number(key, static_cast<double>(lo), static_cast<double>(hi));
    if (d != std::floor(d)) fail(key, "an integer", type_name((*j_)[key]));
    return static_cast<long long>(d);
  }
  long long integer_or(const char* key, long long fallback, long long lo, long long hi) const {
    return has(key) ? integer(key, lo, hi) : fallback;
  }
  std::string string(const char* key) const {
    const auto& v = at(key, "a string");
    if (!v.is_string()) fail(key, "a string", type_name(v));
    return v.get<std::string>();
  }
  std::string string_or(const char* key, const std::string& fallback) const {
    return has(key) ? string(key) : fallback;
  }
  bool boolean_or(const char* key, bool fallback) const {
    if (!has(key)) return fallback;
    const auto& v = (*j_)[key];
    if (!v.is_boolean()) fail(key, "true or false", type_name(v));
    return v.get<bool>();
  }

  std::string where(const std::string& key) const {
    return "key \"" + (path_.empty() ? key : path_.substr(1) + "/" + key) + "\"";
  }

 private:
  const nlohmann::json& at(const char* key, const char* expected) const {
    if (!j_->is_object())
      throw InputError(source_ + ": " + (path_.empty() ? "document" : path_) + ": expected an object, found " +
                       type_name(*j_));
    if (!has(key)) fail(key, expected, "nothing (the key is missing)");
    return (*j_)[key];
  }
  double check_number(const char* key, const nlohmann::json& v, double lo, double hi) const {
    if (!v.is_number()) fail(key, "a number", type_name(v));
    const double d = v.get<double>();
    if (!std::isfinite(d) || d < lo || d > hi) fail(key, "a number in [" + fmt(lo) + ", " + fmt(hi) + "]", fmt(d));
    return d;
  }
  static std::string fmt(double d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", d);
    return buf;
  }

  const nlohmann::json* j_;
  std::string source_;
  std::string path_;
};

}  // namespace v1
}  // namespace genz
