// One replica configuration's steady state under continuous batching, from
// the same step costs the serving simulation uses (serving/step_cost.hpp).
//
// With `b` sequences running and requests of I prompt and O answer tokens on
// average, each step advances b answers by a token and, in steady state,
// takes b·I/O prompt tokens. Engines that mix prompts into decode steps
// (decode first: vLLM, TensorRT-LLM) put a chunk of c prompt tokens into a
// share f = b·I/(O·c) of the steps; engines that run prompts in steps of
// their own (prefill first: SGLang) add those steps. So the time per output
// token of each sequence is
//     mixed:    f·t(c prompt tokens + b decodes) + (1 − f)·t(b decodes)
//     separate: t(b decodes) + f·t(c prompt tokens alone)
// and f > 1 means the step budget cannot admit prompts as fast as they
// finish: that batch is not sustainable. A batch whose sequences (I + O
// tokens each) overflow the KV cache is not either.
#pragma once

#include <vector>

#include "genz/engine/composition.hpp"
#include "genz/planning/plan_types.hpp"

namespace genz::plan {

/// 1, 2, 3, 4, 6, 8, 12, 16, ... (powers of two and their midpoints) up to `limit`.
std::vector<double> batch_ladder(double limit);

/// Fills out.points and the per-request figures of `out` for composition
/// `c` with scheduler `s` (the engine's, or as overridden), under `traffic`.
/// `link` joins this replica's node to another (KV transfer when disaggregated).
void evaluate_replica(const Composition& c, const SchedulerProfile& s, const Traffic& traffic, const LinkSpec& link,
                      ConfigEval& out);

}  // namespace genz::plan
