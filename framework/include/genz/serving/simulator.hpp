// A discrete-event simulation of one serving deployment: `replicas` copies
// of the model (data parallel) behind a router, each with the engine's
// scheduler (continuous batching with or without chunked prefill, or static
// batches), its KV cache in blocks, admission only while blocks are free and
// preemption by recompute when a decode runs out of them. Every step's time
// comes from StepCost for that step's exact composition.
//
// Prefix caching (the scheduler's prefix_caching): once a prompt's shared
// prefix is computed, its full blocks stay in the replica's cache under the
// prefix's group; a later request of that group skips them (always leaving
// at least one prompt token to compute). Cached blocks no running request
// uses count as free: when a request needs blocks, whole unused prefixes
// are evicted least recently used first, before any running request is
// preempted (vLLM's free-block queue, SGLang's radix-tree LRU, TensorRT-LLM's
// block reuse).
//
// Speculative decoding (spec_k > 0, with a StepCost that speculates): each
// decode holds KV slots for k + 1 tokens, takes k + 1 tokens of the step's
// budget, and gains 1 + the drafted tokens accepted, drawn per sequence and
// step from the acceptance per position (seeded), at most what its answer
// has left. Its tokens of one step stream together: one inter-token gap.
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
  unsigned series_points = 240;     // time-series buckets kept (they widen as the run goes on)
  double server_latency = 0;        // s from the client to the engine (front end), part of TTFT
  unsigned spec_k = 0;              // drafted tokens per decode step (0: no speculation)
  std::vector<double> spec_accept;  // acceptance of position i given the earlier ones (the last repeats)
  std::uint64_t seed = 1;           // the draws of accepted tokens
};

enum class RequestState : std::uint8_t { finished, rejected, unfinished };

struct RequestResult {
  double arrival = 0, input = 0, output = 0;
  double scheduled = -1;    // start of the first step that ran it
  double first_token = -1;  // end of the step that produced its first token
  double finish = -1;
  double max_itl = 0;  // longest gap between two of its tokens
  std::uint32_t preemptions = 0;
  double cached = 0;  // prompt tokens the prefix cache served at its last admission
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
  double mean() const noexcept { return total_ > 0 ? sum_ / total_ : 0; }

 private:
  std::vector<double> counts_;
  double total_ = 0, sum_ = 0;
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
  // Speculative decoding: sequence-steps verified, and the tokens drafted
  // and accepted plus the verified one (before an answer's end cuts them).
  double spec_steps = 0, spec_tokens = 0;
  // Prefix caching: admissions of a request with a shared prefix, those that
  // found some of it cached, their prompt tokens and those the cache served;
  // prefixes evicted.
  double prefix_admissions = 0, prefix_hits = 0, prefix_prompt_tokens = 0, prefix_hit_tokens = 0;
  double prefix_evictions = 0;
};

SimulationResult simulate(StepCost& cost, const Workload& workload, const SimulationConfig& config);

}  // namespace genz
