// The genz commands; each returns the process exit code.
#pragma once

#include "options.hpp"

namespace genz::cli {

int run_predict(const Options& o);
int run_plugins(const Options& o);
int run_memory(const Options& o);
int run_calibrate(const Options& o);
int run_validate(const Options& o);
int run_make_trace(const Options& o);
int run_sweep(const Options& o);

}  // namespace genz::cli
