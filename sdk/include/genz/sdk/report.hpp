// Reporter plugins consume a run's results as a stream and write files
// through a host-provided sink; the host makes every file appear atomically.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "genz/sdk/abi.h"
#include "genz/sdk/op.hpp"
#include "genz/sdk/status.hpp"

namespace genz {
inline namespace v1 {

/// Seconds per breakdown group (indexed by OpGroup).
using GroupSplit = std::array<double, kOpGroupCount>;

struct Prediction {
  double ttft = 0;                // seconds
  double tpot = 0;                // seconds per output token
  double e2e = 0;                 // seconds
  double prefill_throughput = 0;  // tokens/s
  double decode_throughput = 0;   // tokens/s
  GroupSplit prefill{};           // prefill time by group
  GroupSplit decode{};            // mean decode step by group
  double host_bound_share = 0;    // of decode steps limited by the CPU
};

struct Measurement {
  bool has_ttft = false, has_tpot = false, has_e2e = false;
  double ttft = 0, tpot = 0, e2e = 0;  // seconds
};

/// Signed relative error in percent: +10 means predicted 10 % above measured.
inline double relative_error_pct(double predicted, double measured) noexcept {
  return measured != 0 ? (predicted - measured) / measured * 100.0 : 0.0;
}

/// What one request lived through in a serving simulation (genz simulate).
/// Seconds from the start of the run.
struct ServingRecord {
  double arrival = 0;
  double queueing = 0;  // arrival to the first step that ran it
  double max_itl = 0;   // longest gap between two of its tokens
  std::uint32_t preemptions = 0;
  std::string state;  // "finished", "rejected: <why>" or "unfinished" (the run hit its time limit)
};

struct RequestRecord {
  std::uint64_t index = 0;  // 0-based position in the trace
  std::string id;           // the trace's id column, else the index
  double batch = 1, input_tokens = 0, output_tokens = 0, beam = 1;
  Prediction predicted;
  Measurement measured;
  double simulation_seconds = 0;
  std::string notes;
  const ServingRecord* serving = nullptr;  // set by genz simulate (predicted then holds the simulated times)
};

/// Error statistics of one metric over the requests that have a measurement.
/// Percentages are numbers (4.2 means 4.2 %).
struct MetricAccuracy {
  std::string metric;  // "TTFT", "TPOT", "E2E"
  std::size_t n = 0;
  double mape = 0, median = 0, p90 = 0, max = 0, over_20pct = 0, pearson = 0, bias = 0;
};

struct MemoryLine {
  std::string component;     // "weights", "kv_cache", "activations", "logits", ...
  double after_prefill = 0;  // bytes on the busiest GPU
  double after_decode = 0;
};

struct MemoryReport {
  std::vector<MemoryLine> lines;
  double capacity = 0;  // bytes per GPU
  double usable = 0;    // what the engine may use of it: fraction minus runtime reserve
  double input_tokens = 0, output_tokens = 0, batch = 1, beam = 1;
  bool fits = true;
};

struct RunInfo {
  std::string title;
  std::vector<std::pair<std::string, std::string>> config;  // shown in order
  bool has_measurements = false;
  bool serving = false;  // a serving simulation: records carry ServingRecord
};

/// A named figure of a run's summary ("TTFT p90", 0.412, "s").
struct SummaryMetric {
  std::string name;
  double value = 0;
  std::string unit;
};

/// A curve to draw: a time series or a distribution (CDF).
struct SummarySeries {
  std::string title, x_label, y_label;
  std::vector<double> x, y;
};

struct RunSummary {
  std::size_t requests = 0;
  std::vector<MetricAccuracy> accuracy;  // empty without measurements
  MemoryReport memory;                   // for the largest request
  double wall_seconds = 0;
  std::vector<std::string> notes;
  std::vector<SummaryMetric> metrics;  // serving simulation: latency percentiles, throughput, goodput, ...
  std::vector<SummarySeries> series;   // serving simulation: time series and latency CDFs
};

/// Where a reporter writes. open() starts a new file in the output directory
/// (a plain name, no directories) and returns its id, or -1. The host writes
/// to temporary files and renames them all only when the whole run
/// succeeded, so a reader never sees a half-written report.
class OutputSink {
 public:
  virtual ~OutputSink() = default;
  virtual int open(const char* file_name) noexcept = 0;
  virtual bool write(int file, const char* data, std::size_t size) noexcept = 0;
  bool write(int file, const std::string& s) noexcept { return write(file, s.data(), s.size()); }
};

class Reporter {
 public:
  static constexpr uint32_t kInterfaceKind = GENZ_KIND_REPORT;  // checked by the host at registration
  virtual ~Reporter() = default;
  virtual Status begin(const RunInfo& run, OutputSink& sink) noexcept = 0;
  virtual Status add(const RequestRecord& request) noexcept = 0;
  virtual Status end(const RunSummary& summary) noexcept = 0;
};

}  // namespace v1
}  // namespace genz
