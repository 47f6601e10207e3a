#include "genz/serving/kv_capacity.hpp"

#include <algorithm>

#include "genz/engine/memory_model.hpp"

namespace genz {

double step_tokens(const SchedulerProfile& s, double largest_input) {
  return std::min(s.max_tokens, largest_input + s.max_seqs);
}

KvCapacity beside_drafter(KvCapacity kv, double weight_bytes, double bytes_per_token) {
  kv.bytes = std::max(0.0, kv.bytes - weight_bytes);
  kv.bytes_per_token += bytes_per_token;
  kv.tokens = kv.bytes / kv.bytes_per_token;
  return kv;
}

KvCapacity kv_capacity(const Composition& c, double step_tokens) {
  EngineProfile engine = c.engine;
  engine.kv_context_tokens = 0;  // sized here from what is left, not per sequence
  const double free_fraction = engine.scheduler.kv_free_fraction;
  if (free_fraction > 0) {
    engine.memory_fraction = 1.0;
    engine.memory_fraction_by_tp.clear();
  }
  const Request step{std::max(1.0, step_tokens), 1, 1, 1};
  const MemoryEstimate m =
      estimate_memory(*c.model, c.layout, c.precision, engine, c.hardware->spec(), step, c.host ? &*c.host : nullptr);
  KvCapacity k;
  k.bytes_per_token = m.kv_after_prefill / step.input;
  k.weights = m.weights();
  k.activations = m.transient_activations + m.logits_kept;
  k.capacity = m.capacity;
  double left = m.usable - k.weights - k.activations;
  if (free_fraction > 0) left *= free_fraction;
  k.bytes = std::max(0.0, left);
  k.tokens = k.bytes_per_token > 0 ? k.bytes / k.bytes_per_token : 0;
  // Engines that allocate their cache at load for a fixed context (llama.cpp
  // -c, shared by its slots) hold no more than that.
  if (c.engine.kv_context_tokens > 0 && c.engine.kv_context_tokens < k.tokens) {
    k.tokens = c.engine.kv_context_tokens;
    k.bytes = k.tokens * k.bytes_per_token;
  }
  return k;
}

}  // namespace genz
