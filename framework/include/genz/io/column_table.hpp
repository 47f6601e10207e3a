// A CSV table read by column name, plain or gzip-compressed (zlib reads
// both, so a table may be shipped either way). Every record must have the
// header's number of fields and numbers must parse whole: a truncated or
// malformed table is an error naming the file and the line.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "genz/io/csv_reader.hpp"

namespace genz {

/// The whole text of a file, inflated when it is gzip data. Throws InputError
/// naming the file when it cannot be read, is truncated or corrupt, or would
/// exceed kMaxTableBytes.
std::string read_maybe_gzip(const std::string& path);

class ColumnTable {
 public:
  static constexpr std::size_t kMaxTableBytes = std::size_t{1} << 30;

  explicit ColumnTable(const std::string& path);
  ColumnTable(std::string text, std::string source);  // tests
  ColumnTable(const ColumnTable&) = delete;           // the reader points into text_
  ColumnTable& operator=(const ColumnTable&) = delete;

  /// Moves to the next record; false at the end.
  bool next();
  bool has(std::string_view column) const noexcept;
  /// Index of a column; throws InputError naming the file and the column.
  std::size_t index(std::string_view column) const;
  double number(std::size_t column) const;
  double number(std::string_view column) const { return number(index(column)); }
  std::string_view text(std::size_t column) const noexcept { return fields_[column]; }
  /// The field of an optional column, empty when the table lacks it.
  std::string_view text_or_empty(std::string_view column) const;
  std::size_t line() const noexcept { return csv_.line(); }
  const std::string& source() const noexcept { return source_; }
  /// "file: line N" for messages about the current record.
  std::string where() const;

 private:
  std::string text_;  // owns what csv_ reads; declared before it
  std::string source_;
  CsvReader csv_;
  std::map<std::string, std::size_t, std::less<>> columns_;
  std::vector<std::string> names_;
  std::vector<std::string_view> fields_;
};

}  // namespace genz
