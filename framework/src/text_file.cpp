#include "genz/text_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "genz/error.hpp"

namespace genz {

std::string read_text_file(const std::string& path, const std::string& flag, std::size_t max_bytes) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) throw InputError(flag + " " + path + ": no such file");
  if (fs::is_directory(status)) throw InputError(flag + " " + path + ": expected a file, found a directory");
  const auto size = fs::file_size(path, ec);
  if (!ec && size > max_bytes)
    throw InputError(flag + " " + path + ": expected at most " + std::to_string(max_bytes >> 20) + " MiB, found " +
                     std::to_string(size >> 20) + " MiB");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(flag + " " + path + ": cannot be read: " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace genz
