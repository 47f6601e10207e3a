#include "genz/io/csv_reader.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "genz/host/error.hpp"

namespace genz {
namespace {
constexpr std::size_t kChunk = 1u << 20;
}

CsvReader CsvReader::open_file(const std::string& path, const std::string& flag) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw InputError(flag + " " + path + ": expected a file, found a directory");
  std::FILE* fp = std::fopen(path.c_str(), "rb");
  if (fp == nullptr) throw InputError(flag + " " + path + ": cannot be read: " + std::strerror(errno));
  return CsvReader(fp, {}, path);
}

CsvReader CsvReader::from_text(std::string_view text, std::string source) {
  return CsvReader(nullptr, text, std::move(source));
}

CsvReader::CsvReader(std::FILE* fp, std::string_view text, std::string source)
    : fp_(fp), text_(text), source_(std::move(source)) {}

CsvReader::CsvReader(CsvReader&& o) noexcept {
  *this = std::move(o);
}

CsvReader& CsvReader::operator=(CsvReader&& o) noexcept {
  if (this != &o) {
    if (fp_) std::fclose(fp_);
    fp_ = o.fp_;
    o.fp_ = nullptr;
    text_ = o.text_;
    buffer_ = std::move(o.buffer_);
    pos_ = o.pos_;
    end_ = o.end_;
    eof_ = o.eof_;
    source_ = std::move(o.source_);
    current_line_ = o.current_line_;
    record_line_ = o.record_line_;
    had_bom_ = o.had_bom_;
    started_ = o.started_;
    record_ = std::move(o.record_);
    bounds_ = std::move(o.bounds_);
  }
  return *this;
}

CsvReader::~CsvReader() {
  if (fp_) std::fclose(fp_);
}

bool CsvReader::fill() {
  if (eof_) return false;
  if (fp_ == nullptr) {  // memory source: one chunk, the whole text
    if (started_ && pos_ >= end_) {
      eof_ = true;
      return false;
    }
    buffer_.assign(text_.data(), text_.size());
    pos_ = 0;
    end_ = buffer_.size();
    started_ = true;
    if (end_ == 0) eof_ = true;
    return end_ > 0;
  }
  buffer_.resize(kChunk);
  const std::size_t n = std::fread(buffer_.data(), 1, kChunk, fp_);
  if (n == 0) {
    if (std::ferror(fp_)) fail(std::string("read error: ") + std::strerror(errno), current_line_);
    eof_ = true;
    return false;
  }
  started_ = true;
  pos_ = 0;
  end_ = n;
  return true;
}

int CsvReader::peek() {
  if (pos_ >= end_ && !fill()) return EOF;
  return static_cast<unsigned char>(buffer_[pos_]);
}

int CsvReader::get() {
  const int c = peek();
  if (c != EOF) ++pos_;
  return c;
}

void CsvReader::fail(const std::string& what, std::size_t line) const {
  throw InputError(source_ + ": line " + std::to_string(line) + ": " + what);
}

bool CsvReader::next(std::vector<std::string_view>& fields) {
  if (current_line_ == 1 && record_line_ == 0 && peek() == 0xEF) {
    // UTF-8 byte-order mark: EF BB BF (spreadsheet exports).
    const std::size_t save = pos_;
    if (get() == 0xEF && get() == 0xBB && get() == 0xBF)
      had_bom_ = true;
    else
      pos_ = save;
  }
  if (peek() == EOF) return false;
  record_.clear();
  bounds_.clear();
  record_line_ = current_line_;
  bool quoted = false, field_quoted = false, after_quote = false;
  for (;;) {
    const int c = get();
    if (c == EOF) {
      if (quoted) fail("unterminated quoted field (the quote opened here is never closed)", record_line_);
      break;
    }
    if (c == 0) fail("binary data (a NUL byte): expected a text CSV", current_line_);
    if (record_.size() > kMaxRecordBytes)
      fail("record longer than " + std::to_string(kMaxRecordBytes >> 20) + " MiB: expected one request per line",
           record_line_);
    if (quoted) {
      if (c == '"') {
        if (peek() == '"') {
          get();
          record_ += '"';
        } else {
          quoted = false;
          after_quote = true;
        }
      } else {
        if (c == '\n') ++current_line_;
        record_ += static_cast<char>(c);
      }
      continue;
    }
    if (c == ',') {
      bounds_.push_back(record_.size());
      field_quoted = after_quote = false;
      continue;
    }
    if (c == '\r' && peek() == '\n') continue;
    if (c == '\n') {
      ++current_line_;
      break;
    }
    if (c == '"' && !field_quoted && (bounds_.empty() ? record_.empty() : record_.size() == bounds_.back())) {
      quoted = field_quoted = true;
      continue;
    }
    if (after_quote) fail("text after a closing quote: expected a comma or the end of the line", current_line_);
    if (c == '"') fail("a quote inside an unquoted field: expected the whole field in quotes", current_line_);
    record_ += static_cast<char>(c);
  }
  bounds_.push_back(record_.size());
  fields.clear();
  std::size_t start = 0;
  for (std::size_t b : bounds_) {
    fields.emplace_back(record_.data() + start, b - start);
    start = b;
  }
  return true;
}

}  // namespace genz
