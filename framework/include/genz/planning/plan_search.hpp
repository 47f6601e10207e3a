// From evaluated replica configurations to ranked deployments.
//
// Aggregated: n replicas of one configuration, each with a batch limit L.
//   --rate R:         n = ceil(R / capacity(L)); each replica runs the batch
//                     b whose request rate is R / n, and its p-th percentile
//                     batch b + z_p·sqrt(b) (Poisson-like occupancy), at most L;
//                     TTFT adds the waits for a free sequence slot
//                     (Sakasegawa's M/M/c approximation with L slots) and for
//                     room in the steps' prompt budget (Pollaczek-Khinchine
//                     mean, Kingman's exponential tail at the percentile).
//   --concurrency C:  n = ceil(C / L), b = C / n.
//   neither:          n = as many as --gpus allows, at the most load (at
//                     most 95 % of capacity) that meets the targets.
// Disaggregated: x prefill workers and y decode workers of the same engine
// and precisions (possibly other GPUs and layouts); the prompt's KV cache
// crosses the link between them; TTFT adds the prefill workers' queue.
#pragma once

#include <string>
#include <vector>

#include "genz/planning/plan_types.hpp"

namespace genz::plan {

struct PlanRequest {
  Targets targets;
  Traffic traffic;
  Budget budget;
  bool aggregated = true, disaggregated = true;
  unsigned max_workers = 16;  // prefill or decode workers tried per pool (capacity mode)
};

/// A family of candidates (one configuration, or one prefill/decode pair)
/// none of which meets the request, with the reason of its closest one.
struct Rejection {
  Mode mode = Mode::aggregated;
  std::size_t config = 0, prefill_config = 0;
  Miss why = Miss::met;
  std::string detail;
};

struct PlanResult {
  std::vector<Candidate> candidates;  // every candidate evaluated
  std::vector<std::size_t> ranked;    // those that meet everything, best first
  std::vector<std::size_t> pareto;    // the Pareto front among them, most tokens/s per user first
  std::vector<Rejection> rejections;  // one per family with no answer (configurations that cannot run included)
  std::string unreachable;            // when nothing meets the targets: the closest miss, by how much
};

PlanResult search(const std::vector<ConfigEval>& evals, const PlanRequest& r);

/// "misses TTFT", "does not fit in the KV cache", ...
const char* miss_name(Miss m);
const char* mode_name(Mode m);

/// The standard normal quantile of `percentile` (50 -> 0, 90 -> 1.2816).
double normal_quantile(double percentile);

}  // namespace genz::plan
