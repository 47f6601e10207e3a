#include "genz/io/column_table.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "genz/host/error.hpp"
#include "test_support.hpp"

namespace genz {
namespace {

std::filesystem::path write_gzip(const std::filesystem::path& p, const std::string& text) {
  gzFile f = gzopen(p.string().c_str(), "wb");
  EXPECT_NE(f, nullptr);
  EXPECT_EQ(gzwrite(f, text.data(), static_cast<unsigned>(text.size())), static_cast<int>(text.size()));
  gzclose(f);
  return p;
}

std::string error_of(const std::string& path) {
  try {
    ColumnTable t(path);
    while (t.next()) t.number("b");
  } catch (const InputError& e) {
    return e.what();
  }
  return {};
}

TEST(ColumnTable, ReadsPlainAndGzipTheSame) {
  test::TempDir t;
  const std::string text = "a,b\nx,1.5\ny,2\n";
  for (const auto& p : {t.file("t.csv", text), write_gzip(t.path() / "t.csv.gz", text)}) {
    ColumnTable table(p.string());
    ASSERT_TRUE(table.next());
    EXPECT_EQ(table.text(table.index("a")), "x");
    EXPECT_EQ(table.number("b"), 1.5);
    ASSERT_TRUE(table.next());
    EXPECT_EQ(table.number("b"), 2);
    EXPECT_FALSE(table.next());
  }
}

TEST(ColumnTable, ATruncatedGzipStreamIsAnErrorNamingTheFile) {
  test::TempDir t;
  std::string text = "a,b\n";
  for (int i = 0; i < 5000; ++i) text += "row" + std::to_string(i) + "," + std::to_string(i) + "\n";
  const auto whole = write_gzip(t.path() / "whole.csv.gz", text);
  const auto size = std::filesystem::file_size(whole);
  std::filesystem::copy_file(whole, t.path() / "cut.csv.gz");
  std::filesystem::resize_file(t.path() / "cut.csv.gz", size / 2);
  const std::string e = error_of((t.path() / "cut.csv.gz").string());
  EXPECT_NE(e.find("cut.csv.gz"), std::string::npos) << e;
  EXPECT_NE(e.find("truncated"), std::string::npos) << e;
  EXPECT_EQ(error_of(whole.string()), "");
}

TEST(ColumnTable, ATruncatedPlainTableNamesTheLine) {
  test::TempDir t;
  const std::string e = error_of(t.file("t.csv", "a,b\nx,1\ny").string());
  EXPECT_NE(e.find("t.csv: line 3"), std::string::npos) << e;
  EXPECT_NE(e.find("expected 2 fields"), std::string::npos) << e;
}

TEST(ColumnTable, ANonNumberNamesLineAndColumn) {
  test::TempDir t;
  const std::string e = error_of(t.file("t.csv", "a,b\nx,1\ny,fast\n").string());
  EXPECT_NE(e.find("line 3, column b: expected a number, found 'fast'"), std::string::npos) << e;
}

TEST(ColumnTable, MissingColumnsAndEmptyFilesAreErrors) {
  test::TempDir t;
  EXPECT_NE(error_of(t.file("t.csv", "a,c\nx,1\n").string()).find("expected a column 'b'"), std::string::npos);
  EXPECT_NE(error_of(t.file("e.csv", "").string()).find("empty file"), std::string::npos);
  EXPECT_NE(error_of(t.file("d.csv", "b,b\n1,2\n").string()).find("appears twice"), std::string::npos);
  EXPECT_NE(error_of((t.path() / "absent.csv").string()).find("cannot be opened"), std::string::npos);
}

}  // namespace
}  // namespace genz
