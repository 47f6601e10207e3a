#include "genz/io/text_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "genz/host/error.hpp"

namespace genz {

// The size is checked while reading, not from the file's metadata: a device
// (/dev/zero), a FIFO or /proc file reports no size or a wrong one.
std::string read_text_file(const std::string& path, const std::string& flag, std::size_t max_bytes) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) throw InputError(flag + " " + path + ": no such file");
  if (fs::is_directory(status)) throw InputError(flag + " " + path + ": expected a file, found a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(flag + " " + path + ": cannot be read: " + std::strerror(errno));
  std::string text;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_bytes)
      throw InputError(flag + " " + path + ": expected at most " + std::to_string(max_bytes >> 20) +
                       " MiB, found more (read stopped there)");
  }
  if (in.bad()) throw InputError(flag + " " + path + ": cannot be read: " + std::strerror(errno));
  return text;
}

}  // namespace genz
