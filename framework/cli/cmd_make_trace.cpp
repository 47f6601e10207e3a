// genz make-trace: a synthetic request trace shaped like chat traffic, for
// examples and benchmarks. Prompt and output lengths are log-normal
// (medians 600 and 180 tokens, the shape of ShareGPT-style conversations;
// not a measurement), capped so every request fits a 4096-token context.
// The generator is the serving simulation's (genz/serving/workload.hpp:
// no std:: distributions, whose output differs between standard libraries),
// so a seed gives the same file everywhere.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "commands.hpp"
#include "genz/host/error.hpp"
#include "genz/io/output_dir.hpp"
#include "genz/serving/workload.hpp"

namespace genz::cli {

int run_make_trace(const Options& o) {
  if (o.requests == 0 || o.requests > 100000000ULL)
    throw InputError("make-trace: --requests must be between 1 and 100000000");
  if (o.out_dir.empty()) throw InputError("make-trace: give the file to write with --out FILE.csv");
  check_output_file(o.out_dir, input_paths(o));
  SplitMix rng(o.seed);
  std::string text = "request_id,input_tokens,output_tokens\n";
  text.reserve(static_cast<std::size_t>(o.requests) * 16);
  char line[64];
  for (unsigned long long i = 0; i < o.requests; ++i) {
    double in = 0, out = 0;
    chat_lengths(rng, in, out);
    std::snprintf(line, sizeof line, "%llu,%.0f,%.0f\n", i, in, out);
    text += line;
  }
  write_file_atomically(o.out_dir, text, input_paths(o));
  spdlog::info("wrote {} requests to {}", o.requests, o.out_dir);
  return 0;
}

}  // namespace genz::cli
