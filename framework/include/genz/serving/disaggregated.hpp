// Disaggregated serving (DistServe, Splitwise, Dynamo, SGLang's PD mode):
// prefill workers compute each prompt and its first token, the KV cache
// crosses the link to a decode worker, which generates the rest.
//
// Simulated in two passes of the same discrete-event engine, as the pools
// share nothing but the hand-over: the prefill pool serves the stream with
// one output token per request; each request then arrives at the decode
// pool when its cache has crossed (link latency + prompt KV bytes / link
// bandwidth), with its prompt cached and its first token's time, and
// queues there for KV blocks like any other. Closed-loop clients would
// couple the passes, so the arrivals must be open (Poisson or a trace).
#pragma once

#include "genz/serving/simulator.hpp"

namespace genz {

struct DisaggregatedConfig {
  SimulationConfig prefill, decode;  // each pool's replicas, scheduler and KV cache
  double kv_bytes_per_token = 0;     // of the whole model, crossing the link
  double link_bandwidth = 0;         // bytes/s achieved between a prefill and a decode worker
  double link_latency = 0;           // s per transfer
};

/// One result as `simulate` gives: per request, TTFT from the prefill pool,
/// the finish from the decode pool (inter-token gaps include the transfer);
/// steps, busy time and batch figures of the decode pool.
SimulationResult simulate_disaggregated(StepCost& prefill, StepCost& decode, const Workload& w,
                                        const DisaggregatedConfig& c);

}  // namespace genz
