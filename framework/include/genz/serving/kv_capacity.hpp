// How many tokens of KV cache one replica of a deployment holds: what the
// engine leaves for it on the busiest GPU after the weights, the activations
// of its largest step and its runtime reserve.
//   vLLM, SGLang: memory_fraction x GPU memory - weights - activations - reserve
//   TensorRT-LLM: kv_free_fraction x (GPU memory - weights - activations - reserve)
//   llama.cpp: at most its --ctx-size tokens (allocated at load, shared by the slots)
#pragma once

#include "genz/engine/composition.hpp"

namespace genz {

struct KvCapacity {
  double tokens = 0;
  double bytes_per_token = 0;  // on the busiest GPU
  double bytes = 0;            // left for the cache there
  double weights = 0, activations = 0, capacity = 0;
};

/// `step_tokens`: the most tokens one step runs (its activations are sized for it).
KvCapacity kv_capacity(const Composition& c, double step_tokens);

/// The cache left beside a speculative drafter on the same GPUs: its weights
/// (`weight_bytes` per GPU) out of the bytes, its cache per token added to
/// each token's.
KvCapacity beside_drafter(KvCapacity kv, double weight_bytes, double bytes_per_token);

/// The most tokens a step of this scheduler runs when prompts are at most
/// `largest_input` tokens: its token budget, or a whole prompt and a decode
/// of every other sequence, whichever is smaller.
double step_tokens(const SchedulerProfile& s, double largest_input);

}  // namespace genz
