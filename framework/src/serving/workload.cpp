#include "genz/serving/workload.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "genz/host/error.hpp"
#include "genz/io/trace_reader.hpp"

namespace genz {
namespace {

// Poisson arrivals beyond this many per second would put several requests in
// one microsecond; below it the simulation could not end in any sane time.
constexpr double kMinRate = 1e-6, kMaxRate = 1e6;
constexpr std::uint64_t kMaxRequests = 100000000;

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

struct TraceRows {
  std::vector<ServingRequest> rows;
  bool has_arrivals = false;
};

// A row's shared prefix: the group its prefix_id names (numbered in order
// of appearance) and its length.
void read_prefix(const std::string& path, const TraceRow& row, std::unordered_map<std::string, std::uint32_t>& ids,
                 ServingRequest& r) {
  if (row.request.cached <= 0) return;
  if (row.prefix_id.empty())
    throw InputError(path + ": line " + std::to_string(row.line) + ": " +
                     std::to_string(static_cast<long long>(row.request.cached)) +
                     " cached prompt tokens but no prefix_id: simulate needs to know which requests share the "
                     "prefix (a prefix_id column: a conversation, a system prompt)");
  const auto [it, added] = ids.emplace(row.prefix_id, static_cast<std::uint32_t>(ids.size() + 1));
  r.prefix_group = it->second;
  r.prefix_tokens = row.request.cached;
}

TraceRows read_trace(const std::string& path) {
  TraceReader reader(CsvReader::open_file(path, "--trace"));
  TraceRows out;
  out.has_arrivals = reader.has_arrivals();
  TraceRow row;
  double origin = 0;
  std::unordered_map<std::string, std::uint32_t> prefix_ids;
  while (reader.next(row)) {
    if (row.request.batch != 1 || row.request.beam != 1)
      throw InputError(path + ": line " + std::to_string(row.line) +
                       ": simulate serves single requests (batch 1, beam 1); the engine forms the batches");
    ServingRequest r;
    r.input = row.request.input;
    r.output = row.request.output;
    read_prefix(path, row, prefix_ids, r);
    if (row.arrival) {
      if (out.rows.empty()) origin = *row.arrival;
      r.arrival = *row.arrival - origin;
    }
    out.rows.push_back(r);
    if (out.rows.size() > kMaxRequests)
      throw InputError(path + ": more than " + std::to_string(kMaxRequests) + " requests");
  }
  if (out.rows.empty()) throw InputError(path + ": no requests (expected at least one row after the header)");
  return out;
}

void check_spec(const TrafficSpec& s) {
  if (s.rate != 0 && !(s.rate >= kMinRate && s.rate <= kMaxRate))
    throw InputError("--rate: expected requests per second in [" + number(kMinRate) + ", " + number(kMaxRate) +
                     "], found " + number(s.rate));
  if (s.rate > 0 && s.concurrency > 0) throw InputError("--rate and --concurrency are exclusive: give one");
  if (s.duration != 0 && !(s.duration > 0 && s.duration <= 1e7))
    throw InputError("--duration: expected seconds in (0, 1e7], found " + number(s.duration));
  if (s.duration > 0 && s.rate == 0) throw InputError("--duration needs --rate (Poisson arrivals for that long)");
  if (s.requests > kMaxRequests)
    throw InputError("--requests: expected at most " + std::to_string(kMaxRequests) + ", found " +
                     std::to_string(s.requests));
  if (!(s.length_spread >= 0 && s.length_spread <= 3))
    throw InputError("--length-spread: expected the sigma of the lengths' logarithm in [0, 3], found " +
                     number(s.length_spread));
  if (s.lengths == LengthKind::trace && s.trace.empty())
    throw InputError("--lengths trace needs --trace FILE (the lengths are read from it)");
  if (!(s.prefix_share >= 0 && s.prefix_share <= 1))
    throw InputError("--prefix-hit-rate: expected the share of requests with a shared prefix in [0, 1], found " +
                     number(s.prefix_share));
  if (!(s.prefix_tokens >= 0 && s.prefix_tokens <= 1e7 && s.prefix_tokens == std::floor(s.prefix_tokens)))
    throw InputError("--prefix-tokens: expected a whole number of tokens in [0, 1e7], found " +
                     number(s.prefix_tokens));
  if ((s.prefix_share > 0) != (s.prefix_tokens > 0))
    throw InputError(
        "--prefix-hit-rate and --prefix-tokens go together: the share of requests that start with a "
        "shared prefix, and its length");
  if (s.prefix_groups < 1) throw InputError("--prefix-groups: expected at least 1 shared prefix, found 0");
}

std::string prefix_text(const TrafficSpec& spec) {
  if (spec.prefix_share <= 0) return "";
  return ", " + number(spec.prefix_share * 100) + " % start with one of " + std::to_string(spec.prefix_groups) +
         " shared " + number(spec.prefix_tokens) + "-token prefixes";
}

// Synthetic shared prefixes: one of the groups, in front of a share of the requests.
void add_prefix(const TrafficSpec& spec, SplitMix& rng, ServingRequest& r) {
  if (spec.prefix_share <= 0) return;
  const double u = rng.uniform(), g = rng.uniform();
  if (u >= spec.prefix_share) return;
  r.prefix_group = 1 + std::min(spec.prefix_groups - 1, static_cast<unsigned>(g * spec.prefix_groups));
  r.prefix_tokens = std::min(spec.prefix_tokens, r.input);
}

}  // namespace

double SplitMix::uniform() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return (static_cast<double>(z >> 11) + 0.5) / 9007199254740992.0;
}

double SplitMix::normal() {
  const double u = uniform(), v = uniform();
  return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
}

double SplitMix::exponential() {
  return -std::log(uniform());
}

void chat_lengths(SplitMix& rng, double& input, double& output) {
  input = std::clamp(std::round(600 * std::exp(1.0 * rng.normal())), 8.0, 3800.0);
  output = std::clamp(std::round(180 * std::exp(0.6 * rng.normal())), 8.0, std::min(512.0, 4096 - input));
}

void lognormal_lengths(SplitMix& rng, double mean_input, double mean_output, double sigma, double& input,
                       double& output) {
  // exp(sigma z - sigma^2 / 2) has mean 1: the lengths keep their means.
  const double shift = sigma * sigma / 2;
  input = std::max(1.0, std::round(mean_input * std::exp(sigma * rng.normal() - shift)));
  output = std::max(1.0, std::round(mean_output * std::exp(sigma * rng.normal() - shift)));
}

Workload make_workload(const TrafficSpec& spec) {
  check_spec(spec);
  Workload w;
  TraceRows trace;
  if (!spec.trace.empty()) trace = read_trace(spec.trace);
  const bool synthetic = spec.rate > 0 || spec.concurrency > 0;
  if (!synthetic && !trace.has_arrivals)
    throw InputError(spec.trace.empty() ? "simulate: say how requests arrive: --rate R (Poisson), --concurrency N "
                                          "(closed loop) or --trace FILE with an arrival_time column"
                                        : spec.trace +
                                              ": line 1: no arrival_time or timestamp column; give --rate R or "
                                              "--concurrency N for the arrivals");
  SplitMix prefixes(spec.seed ^ 0x27d4eb2fULL);
  if (!synthetic) {
    w.requests = std::move(trace.rows);
    if (spec.requests > 0 && spec.requests < w.requests.size()) w.requests.resize(spec.requests);
    for (ServingRequest& r : w.requests)
      if (r.prefix_group == 0) add_prefix(spec, prefixes, r);
    w.description = "arrivals and lengths of " + spec.trace + prefix_text(spec);
    return w;
  }
  std::uint64_t n = spec.requests;
  if (n == 0 && spec.duration == 0) n = trace.rows.empty() ? 1000 : trace.rows.size();
  SplitMix arrivals(spec.seed), lengths(spec.seed ^ 0x5bd1e995ULL);
  double t = 0;
  for (std::uint64_t i = 0; n == 0 || i < n; ++i) {
    ServingRequest r;
    if (spec.rate > 0) {
      if (i > 0) t += arrivals.exponential() / spec.rate;
      if (spec.duration > 0 && t > spec.duration) break;
      if (w.requests.size() >= kMaxRequests)
        throw InputError("--rate " + number(spec.rate) + " for --duration " + number(spec.duration) +
                         " s makes more than " + std::to_string(kMaxRequests) + " requests");
      r.arrival = t;
    }
    if (spec.lengths == LengthKind::chat) {
      chat_lengths(lengths, r.input, r.output);
    } else if (spec.lengths == LengthKind::lognormal) {
      lognormal_lengths(lengths, spec.input, spec.output, spec.length_spread, r.input, r.output);
    } else if (spec.lengths == LengthKind::trace) {
      const ServingRequest& row = trace.rows[i % trace.rows.size()];
      r.input = row.input;
      r.output = row.output;
      r.prefix_group = row.prefix_group;
      r.prefix_tokens = row.prefix_tokens;
    } else {
      r.input = spec.input;
      r.output = spec.output;
    }
    if (r.prefix_group == 0) add_prefix(spec, prefixes, r);
    w.requests.push_back(r);
  }
  w.concurrency = spec.concurrency;
  const char* kinds[] = {"fixed lengths", "chat lengths", "lengths of the trace", "log-normal lengths"};
  std::string length_text = kinds[static_cast<int>(spec.lengths)];
  if (spec.lengths == LengthKind::lognormal)
    length_text +=
        " (means " + number(spec.input) + "/" + number(spec.output) + ", spread " + number(spec.length_spread) + ")";
  w.description = (spec.rate > 0 ? "Poisson " + number(spec.rate) + " req/s"
                                 : std::to_string(spec.concurrency) + " closed-loop clients") +
                  ", " + length_text + ", seed " + std::to_string(spec.seed) + prefix_text(spec);
  return w;
}

}  // namespace genz
