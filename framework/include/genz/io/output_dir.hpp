// Reports land atomically: every file is written to a temporary file in the
// target directory and renamed over the final name only when the whole run
// has succeeded. An interrupted run (SIGINT, SIGTERM, SIGHUP) removes its
// temporary files, so a reader sees either the old file or the complete new
// one; temporaries left by a process that died (SIGKILL) are removed by the
// next run that writes into the same directory.
//
// A final name must be new or a regular file: a rename would replace a
// device, FIFO, socket, directory or symbolic link by a regular file, so
// those are refused before anything is written. Temporary files are created
// with O_EXCL | O_NOFOLLOW, so a planted file or link is never written
// through.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "genz/sdk/report.hpp"

namespace genz {

class OutputDirectory final : public OutputSink {
 public:
  /// Creates dir if missing. Files whose final path is one of `inputs` are
  /// refused: the input trace is never overwritten.
  OutputDirectory(std::filesystem::path dir, std::vector<std::filesystem::path> inputs);
  ~OutputDirectory() override;
  OutputDirectory(const OutputDirectory&) = delete;
  OutputDirectory& operator=(const OutputDirectory&) = delete;

  int open(const char* file_name) noexcept override;
  bool write(int file, const char* data, std::size_t size) noexcept override;
  using OutputSink::write;

  /// Flushes and syncs every file, checks every final name again, then
  /// renames them all; throws Error (InputError for a refused name) before
  /// the first rename if anything is wrong.
  std::vector<std::filesystem::path> commit();
  /// Removes the temporary files (also done by the destructor).
  void abort() noexcept;
  const std::string& last_error() const noexcept { return error_; }
  /// A file was refused because of what the user asked (it would replace an
  /// input, a non-regular file, or a file already written in this run).
  bool refused_by_input() const noexcept { return refused_; }

 private:
  struct File {
    std::filesystem::path final_path, temp_path;
    std::FILE* fp = nullptr;
  };
  int refuse(std::string why) noexcept;  // records why; returns -1
  std::filesystem::path dir_;
  std::vector<std::filesystem::path> inputs_;
  std::vector<File> files_;
  std::string error_;
  bool refused_ = false;
};

/// Collects one file in memory (for --json on stdout).
class MemorySink final : public OutputSink {
 public:
  int open(const char*) noexcept override;
  bool write(int file, const char* data, std::size_t size) noexcept override;
  using OutputSink::write;
  const std::string& text() const noexcept { return text_; }

 private:
  std::string text_;
  bool opened_ = false;
};

/// Why `path` cannot be replaced by an output file ("" when it can: it does
/// not exist or is a regular file). Symbolic links are not followed.
std::string unreplaceable_reason(const std::filesystem::path& path);

/// Throws InputError when `path` may not be written: it is one of `inputs`
/// (the same file, by path or inode), or exists and is not a regular file.
void check_output_file(const std::filesystem::path& path, const std::vector<std::filesystem::path>& inputs,
                       const std::string& flag = "--out");

/// Writes one file atomically (temporary file in the same directory, then
/// rename). `flag` names the option that chose the path, for messages; a path
/// that is one of `inputs`, or not a regular file, is an InputError.
void write_file_atomically(const std::filesystem::path& path, const std::string& text,
                           const std::vector<std::filesystem::path>& inputs = {}, const std::string& flag = "--out");

/// Removes `.NAME.tmp-PID` files in dir whose process no longer exists.
/// Returns how many were removed.
std::size_t remove_stale_temporaries(const std::filesystem::path& dir) noexcept;

/// SIGINT, SIGTERM and SIGHUP remove the temporary files of every open
/// OutputDirectory, then the process exits with 128 + signal.
void install_interrupt_cleanup() noexcept;

}  // namespace genz
