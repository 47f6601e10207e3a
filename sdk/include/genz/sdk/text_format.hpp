// Number and field formatting for reporters (the shipped ones and third
// parties'): shortest round-trip decimal,
// never "nan" or "inf" (genz never produces them; a reporter would rather
// write an empty field than a lie).
#pragma once

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

namespace genz::reports {

inline std::string num(double v) {
  if (!std::isfinite(v)) return "";
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

inline std::string fixed(double v, int decimals) {
  if (!std::isfinite(v)) return "";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

/// RFC 4180 field: quoted when it holds a comma, quote or line break.
inline std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

inline std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace genz::reports

namespace genz::reports {

/// Appends fields to one reusable buffer without temporaries: the reporters'
/// per-request rows (a million-request trace must stream in seconds).
class Line {
 public:
  Line& num(double v) {
    if (std::isfinite(v)) {
      char buf[32];
      const auto r = std::to_chars(buf, buf + sizeof buf, v);
      s_.append(buf, r.ptr);
    }
    return *this;
  }
  Line& raw(std::string_view t) {
    s_.append(t);
    return *this;
  }
  Line& ch(char c) {
    s_.push_back(c);
    return *this;
  }
  /// An RFC 4180 field, quoted only when it must be.
  Line& csv(std::string_view t) {
    if (t.find_first_of(",\"\r\n") == std::string_view::npos) return raw(t);
    s_.push_back('"');
    for (char c : t) {
      if (c == '"') s_.push_back('"');
      s_.push_back(c);
    }
    s_.push_back('"');
    return *this;
  }
  /// A JSON string literal (quotes included).
  Line& json(std::string_view t) {
    s_.push_back('"');
    for (char c : t) {
      switch (c) {
        case '"': s_ += "\\\""; break;
        case '\\': s_ += "\\\\"; break;
        case '\n': s_ += "\\n"; break;
        case '\r': s_ += "\\r"; break;
        case '\t': s_ += "\\t"; break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(c));
            s_ += buf;
          } else {
            s_.push_back(c);
          }
      }
    }
    s_.push_back('"');
    return *this;
  }
  /// "key": number (a JSON member).
  Line& member(std::string_view key, double v) {
    s_.push_back('"');
    s_.append(key);
    s_ += "\": ";
    if (std::isfinite(v))
      num(v);
    else
      s_ += "null";
    return *this;
  }
  void clear() { s_.clear(); }
  const std::string& str() const { return s_; }

 private:
  std::string s_;
};

}  // namespace genz::reports
