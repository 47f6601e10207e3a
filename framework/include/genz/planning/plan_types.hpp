// What `genz plan` searches and what it finds (see framework/src/planning/).
//
// A *replica configuration* is one copy of the model: GPU kind, layout,
// precision and engine. Evaluating it (replica_eval.hpp) gives its steady
// state at a ladder of running batches. A *candidate* is a whole deployment
// built from evaluated configurations: n aggregated replicas with a batch
// limit, or x prefill workers and y decode workers (disaggregated serving).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace genz::plan {

/// Latency targets, seconds (0: none), met at `percentile` of the requests.
struct Targets {
  double ttft = 0, tpot = 0;
  double percentile = 90;
};

/// The traffic a deployment must serve: request lengths and load.
struct Traffic {
  double input = 0, output = 0;    // mean tokens per request
  double input_at_percentile = 0;  // the prompt length TTFT is judged at
  double input_cv2 = 0;            // squared coefficient of variation of the prompt lengths (0: all alike)
  double rate = 0;                 // requests/s (Poisson); 0: not given
  unsigned concurrency = 0;        // closed-loop clients; 0: not given
  // Shared prefixes: tokens per request on average that a prefix cache can
  // serve, and the tokens of all distinct prefixes (what the cache holds).
  double prefix = 0, prefix_resident = 0;
  bool capacity() const noexcept { return rate <= 0 && concurrency == 0; }
};

/// What the deployment may use.
struct Budget {
  unsigned gpus = 0;    // at most this many GPUs (0: no limit)
  double max_cost = 0;  // $/hour at most (0: no limit)
  bool priced = false;  // rank by tokens per dollar
};

struct ReplicaConfig {
  std::string hw, engine, dtype, kv_dtype;
  unsigned tp = 1, pp = 1, ep = 1;
  unsigned gpus = 1;                // GPUs of one replica
  std::vector<std::string> stages;  // the GPU kind of each pipeline stage when they differ (hw: the first)
  /// "h100 TP4xPP1 fp8/kv bf16 trtllm", "h100+rtx4090 TP4xPP2 ..."
  std::string label() const;
  /// The family a rejection is reported for: everything but the batch.
  bool operator==(const ReplicaConfig& o) const;
};

/// One replica serving `batch` sequences at once, in steady state.
struct BatchPoint {
  double batch = 0;
  double step = 0;         // s per output token of each sequence (prefill work spread in)
  double decode_step = 0;  // s of a decode-only step (a disaggregated decode worker)
  double mixed_step = 0;   // s of a step that also runs a prompt of the percentile length
  bool feasible = true;    // the KV cache holds it and the step budget admits its prompts
  double share = 0;        // of the steps' prompt budget the prompts use (1: every step full)
};

/// A replica configuration, evaluated.
struct ConfigEval {
  std::size_t index = 0;  // in the search's enumeration (shards are joined by it)
  ReplicaConfig config;
  std::string failure;  // non-empty: it cannot run, and why
  double kv_tokens = 0;
  double kv_bytes_per_token = 0;  // of the whole replica, for KV transfer
  double prefill_alone = 0;       // s: a prompt of the percentile length on an idle replica
  double chunk = 0;               // tokens of prompt a step takes with the batch (chunked prefill)
  unsigned prompt_steps = 1;      // steps a percentile prompt needs
  double prompt_tokens = 0;       // tokens of a mean prompt computed (prefix-cache hits skipped)
  double tpot_cv = 0;             // spread of one request's TPOT from drawn accepted tokens (speculative)
  double prefill_batch = 0;       // prompts per step of a prefill worker
  double prefill_batch_time = 0;  // s of that step
  double server_latency = 0;      // s of front end per request
  double link_bandwidth = 0;      // bytes/s to another node (KV transfer), achieved
  double link_latency = 0;
  double price = 0;                // $/GPU-hour, 0 when unknown
  std::vector<BatchPoint> points;  // increasing batch

  bool ok() const noexcept { return failure.empty(); }
  /// Linear between the evaluated batches; `field` picks the member.
  double at(double batch, double BatchPoint::*field) const;
  /// The largest evaluated batch that is feasible (0: none).
  double max_batch() const;
};

enum class Mode : std::uint8_t { aggregated, disaggregated };

/// Why a candidate is not an answer (met: it is).
enum class Miss : std::uint8_t { met, kv, ttft, tpot, gpus, cost };

struct Candidate {
  Mode mode = Mode::aggregated;
  std::size_t config = 0;          // decode side (aggregated: the replica), index into the evals
  std::size_t prefill_config = 0;  // disaggregated: the prefill workers' configuration
  unsigned max_batch = 0;          // the engine's batch limit (max sequences per step)
  unsigned replicas = 0;           // aggregated replicas, or decode workers
  unsigned prefill_workers = 0;    // disaggregated only
  unsigned gpus = 0;
  double batch = 0;                                 // running sequences per replica (mean)
  double ttft = 0, tpot = 0;                        // s, at the percentile
  double request_rate = 0;                          // served, requests/s
  double throughput_per_gpu = 0;                    // output tokens/s per GPU
  double tokens_per_user = 0;                       // output tokens/s each request sees (1 / TPOT)
  double cost_per_hour = 0, tokens_per_dollar = 0;  // 0 without prices
  Miss miss = Miss::met;
  bool pareto = false;
};

}  // namespace genz::plan
