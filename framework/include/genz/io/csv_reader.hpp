// A streaming RFC 4180 reader: quoted fields may hold commas, doubled quotes
// and line breaks; records end with LF or CRLF; a UTF-8 byte-order mark is
// skipped. Errors name the source and the line where the record started.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace genz {

class CsvReader {
 public:
  static constexpr std::size_t kMaxRecordBytes = 16u << 20;  // a longer record is an error, not a hang

  /// Reads a file (throws InputError if it cannot be opened).
  static CsvReader open_file(const std::string& path, const std::string& flag);
  /// Reads text in memory (tests, fuzzing).
  static CsvReader from_text(std::string_view text, std::string source);

  CsvReader(CsvReader&&) noexcept;
  CsvReader& operator=(CsvReader&&) noexcept;
  ~CsvReader();

  /// The next record's fields, valid until the next call; false at the end.
  bool next(std::vector<std::string_view>& fields);
  /// Line (1-based) where the last record returned started.
  std::size_t line() const noexcept { return record_line_; }
  const std::string& source() const noexcept { return source_; }
  bool had_bom() const noexcept { return had_bom_; }

 private:
  CsvReader(std::FILE* fp, std::string_view text, std::string source);
  bool fill();
  int peek();
  int get();
  [[noreturn]] void fail(const std::string& what, std::size_t line) const;

  std::FILE* fp_ = nullptr;
  std::string_view text_;  // when reading from memory
  std::string buffer_;
  std::size_t pos_ = 0, end_ = 0;
  bool eof_ = false;
  std::string source_;
  std::size_t current_line_ = 1, record_line_ = 0;
  bool had_bom_ = false, started_ = false;
  std::string record_;
  std::vector<std::size_t> bounds_;
};

}  // namespace genz
