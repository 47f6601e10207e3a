// The configuration of a run as reporters show it.
#pragma once

#include <string>

#include "genz/sdk/report.hpp"
#include "options.hpp"
#include "session.hpp"

namespace genz::cli {

RunInfo run_info(const Session& s, const Options& o, const std::string& trace, bool has_measurements = false);

}  // namespace genz::cli
