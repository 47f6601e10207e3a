// A discrete-event simulation of one serving deployment: `replicas` copies
// of the model (data parallel) behind a router, each with the engine's
// scheduler (continuous batching with or without chunked prefill, or static
// batches), its KV cache in blocks, admission only while blocks are free and
// preemption by recompute when a decode runs out of them. Every step's time
// comes from StepCost for that step's exact composition.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "genz/engine/engine_profile.hpp"
#include "genz/serving/step_cost.hpp"
#include "genz/serving/workload.hpp"

namespace genz {

enum class Router { round_robin, least_loaded };

struct SimulationConfig {
  SchedulerProfile scheduler;
  double kv_tokens = 0;  // KV-cache capacity of one replica, tokens
  unsigned replicas = 1;
  Router router = Router::round_robin;
  // Simulated seconds after which the run stops and reports what is left
  // (0: 10 x the last arrival + 1 day; closed loop: 1e9 s).
  double time_limit = 0;
  unsigned series_points = 240;  // time-series buckets kept (they widen as the run goes on)
  double server_latency = 0;     // s from the client to the engine (front end), part of TTFT
};

enum class RequestState : std::uint8_t { finished, rejected, unfinished };

struct RequestResult {
  double arrival = 0, input = 0, output = 0;
  double scheduled = -1;    // start of the first step that ran it
  double first_token = -1;  // end of the step that produced its first token
  double finish = -1;
  double max_itl = 0;  // longest gap between two of its tokens
  std::uint32_t preemptions = 0;
  RequestState state = RequestState::unfinished;
  std::uint8_t reject_reason = 0;  // index into SimulationResult::reject_reasons

  double queueing() const noexcept { return scheduled - arrival; }
  double ttft() const noexcept { return first_token - arrival; }
  double e2e() const noexcept { return finish - arrival; }
  double tpot() const noexcept { return output > 1 ? (finish - first_token) / (output - 1) : 0; }
};

/// Averages over one time bucket.
struct SeriesPoint {
  double start = 0, width = 0;
  double queued = 0, running = 0, kv_use = 0;  // time-weighted means (kv_use: share of blocks)
  double token_rate = 0;                       // output tokens/s
};

/// Inter-token gaps of every request, in buckets of 1/256 octave (0.27 %).
class GapHistogram {
 public:
  void add(double seconds, double count = 1);
  double quantile(double q) const;
  double count() const noexcept { return total_; }

 private:
  std::vector<double> counts_;
  double total_ = 0;
};

struct SimulationResult {
  std::vector<RequestResult> requests;
  std::vector<SeriesPoint> series;
  GapHistogram gaps;
  std::vector<std::string> reject_reasons;
  std::uint64_t steps = 0, preemptions = 0;
  double prefill_tokens = 0;                              // computed, recomputation included
  double output_tokens = 0;                               // generated
  double end_time = 0;                                    // the last step's end
  double busy_time = 0;                                   // replica-seconds spent in steps
  double in_system_area = 0;                              // integral of requests arrived and not finished over time
  double running_area = 0, decode_area = 0, kv_area = 0;  // step-time-weighted sums (per replica)
  double max_running = 0, max_kv_use = 0;
  double kv_blocks = 0;       // per replica
  double server_latency = 0;  // s each request spends in the front end before the engine sees it
  bool hit_time_limit = false;
  double queue_growth = 0;  // requests/s the waiting queues grew over the second half of the arrivals
};

SimulationResult simulate(StepCost& cost, const Workload& workload, const SimulationConfig& config);

}  // namespace genz
