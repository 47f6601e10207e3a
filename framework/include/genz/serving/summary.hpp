// What a serving simulation means for its user: latency percentiles,
// throughput, goodput under SLOs, the batch and KV-cache use the engine
// reached, and the checks that cannot be tuned (Little's law, tokens
// conserved, overload).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "genz/sdk/report.hpp"
#include "genz/serving/simulator.hpp"

namespace genz {

struct Percentiles {
  double mean = 0, p50 = 0, p90 = 0, p99 = 0, max = 0;
};

struct ServingSummary {
  std::uint64_t requests = 0, finished = 0, rejected = 0, unfinished = 0, preemptions = 0, steps = 0;
  std::vector<std::pair<std::string, std::uint64_t>> reject_reasons;
  Percentiles ttft, tpot, itl, e2e, queueing;  // seconds; itl over every gap between tokens
  double duration = 0;                         // first arrival to the last answer
  double offered_rate = 0;                     // arrivals per second
  double request_throughput = 0, output_throughput = 0, total_throughput = 0;  // per second
  double slo_ttft = 0, slo_tpot = 0;                                           // seconds; 0: none
  double goodput = 0;                                                          // requests/s that met every SLO given
  double slo_attainment = 0;                                                   // share of requests that met them
  double mean_running = 0, max_running = 0, mean_decode_batch = 0, mean_kv_use = 0, max_kv_use = 0;
  double kv_blocks = 0;
  // Little's law: mean requests in the system against throughput x mean time in it.
  double little_l = 0, little_lambda_w = 0, little_error_pct = 0;
  double tokens_expected = 0, tokens_generated = 0;  // of the finished requests / counted per step
  bool overloaded = false, hit_time_limit = false;
  double queue_growth = 0;  // requests/s
  // Speculative decoding: tokens a sequence gained per verify step, as drawn
  // (0: no speculation).
  double spec_tokens_per_step = 0;
  // Prefix caching, over admissions of requests with a shared prefix: the
  // share that found part of it cached, the share of their prompt tokens the
  // cache served, and prefixes evicted.
  double prefix_admissions = 0, prefix_request_hit_rate = 0, prefix_token_hit_rate = 0, prefix_evictions = 0;
};

/// `slo_ttft`, `slo_tpot` in seconds (0: no target).
ServingSummary summarize(const SimulationResult& r, double slo_ttft, double slo_tpot);

}  // namespace genz

namespace genz {

/// The summary as named figures for the reporters (RunSummary::metrics).
std::vector<SummaryMetric> summary_metrics(const ServingSummary& s);
/// Time series (queue, running sequences, KV use, token rate) and latency
/// CDFs (TTFT, TPOT, E2E) for the reporters (RunSummary::series).
std::vector<SummarySeries> summary_series(const SimulationResult& r);

}  // namespace genz
