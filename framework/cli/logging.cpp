#include "logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace genz::cli {

void init_logging(int verbosity) {
  auto logger = spdlog::stderr_color_mt("genz");
  logger->set_pattern("genz: %^%l%$: %v");
  logger->set_level(verbosity > 0 ? spdlog::level::debug : verbosity < 0 ? spdlog::level::warn : spdlog::level::info);
  spdlog::set_default_logger(logger);
}

}  // namespace genz::cli
