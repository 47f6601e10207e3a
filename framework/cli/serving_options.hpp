// The serving flags shared by genz simulate and genz plan: traffic,
// scheduler overrides, and one whole simulation run.
#pragma once

#include <memory>
#include <string>

#include "genz/serving/kv_capacity.hpp"
#include "genz/serving/simulator.hpp"
#include "genz/serving/summary.hpp"
#include "genz/serving/workload.hpp"
#include "options.hpp"
#include "session.hpp"
#include "speculation.hpp"

namespace genz::cli {

/// --trace/--rate/--concurrency/--requests/--duration/--seed/--lengths.
TrafficSpec traffic_spec(const Options& o);
/// The request with the most tokens (sizes the largest step).
Request largest_request(const Workload& w);
/// The engine's scheduler with --max-seqs/--max-tokens/... applied.
SchedulerProfile scheduler_for(const Options& o, const EngineProfile& e);
/// "continuous batching, max 256 sequences and 2048 tokens per step, ..."
std::string scheduler_text(const SchedulerProfile& s);
/// "EAGLE head drafts 4 tokens, acceptance 0.8 per position: 3.36 tokens per step expected"
std::string speculation_text(const SpecConfig& c);
/// "on (the engine's default)", "off (--prefix-caching)"
std::string prefix_caching_text(const Options& o, const SchedulerProfile& s);

/// One `genz simulate` run, without its output.
struct SimulationRun {
  Workload workload;
  Request largest;
  std::unique_ptr<Session> session;  // the replicas (disaggregated: the decode workers)
  SimulationConfig config;
  std::unique_ptr<Session> prefill_session;  // disaggregated: the prefill workers
  SimulationConfig prefill_config;
  KvCapacity kv;
  std::unique_ptr<Speculation> speculation;  // the decode replicas' drafter, if any
  SimulationResult result;
  ServingSummary summary;
};

/// Runs the simulation `o` describes; `registry` may be null (plugins loaded here).
SimulationRun run_simulation(const Options& o, std::shared_ptr<const PluginRegistry> registry);

}  // namespace genz::cli
