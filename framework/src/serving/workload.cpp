#include "genz/serving/workload.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

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

TraceRows read_trace(const std::string& path) {
  TraceReader reader(CsvReader::open_file(path, "--trace"));
  TraceRows out;
  out.has_arrivals = reader.has_arrivals();
  TraceRow row;
  double origin = 0;
  while (reader.next(row)) {
    if (row.request.batch != 1 || row.request.beam != 1)
      throw InputError(path + ": line " + std::to_string(row.line) +
                       ": simulate serves single requests (batch 1, beam 1); the engine forms the batches");
    if (row.request.cached > 0)
      throw InputError(path + ": line " + std::to_string(row.line) +
                       ": a cached prefix; simulate does not model prefix caching yet (its cache competes with "
                       "running requests for KV blocks): predict the trace with genz --trace, or drop the column");
    ServingRequest r;
    r.input = row.request.input;
    r.output = row.request.output;
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
  if (s.lengths == LengthKind::trace && s.trace.empty())
    throw InputError("--lengths trace needs --trace FILE (the lengths are read from it)");
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
  if (!synthetic) {
    w.requests = std::move(trace.rows);
    if (spec.requests > 0 && spec.requests < w.requests.size()) w.requests.resize(spec.requests);
    w.description = "arrivals and lengths of " + spec.trace;
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
    } else if (spec.lengths == LengthKind::trace) {
      const ServingRequest& row = trace.rows[i % trace.rows.size()];
      r.input = row.input;
      r.output = row.output;
    } else {
      r.input = spec.input;
      r.output = spec.output;
    }
    w.requests.push_back(r);
  }
  w.concurrency = spec.concurrency;
  const char* kinds[] = {"fixed lengths", "chat lengths", "lengths of the trace"};
  w.description = (spec.rate > 0 ? "Poisson " + number(spec.rate) + " req/s"
                                 : std::to_string(spec.concurrency) + " closed-loop clients") +
                  ", " + kinds[static_cast<int>(spec.lengths)] + ", seed " + std::to_string(spec.seed);
  return w;
}

}  // namespace genz
