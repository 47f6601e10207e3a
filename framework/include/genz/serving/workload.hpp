// The requests a serving simulation receives: when each arrives and how
// long its prompt and its answer are.
//
// Arrivals come from a trace (column arrival_time or timestamp, seconds
// from any origin: the first arrival becomes 0), from a Poisson process of
// --rate requests/s, or from --concurrency clients that each send their next
// request when the previous one is answered (closed loop, as the common
// serving benchmarks do). Lengths come from the trace, are fixed, follow
// the named distribution "chat" (log-normal, as `genz make-trace`), or are
// log-normal around given means ("lognormal": a dataset known only by its
// mean lengths, such as the published benchmarks' conversation sets).
//
// Shared prefixes (for prefix caching): a trace's prefix_id and
// cached_tokens columns say which requests start with the same tokens and
// how many; synthetic traffic puts one of `prefix_groups` prefixes of
// `prefix_tokens` tokens in front of a `prefix_share` of the requests
// (a system prompt, few-shot examples, an agent's tool list).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace genz {

/// splitmix64 with Box-Muller: fully specified (std:: distributions differ
/// between standard libraries), so a seed gives the same numbers everywhere.
class SplitMix {
 public:
  explicit SplitMix(std::uint64_t seed) : state_(seed) {}
  double uniform();      // (0, 1)
  double normal();       // standard normal
  double exponential();  // mean 1
 private:
  std::uint64_t state_;
};

/// "chat": prompt log-normal around 600 tokens (sigma 1.0, 8..3800), answer
/// around 180 (sigma 0.6, 8..512, within a 4096-token context): the shape of
/// ShareGPT-style conversations, not a measurement.
void chat_lengths(SplitMix& rng, double& input, double& output);

/// "lognormal": prompt and answer each log-normal with the given means and
/// log-space spread `sigma` (0: the means exactly), at least 1 token.
void lognormal_lengths(SplitMix& rng, double mean_input, double mean_output, double sigma, double& input,
                       double& output);

struct ServingRequest {
  double arrival = 0;  // seconds; closed loop: set when the client sends it
  double input = 0, output = 0;
  // Disaggregated serving's decode side: the prompt was computed by a
  // prefill worker, its KV cache arrives with the request, and its first
  // token was out at `first_token` (s); `output` counts the tokens left.
  bool prefilled = false;
  double first_token = 0;
  // Its first prefix_tokens prompt tokens are those of every request with
  // the same prefix_group (0: none shared).
  std::uint32_t prefix_group = 0;
  double prefix_tokens = 0;
};

struct Workload {
  std::vector<ServingRequest> requests;
  unsigned concurrency = 0;  // > 0: closed loop with this many clients
  std::string description;   // "Poisson 4 req/s, chat lengths, seed 1"
};

enum class LengthKind { fixed, chat, trace, lognormal };

struct TrafficSpec {
  std::string trace;           // CSV; its arrival column is used unless rate/concurrency is given
  double rate = 0;             // Poisson arrivals per second
  unsigned concurrency = 0;    // closed-loop clients
  std::uint64_t requests = 0;  // 0: the trace's rows, or what --duration allows
  double duration = 0;         // seconds of arrivals (Poisson)
  std::uint64_t seed = 1;
  LengthKind lengths = LengthKind::fixed;
  double input = 1024, output = 200;  // fixed lengths; lognormal: their means
  double length_spread = 0.6;         // lognormal: sigma of the lengths' logarithm
  double prefix_share = 0;            // of synthetic requests that start with a shared prefix
  double prefix_tokens = 0;           // its length (at most the prompt)
  unsigned prefix_groups = 1;         // distinct shared prefixes, chosen uniformly
};

/// Throws InputError naming the flag, file and line at fault.
Workload make_workload(const TrafficSpec& spec);

}  // namespace genz
