// Reports land atomically: every file is written to a temporary file in the
// target directory and renamed over the final name only when the whole run
// has succeeded. An interrupted run (SIGINT, SIGTERM) removes its temporary
// files, so a reader sees either the old file or the complete new one.
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

  /// Flushes, syncs and renames every file; throws Error on failure.
  std::vector<std::filesystem::path> commit();
  /// Removes the temporary files (also done by the destructor).
  void abort() noexcept;
  const std::string& last_error() const noexcept { return error_; }
  /// A reporter asked for a file that would replace one of the inputs.
  bool refused_an_input() const noexcept { return refused_input_; }

 private:
  struct File {
    std::filesystem::path final_path, temp_path;
    std::FILE* fp = nullptr;
  };
  std::filesystem::path dir_;
  std::vector<std::filesystem::path> inputs_;
  std::vector<File> files_;
  std::string error_;
  bool refused_input_ = false;
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

/// Writes one file atomically (temporary file in the same directory, then rename).
void write_file_atomically(const std::filesystem::path& path, const std::string& text);

/// SIGINT and SIGTERM remove the temporary files of every open
/// OutputDirectory, then the process exits with 128 + signal.
void install_interrupt_cleanup() noexcept;

}  // namespace genz
