#include "genz/output_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "genz/error.hpp"
#include "test_support.hpp"

namespace genz {
namespace {

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::size_t count_files(const std::filesystem::path& dir) {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) n += e.is_regular_file() ? 1 : 0;
  return n;
}

TEST(OutputDirectory, FilesAppearOnlyOnCommit) {
  test::TempDir t;
  t.file("report.csv", "old");
  {
    OutputDirectory out(t.path(), {});
    const int f = out.open("report.csv");
    ASSERT_GE(f, 0);
    ASSERT_TRUE(out.write(f, std::string("new")));
    EXPECT_EQ(read(t.path() / "report.csv"), "old");
    out.commit();
  }
  EXPECT_EQ(read(t.path() / "report.csv"), "new");
  EXPECT_EQ(count_files(t.path()), 1u);  // no temporary file left
}

TEST(OutputDirectory, AnAbortedRunLeavesTheOldFile) {
  test::TempDir t;
  t.file("report.csv", "old");
  {
    OutputDirectory out(t.path(), {});
    const int f = out.open("report.csv");
    out.write(f, std::string("half"));
  }  // destroyed without commit
  EXPECT_EQ(read(t.path() / "report.csv"), "old");
  EXPECT_EQ(count_files(t.path()), 1u);
}

TEST(OutputDirectory, TheInputIsNeverOverwritten) {
  test::TempDir t;
  const auto trace = t.file("chat.csv", "input_tokens,output_tokens\n1,2\n");
  OutputDirectory out(t.path(), {trace});
  EXPECT_EQ(out.open("chat.csv"), -1);
  EXPECT_NE(out.last_error().find("refusing to overwrite the input"), std::string::npos);
  EXPECT_EQ(out.open("../escape.csv"), -1);
  EXPECT_EQ(out.open(".hidden"), -1);
}

TEST(OutputDirectory, CreatesTheDirectoryAndRefusesAFile) {
  test::TempDir t;
  OutputDirectory out(t.path() / "a" / "b", {});
  EXPECT_TRUE(std::filesystem::is_directory(t.path() / "a" / "b"));
  const auto file = t.file("plain", "x");
  EXPECT_THROW(OutputDirectory(file, {}), InputError);
}

TEST(OutputDirectory, WriteFileAtomically) {
  test::TempDir t;
  write_file_atomically(t.path() / "x.json", "{}\n");
  EXPECT_EQ(read(t.path() / "x.json"), "{}\n");
}

}  // namespace
}  // namespace genz
