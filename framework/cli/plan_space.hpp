// genz plan's search space: the replica configurations (GPU kind, engine,
// precision, layout) its flags and axes allow, and their evaluation on
// every core (each configuration is one session of the shared plugins).
#pragma once

#include <memory>
#include <vector>

#include "genz/host/plugin_registry.hpp"
#include "genz/planning/plan_types.hpp"
#include "genz/planning/price_table.hpp"
#include "options.hpp"

namespace genz::cli {

struct PlanSpace {
  std::vector<plan::ReplicaConfig> configs;  // in search order
  std::vector<Options> options;              // the options that compose each
};

/// --hw a,b --engine ... --dtype ... --kv-dtype ..., and tp=, pp=, ep= axes
/// (default: TP 1, 2, 4, 8; PP 1, 2, 4; EP 1 or = TP for mixture-of-experts models).
PlanSpace plan_space(const Options& o, const PluginRegistry& registry);

/// Evaluates the configurations of part `shard` of `shards` (0 of 0: all),
/// on every core; `prices` may be null. A configuration that cannot run has
/// its failure set, it is not an error.
std::vector<plan::ConfigEval> evaluate_space(const PlanSpace& space, std::shared_ptr<const PluginRegistry> registry,
                                             const plan::Traffic& traffic, const plan::PriceTable* prices,
                                             unsigned shard, unsigned shards);

/// The arguments of the `genz simulate` run that re-checks candidate `c`:
/// the plan's own arguments (model, lengths, targets, ...) with the chosen
/// configuration, batch limit and replicas (and prefill workers). A capacity
/// plan is checked with Poisson arrivals at the rate it planned, and so are
/// disaggregated pools planned for closed-loop clients.
std::vector<std::string> simulate_args(const Options& plan, const std::vector<plan::ConfigEval>& evals,
                                       const plan::Candidate& c);

}  // namespace genz::cli
