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
//
// Speculative decoding: a step gains E tokens per sequence (the expected
// accepted drafts plus the verified one) for k drafter steps and a verify
// step of k + 1 tokens; so prompts enter E times as often, and the time per
// output token is the step's over E. A request's steps are a renewal count:
// over its n = O - 1 tokens, the relative spread of its TPOT is
// sqrt(Var(tokens per step) / (E n)). The drafter's weights and KV cache come
// out of the cache. Prefix caching (engines that do it): the mean prompt
// computes only what the cache does not hold, and the cache keeps every
// distinct shared prefix resident.
#pragma once

#include <vector>

#include "genz/engine/composition.hpp"
#include "genz/planning/plan_types.hpp"

namespace genz::plan {

/// 1, 2, 3, 4, 6, 8, 12, 16, ... (powers of two and their midpoints) up to `limit`.
std::vector<double> batch_ladder(double limit);

/// Speculative decoding as a replica runs it (no drafter: none).
struct Drafting {
  const Composition* drafter = nullptr;  // on the same GPUs and layout
  unsigned k = 0;
  double tokens_per_step = 1;     // expected, the verified token included
  double tokens_variance = 0;     // of the tokens one step gains
  double weight_bytes = 0;        // per GPU, not shared with the target
  double kv_bytes_per_token = 0;  // per GPU
};

/// Fills out.points and the per-request figures of `out` for composition
/// `c` with scheduler `s` (the engine's, or as overridden), under `traffic`.
/// `link` joins this replica's node to another (KV transfer when disaggregated).
void evaluate_replica(const Composition& c, const SchedulerProfile& s, const Traffic& traffic, const LinkSpec& link,
                      ConfigEval& out, const Drafting& spec = {});

}  // namespace genz::plan
