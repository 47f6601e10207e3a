// genz make-trace: a synthetic request trace shaped like chat traffic, for
// examples and benchmarks. Prompt and output lengths are log-normal
// (medians 600 and 180 tokens, the shape of ShareGPT-style conversations;
// not a measurement), capped so every request fits a 4096-token context.
// The generator is self-contained (no std:: distributions, whose output
// differs between standard libraries), so a seed gives the same file
// everywhere.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "commands.hpp"
#include "genz/host/error.hpp"
#include "genz/io/output_dir.hpp"

namespace genz::cli {
namespace {

// splitmix64: small, fast, fully specified.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  double uniform() {  // (0, 1)
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (static_cast<double>(z >> 11) + 0.5) / 9007199254740992.0;
  }
  double normal() {  // Box-Muller
    const double u = uniform(), v = uniform();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
  }

 private:
  std::uint64_t state_;
};

double lognormal_tokens(Random& r, double median, double sigma, double lo, double hi) {
  return std::clamp(std::round(median * std::exp(sigma * r.normal())), lo, hi);
}

}  // namespace

int run_make_trace(const Options& o) {
  if (o.requests == 0 || o.requests > 100000000ULL)
    throw InputError("make-trace: --requests must be between 1 and 100000000");
  if (o.out_dir.empty()) throw InputError("make-trace: give the file to write with --out FILE.csv");
  check_output_file(o.out_dir, input_paths(o));
  Random rng(o.seed);
  std::string text = "request_id,input_tokens,output_tokens\n";
  text.reserve(static_cast<std::size_t>(o.requests) * 16);
  char line[64];
  for (unsigned long long i = 0; i < o.requests; ++i) {
    const double in = lognormal_tokens(rng, 600, 1.0, 8, 3800);
    const double out = lognormal_tokens(rng, 180, 0.6, 8, 4096 - in > 512 ? 512 : 4096 - in);
    std::snprintf(line, sizeof line, "%llu,%.0f,%.0f\n", i, in, out);
    text += line;
  }
  write_file_atomically(o.out_dir, text, input_paths(o));
  spdlog::info("wrote {} requests to {}", o.requests, o.out_dir);
  return 0;
}

}  // namespace genz::cli
