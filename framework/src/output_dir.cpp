#include "genz/output_dir.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>

#include "genz/error.hpp"

namespace genz {
namespace fs = std::filesystem;
namespace {

// Temporary paths the signal handler may remove: fixed storage, no allocation
// in the handler (unlink(2) and _exit(2) are async-signal-safe).
constexpr int kMaxTemps = 256;
constexpr std::size_t kMaxPath = 4096;
char g_temps[kMaxTemps][kMaxPath];
std::atomic<bool> g_used[kMaxTemps];

int remember(const std::string& path) {
  if (path.size() >= kMaxPath) return -1;
  for (int i = 0; i < kMaxTemps; ++i) {
    bool expected = false;
    if (g_used[i].compare_exchange_strong(expected, true)) {
      std::memcpy(g_temps[i], path.c_str(), path.size() + 1);
      return i;
    }
  }
  return -1;
}

void forget(const std::string& path) {
  for (int i = 0; i < kMaxTemps; ++i)
    if (g_used[i].load() && path == g_temps[i]) g_used[i].store(false);
}

extern "C" void on_interrupt(int sig) {
  for (int i = 0; i < kMaxTemps; ++i)
    if (g_used[i].load()) ::unlink(g_temps[i]);
  const char msg[] = "\ngenz: interrupted; no output file was changed\n";
  ssize_t ignored = ::write(STDERR_FILENO, msg, sizeof msg - 1);
  (void)ignored;
  ::_exit(128 + sig);
}

bool valid_name(const std::string& n) {
  if (n.empty() || n.size() > 200 || n[0] == '.') return false;
  for (char c : n)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) return false;
  return true;
}

fs::path canonical_or_self(const fs::path& p) {
  std::error_code ec;
  const fs::path c = fs::weakly_canonical(fs::absolute(p, ec), ec);
  return ec ? p : c;
}

}  // namespace

OutputDirectory::OutputDirectory(fs::path dir, std::vector<fs::path> inputs) : dir_(std::move(dir)) {
  std::error_code ec;
  if (fs::exists(dir_, ec) && !fs::is_directory(dir_, ec))
    throw InputError("--out " + dir_.string() + ": expected a directory, found a file");
  fs::create_directories(dir_, ec);
  if (ec) throw InputError("--out " + dir_.string() + ": cannot create the directory: " + ec.message());
  for (const auto& in : inputs) inputs_.push_back(canonical_or_self(in));
}

OutputDirectory::~OutputDirectory() {
  abort();
}

int OutputDirectory::open(const char* file_name) noexcept {
  try {
    const std::string name = file_name ? file_name : "";
    if (!valid_name(name)) {
      error_ = "a reporter asked for the file name '" + name + "' (expected letters, digits, '.', '_', '-')";
      return -1;
    }
    File f;
    f.final_path = dir_ / name;
    for (const auto& in : inputs_)
      if (canonical_or_self(f.final_path) == in) {
        error_ = "refusing to overwrite the input " + in.string() + " with a report of the same name";
        refused_input_ = true;
        return -1;
      }
    f.temp_path = dir_ / ("." + name + ".tmp-" + std::to_string(::getpid()));
    if (remember(f.temp_path.string()) < 0) {
      error_ = "too many output files";
      return -1;
    }
    f.fp = std::fopen(f.temp_path.c_str(), "wb");
    if (f.fp == nullptr) {
      error_ = "cannot write " + f.temp_path.string() + ": " + std::strerror(errno);
      forget(f.temp_path.string());
      return -1;
    }
    files_.push_back(std::move(f));
    return static_cast<int>(files_.size() - 1);
  } catch (...) {
    error_ = "out of memory opening an output file";
    return -1;
  }
}

bool OutputDirectory::write(int file, const char* data, std::size_t size) noexcept {
  if (file < 0 || static_cast<std::size_t>(file) >= files_.size() || files_[file].fp == nullptr) return false;
  if (std::fwrite(data, 1, size, files_[file].fp) != size) {
    error_ = "cannot write " + files_[file].temp_path.string() + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

std::vector<fs::path> OutputDirectory::commit() {
  for (auto& f : files_) {
    const bool ok = std::fflush(f.fp) == 0 && ::fsync(::fileno(f.fp)) == 0;
    const bool closed = std::fclose(f.fp) == 0;
    f.fp = nullptr;
    if (!ok || !closed) throw Error("cannot finish " + f.temp_path.string() + ": " + std::strerror(errno));
  }
  std::vector<fs::path> done;
  for (auto& f : files_) {
    std::error_code ec;
    fs::rename(f.temp_path, f.final_path, ec);
    if (ec) throw Error("cannot move " + f.temp_path.string() + " to " + f.final_path.string() + ": " + ec.message());
    forget(f.temp_path.string());
    done.push_back(f.final_path);
  }
  files_.clear();
  return done;
}

void OutputDirectory::abort() noexcept {
  for (auto& f : files_) {
    if (f.fp) std::fclose(f.fp);
    f.fp = nullptr;
    std::error_code ec;
    fs::remove(f.temp_path, ec);
    forget(f.temp_path.string());
  }
  files_.clear();
}

int MemorySink::open(const char*) noexcept {
  if (opened_) return -1;  // one document only
  opened_ = true;
  return 0;
}

bool MemorySink::write(int file, const char* data, std::size_t size) noexcept {
  if (file != 0) return false;
  try {
    text_.append(data, size);
    return true;
  } catch (...) {
    return false;
  }
}

void write_file_atomically(const fs::path& path, const std::string& text) {
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  OutputDirectory out(dir, {});
  const int f = out.open(path.filename().c_str());
  if (f < 0 || !out.write(f, text.data(), text.size()))
    throw Error("cannot write " + path.string() + ": " + out.last_error());
  out.commit();
}

void install_interrupt_cleanup() noexcept {
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

}  // namespace genz
