#include "genz/io/column_table.hpp"

#include <zlib.h>

#include <charconv>
#include <memory>

#include "genz/host/error.hpp"

namespace genz {
namespace {

struct GzCloser {
  void operator()(gzFile f) const noexcept { gzclose(f); }
};

// zlib's message, without the file name it starts with (the caller names it).
std::string zlib_message(gzFile f, const std::string& path) {
  int code = Z_OK;
  const char* m = gzerror(f, &code);
  std::string s = code == Z_OK || m == nullptr ? std::string() : std::string(m);
  if (s.rfind(path + ": ", 0) == 0) s.erase(0, path.size() + 2);
  return s;
}

}  // namespace

std::string read_maybe_gzip(const std::string& path) {
  std::unique_ptr<gzFile_s, GzCloser> f(gzopen(path.c_str(), "rb"));
  if (!f) throw InputError(path + ": cannot be opened");
  std::string out;
  char buffer[1 << 16];
  for (;;) {
    const int n = gzread(f.get(), buffer, sizeof buffer);
    if (n < 0) throw InputError(path + ": corrupt compressed data (zlib: " + zlib_message(f.get(), path) + ")");
    if (n == 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
    if (out.size() > ColumnTable::kMaxTableBytes)
      throw InputError(path + ": larger than " + std::to_string(ColumnTable::kMaxTableBytes >> 20) +
                       " MiB; expected a kernel table");
  }
  // A gzip stream cut short ends reads early with Z_BUF_ERROR instead of
  // failing them: the data so far is not the whole table.
  int code = Z_OK;
  gzerror(f.get(), &code);
  if (code != Z_OK)
    throw InputError(path + ": truncated or corrupt compressed data (zlib: " + zlib_message(f.get(), path) +
                     "); expected a whole gzip stream");
  return out;
}

ColumnTable::ColumnTable(const std::string& path) : ColumnTable(read_maybe_gzip(path), path) {}

ColumnTable::ColumnTable(std::string text, std::string source)
    : text_(std::move(text)), source_(std::move(source)), csv_(CsvReader::from_text(text_, source_)) {
  if (!csv_.next(fields_)) throw InputError(source_ + ": empty file; expected a header line");
  names_.assign(fields_.begin(), fields_.end());
  for (std::size_t i = 0; i < fields_.size(); ++i)
    if (!columns_.emplace(std::string(fields_[i]), i).second)
      throw InputError(source_ + ": line 1: column '" + std::string(fields_[i]) + "' appears twice");
}

bool ColumnTable::next() {
  if (!csv_.next(fields_)) return false;
  if (fields_.size() != columns_.size())
    throw InputError(where() + ": expected " + std::to_string(columns_.size()) + " fields as in the header, found " +
                     std::to_string(fields_.size()) + " (a truncated or malformed table)");
  return true;
}

bool ColumnTable::has(std::string_view column) const noexcept {
  return columns_.find(column) != columns_.end();
}

std::size_t ColumnTable::index(std::string_view column) const {
  const auto it = columns_.find(column);
  if (it == columns_.end()) throw InputError(source_ + ": expected a column '" + std::string(column) + "'");
  return it->second;
}

double ColumnTable::number(std::size_t column) const {
  const std::string_view s = fields_[column];
  double v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size())
    throw InputError(where() + ", column " + names_[column] + ": expected a number, found '" +
                     std::string(s.substr(0, 30)) + "'");
  return v;
}

std::string_view ColumnTable::text_or_empty(std::string_view column) const {
  const auto it = columns_.find(column);
  return it == columns_.end() ? std::string_view() : fields_[it->second];
}

std::string ColumnTable::where() const {
  return source_ + ": line " + std::to_string(csv_.line());
}

}  // namespace genz
