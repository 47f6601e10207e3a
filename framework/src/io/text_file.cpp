#include "genz/io/text_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "genz/host/error.hpp"

namespace genz {
namespace {

// Closes the descriptor on every path out.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

// The size is checked while reading, not from the file's metadata: a device
// (/dev/zero), a FIFO or a /proc file reports no size or a wrong one. The file
// is opened without blocking, so a FIFO nobody writes to reads as empty
// instead of hanging in open(2); reads then wait for a writer's data as usual.
std::string read_text_file(const std::string& path, const std::string& flag, std::size_t max_bytes) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) throw InputError(flag + " " + path + ": no such file");
  if (fs::is_directory(status)) throw InputError(flag + " " + path + ": expected a file, found a directory");
  Fd f{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
  if (f.fd < 0) throw InputError(flag + " " + path + ": cannot be read: " + std::strerror(errno));
  const int flags = ::fcntl(f.fd, F_GETFL);
  if (flags >= 0) ::fcntl(f.fd, F_SETFL, flags & ~O_NONBLOCK);
  std::string text;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(f.fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw InputError(flag + " " + path + ": cannot be read: " + std::strerror(errno));
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > max_bytes)
      throw InputError(flag + " " + path + ": expected at most " + std::to_string(max_bytes >> 20) +
                       " MiB, found more (read stopped there)");
  }
  return text;
}

}  // namespace genz
