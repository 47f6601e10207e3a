#include "genz/io/output_dir.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>

#include "genz/host/error.hpp"

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

// The same file: the same resolved path, or (hard links) the same inode.
bool same_file(const fs::path& a, const fs::path& b) {
  if (canonical_or_self(a) == canonical_or_self(b)) return true;
  struct stat sa {
  }, sb{};
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

const char* file_type_name(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISLNK(m)) return "a symbolic link";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
}

// Creates the temporary file itself, never through a planted link or file:
// O_EXCL | O_NOFOLLOW. A leftover of this pid (pid reuse after a SIGKILL) is
// unlinked first; unlinking a link or file removes only the name.
std::FILE* create_temporary(const fs::path& p, std::string& error) {
  const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
  int fd = ::open(p.c_str(), flags, 0666);
  if (fd < 0 && errno == EEXIST && ::unlink(p.c_str()) == 0) fd = ::open(p.c_str(), flags, 0666);
  if (fd < 0) {
    error = "cannot create " + p.string() + ": " + std::strerror(errno);
    return nullptr;
  }
  std::FILE* fp = ::fdopen(fd, "wb");
  if (fp == nullptr) {
    error = "cannot write " + p.string() + ": " + std::strerror(errno);
    ::close(fd);
  }
  return fp;
}

// ".NAME.tmp-PID" -> PID, or 0 when the name is not one of ours.
pid_t temporary_owner(const std::string& name) {
  const auto at = name.rfind(".tmp-");
  if (name.size() < 7 || name[0] != '.' || at == std::string::npos || at == 0) return 0;
  const std::string digits = name.substr(at + 5);
  if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) return 0;
  return static_cast<pid_t>(std::stol(digits));
}

}  // namespace

std::string unreplaceable_reason(const fs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return errno == ENOENT ? "" : std::string(std::strerror(errno));
  if (S_ISREG(st.st_mode)) return "";
  return std::string("expected a regular file or a new name, found ") + file_type_name(st.st_mode) +
         " (genz replaces its outputs by rename, which would replace it)";
}

std::size_t remove_stale_temporaries(const fs::path& dir) noexcept {
  std::size_t removed = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const pid_t pid = temporary_owner(it->path().filename().string());
    if (pid <= 0 || pid == ::getpid()) continue;
    if (::kill(pid, 0) == 0 || errno != ESRCH) continue;  // alive, or not ours to judge
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) == 0 && st.st_uid == ::geteuid() && ::unlink(it->path().c_str()) == 0)
      ++removed;
  }
  return removed;
}

OutputDirectory::OutputDirectory(fs::path dir, std::vector<fs::path> inputs) : dir_(std::move(dir)) {
  std::error_code ec;
  if (fs::exists(dir_, ec) && !fs::is_directory(dir_, ec))
    throw InputError("--out " + dir_.string() + ": expected a directory, found a file");
  fs::create_directories(dir_, ec);
  if (ec) throw InputError("--out " + dir_.string() + ": cannot create the directory: " + ec.message());
  inputs_ = std::move(inputs);
  remove_stale_temporaries(dir_);
}

OutputDirectory::~OutputDirectory() {
  abort();
}

int OutputDirectory::refuse(std::string why) noexcept {
  error_ = std::move(why);
  refused_ = true;
  return -1;
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
    for (const auto& other : files_)
      if (other.final_path == f.final_path)
        return refuse(name + " is written twice in one run (is a report named twice in --report?)");
    for (const auto& in : inputs_)
      if (same_file(f.final_path, in))
        return refuse("refusing to overwrite the input " + canonical_or_self(in).string() +
                      " with a report of the same name");
    if (const std::string why = unreplaceable_reason(f.final_path); !why.empty())
      return refuse(f.final_path.string() + ": " + why);
    f.temp_path = dir_ / ("." + name + ".tmp-" + std::to_string(::getpid()));
    if (remember(f.temp_path.string()) < 0) {
      error_ = "too many output files";
      return -1;
    }
    f.fp = create_temporary(f.temp_path, error_);
    if (f.fp == nullptr) {
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
  // Everything is checked before the first rename, so a failure leaves the
  // old set of files, never a mix of old and new.
  for (auto& f : files_)
    if (const std::string why = unreplaceable_reason(f.final_path); !why.empty())
      throw InputError(f.final_path.string() + ": " + why);
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

void check_output_file(const fs::path& path, const std::vector<fs::path>& inputs, const std::string& flag) {
  for (const auto& in : inputs)
    if (same_file(path, in))
      throw InputError(flag + " " + path.string() + ": is also an input of this run; refusing to overwrite it");
  if (const std::string why = unreplaceable_reason(path); !why.empty())
    throw InputError(flag + " " + path.string() + ": " + why);
}

void write_file_atomically(const fs::path& path, const std::string& text, const std::vector<fs::path>& inputs,
                           const std::string& flag) {
  check_output_file(path, inputs, flag);
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  OutputDirectory out(dir, {});
  const int f = out.open(path.filename().c_str());
  if (f < 0 && out.refused_by_input()) throw InputError(flag + " " + path.string() + ": " + out.last_error());
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
  ::sigaction(SIGHUP, &sa, nullptr);
}

}  // namespace genz
