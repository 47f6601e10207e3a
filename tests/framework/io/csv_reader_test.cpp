#include "genz/io/csv_reader.hpp"

#include <gtest/gtest.h>

#include "genz/host/error.hpp"

namespace genz {
namespace {

std::vector<std::vector<std::string>> parse(std::string_view text) {
  CsvReader r = CsvReader::from_text(text, "t.csv");
  std::vector<std::vector<std::string>> out;
  std::vector<std::string_view> f;
  while (r.next(f)) out.emplace_back(f.begin(), f.end());
  return out;
}

std::string error_of(std::string_view text) {
  try {
    parse(text);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(CsvReader, QuotedFieldsHoldCommasQuotesAndNewlines) {
  const auto rows = parse("a,b,c\n1,\"x, \"\"y\"\"\nz\",3\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][1], "x, \"y\"\nz");
  EXPECT_EQ(rows[1][2], "3");
}

TEST(CsvReader, CrlfAndLfAndNoFinalNewline) {
  const auto rows = parse("a,b\r\n1,2\r\n3,4");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[2][1], "4");
  EXPECT_EQ(rows[1][1], "2");
}

TEST(CsvReader, EmptyFieldsAndByteOrderMark) {
  CsvReader r = CsvReader::from_text("\xEF\xBB\xBFx,y\n,\n", "t.csv");
  std::vector<std::string_view> f;
  ASSERT_TRUE(r.next(f));
  EXPECT_EQ(f[0], "x");
  EXPECT_TRUE(r.had_bom());
  ASSERT_TRUE(r.next(f));
  ASSERT_EQ(f.size(), 2u);
  EXPECT_TRUE(f[0].empty() && f[1].empty());
}

TEST(CsvReader, LineNumbersCountLinesInsideQuotes) {
  CsvReader r = CsvReader::from_text("h\n\"a\nb\nc\"\nnext\n", "t.csv");
  std::vector<std::string_view> f;
  r.next(f);
  r.next(f);
  EXPECT_EQ(r.line(), 2u);
  r.next(f);
  EXPECT_EQ(r.line(), 5u);
}

TEST(CsvReader, Errors) {
  EXPECT_EQ(error_of("a,b\n1,\"open\n2,3\n"),
            "t.csv: line 2: unterminated quoted field (the quote opened here is never closed)");
  EXPECT_EQ(error_of("a,b\n1,\"x\"y\n"),
            "t.csv: line 2: text after a closing quote: expected a comma or the end of the line");
  EXPECT_EQ(error_of("a,b\n1,x\"y\n"),
            "t.csv: line 2: a quote inside an unquoted field: expected the whole field in quotes");
  EXPECT_EQ(error_of(std::string("a,b\n1,\0\n", 8)), "t.csv: line 2: binary data (a NUL byte): expected a text CSV");
}

TEST(CsvReader, OverlongRecordsAreRefusedNotBuffered) {
  std::string text = "a\n" + std::string(CsvReader::kMaxRecordBytes + 10, 'x') + "\n";
  EXPECT_EQ(error_of(text), "t.csv: line 2: record longer than 16 MiB: expected one request per line");
}

}  // namespace
}  // namespace genz
