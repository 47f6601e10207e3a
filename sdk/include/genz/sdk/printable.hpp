// Text from files and plugins (a hardware "name", a config's
// "_name_or_path", an error quoting a trace field) may hold control
// characters. Written raw to a terminal, ESC sequences rewrite the screen or
// hide what precedes them; a newline or NUL forges or cuts a line. printable()
// shows each such byte as \xNN and leaves all other text, UTF-8 included, as
// it is.
#pragma once

#include <string>
#include <string_view>

namespace genz {
inline namespace v1 {

/// keep_newlines: for a multi-line message genz itself composed (an error
/// listing alternatives); names and values from files never keep them.
inline std::string printable(std::string_view text, bool keep_newlines = false) {
  static const char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    // C0 controls, DEL, and the C1 controls U+0080..U+009F (UTF-8 C2 80..C2 9F).
    const bool c1 = c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(text[i + 1]) <= 0x9F;
    if ((c >= 0x20 && c != 0x7F && !c1) || (keep_newlines && c == '\n')) {
      out += static_cast<char>(c);
      continue;
    }
    const std::size_t n = c1 ? 2 : 1;
    for (std::size_t k = 0; k < n; ++k) {
      const auto b = static_cast<unsigned char>(text[i + k]);
      out += "\\x";
      out += hex[b >> 4];
      out += hex[b & 15];
    }
    i += n - 1;
  }
  return out;
}

}  // namespace v1
}  // namespace genz
