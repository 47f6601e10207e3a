#include "genz/io/output_dir.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "genz/host/error.hpp"
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

TEST(OutputDirectory, APlantedTemporaryLinkIsNeverWrittenThrough) {
  test::TempDir t;
  const auto victim = t.file("victim.txt", "precious");
  const auto planted = t.path() / (".report.csv.tmp-" + std::to_string(::getpid()));
  std::filesystem::create_symlink(victim, planted);
  {
    OutputDirectory out(t.path(), {});
    const int f = out.open("report.csv");
    ASSERT_GE(f, 0) << out.last_error();
    ASSERT_TRUE(out.write(f, std::string("new")));
    out.commit();
  }
  EXPECT_EQ(read(victim), "precious");
  EXPECT_EQ(read(t.path() / "report.csv"), "new");
}

TEST(OutputDirectory, RefusesToReplaceWhatIsNotARegularFile) {
  test::TempDir t;
  std::filesystem::create_directory(t.path() / "report.json");
  const auto target = t.file("target.csv", "x");
  std::filesystem::create_symlink(target, t.path() / "link.csv");
  OutputDirectory out(t.path(), {});
  EXPECT_EQ(out.open("report.json"), -1);
  EXPECT_TRUE(out.refused_by_input());
  EXPECT_NE(out.last_error().find("found a directory"), std::string::npos) << out.last_error();
  EXPECT_EQ(out.open("link.csv"), -1);
  EXPECT_NE(out.last_error().find("found a symbolic link"), std::string::npos) << out.last_error();
  EXPECT_NE(unreplaceable_reason("/dev/null").find("found a character device"), std::string::npos);
  EXPECT_EQ(unreplaceable_reason(t.path() / "new-name.csv"), "");
}

TEST(OutputDirectory, TheSameFileTwiceInOneRunIsRefused) {
  test::TempDir t;
  OutputDirectory out(t.path(), {});
  ASSERT_GE(out.open("predictions.csv"), 0);
  EXPECT_EQ(out.open("predictions.csv"), -1);
  EXPECT_NE(out.last_error().find("written twice"), std::string::npos);
}

// Checked again before the first rename: a name that became a directory
// while the run wrote leaves every old file as it was, none half-replaced.
TEST(OutputDirectory, ACommitThatCannotFinishReplacesNothing) {
  test::TempDir t;
  t.file("predictions.csv", "old");
  OutputDirectory out(t.path(), {});
  const int a = out.open("predictions.csv");
  const int b = out.open("report.json");
  ASSERT_GE(a, 0);
  ASSERT_GE(b, 0);
  out.write(a, std::string("new"));
  out.write(b, std::string("{}"));
  std::filesystem::create_directory(t.path() / "report.json");
  EXPECT_THROW(out.commit(), InputError);
  out.abort();
  EXPECT_EQ(read(t.path() / "predictions.csv"), "old");
  EXPECT_TRUE(std::filesystem::is_directory(t.path() / "report.json"));
  EXPECT_EQ(count_files(t.path()), 1u);
}

TEST(OutputDirectory, TemporariesOfDeadProcessesAreRemovedOthersKept) {
  test::TempDir t;
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ASSERT_GT(child, 0);
  ::waitpid(child, nullptr, 0);  // now a pid with no process
  t.file(".predictions.csv.tmp-" + std::to_string(child), "stale");
  t.file(".report.json.tmp-" + std::to_string(::getppid()), "a live process's");
  t.file(".notes.tmp-abc", "not ours");
  EXPECT_EQ(remove_stale_temporaries(t.path()), 1u);
  EXPECT_FALSE(std::filesystem::exists(t.path() / (".predictions.csv.tmp-" + std::to_string(child))));
  EXPECT_TRUE(std::filesystem::exists(t.path() / (".report.json.tmp-" + std::to_string(::getppid()))));
  EXPECT_TRUE(std::filesystem::exists(t.path() / ".notes.tmp-abc"));
}

TEST(OutputDirectory, WriteFileAtomicallyRefusesAnInputAndADevice) {
  test::TempDir t;
  const auto trace = t.file("tp1.csv", "input_tokens,output_tokens\n1,2\n");
  EXPECT_THROW(write_file_atomically(trace, "{}", {trace}), InputError);
  EXPECT_EQ(read(trace), "input_tokens,output_tokens\n1,2\n");
  // The same file under another name (a hard link) is still the input.
  std::filesystem::create_hard_link(trace, t.path() / "alias.csv");
  EXPECT_THROW(write_file_atomically(t.path() / "alias.csv", "{}", {trace}), InputError);
  EXPECT_THROW(write_file_atomically("/dev/null", "{}"), InputError);
}

}  // namespace
}  // namespace genz
