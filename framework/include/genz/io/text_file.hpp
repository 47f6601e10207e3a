// Reading a whole (small) input file with errors that name the flag and file.
#pragma once

#include <string>

namespace genz {

/// Reads `path`, given by `flag`. Throws InputError: missing, a directory,
/// unreadable, or larger than max_bytes.
std::string read_text_file(const std::string& path, const std::string& flag, std::size_t max_bytes = 64u << 20);

}  // namespace genz
