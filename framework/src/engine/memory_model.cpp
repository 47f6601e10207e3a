#include "genz/engine/memory_model.hpp"

#include <algorithm>
#include <cstdio>

#include "genz/host/error.hpp"
#include "genz/host/plugin_guard.hpp"

namespace genz {
namespace {

constexpr double kGiB = 1073741824.0;

std::string gib(double bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f GiB", bytes / kGiB);
  return buf;
}

MemoryEstimate stage_estimate(const Model& model, const Layout& layout, const Precision& precision,
                              const EngineProfile& engine, const Request& r, unsigned s) {
  const unsigned stages = static_cast<unsigned>(layout.stage_layers.size());
  const bool last_stage = s + 1 == stages;
  const ShardFootprint f = shard_footprint(model, layout, precision, engine, layout.stage_layers[s].first,
                                           layout.stage_layers[s].second, s == 0, last_stage);
  MemoryEstimate m;
  m.stage = s;
  m.dense_weights = f.dense_weight_bytes;
  m.expert_weights = layout.host_experts ? 0 : f.expert_weight_bytes;
  m.embedding_weights = f.embedding_bytes;
  // Beams copy the prompt's cache in eager HF; paged engines share it.
  const double prompt_rows = engine.beam_copies_prompt ? r.batch * r.beam : r.batch;
  m.kv_after_prefill = f.kv_bytes_per_token * prompt_rows * r.input;
  m.kv_after_decode = f.kv_bytes_per_token * (prompt_rows * r.input + r.batch * r.beam * r.output);
  // An engine that allocates the whole context's cache at load holds it from
  // the start (llama.cpp: -c tokens per sequence).
  const double preallocated = f.kv_bytes_per_token * r.batch * r.beam * engine.kv_context_tokens;
  m.kv_after_prefill = std::max(m.kv_after_prefill, preallocated);
  m.kv_after_decode = std::max(m.kv_after_decode, preallocated);
  const double logit_rows = engine.keeps_prompt_logits ? prompt_rows * r.input : r.batch * r.beam;
  m.logits_kept = last_stage ? f.logits_bytes_per_token * logit_rows : 0;
  m.transient_activations = f.activation_bytes_per_token * prompt_rows * r.input;
  return m;
}

// What the CPU holds: its layers whole (weights and their KV cache), and with
// expert offload every routed expert of the GPU layers.
void host_estimate(const Model& model, const Layout& layout, const Precision& precision, const EngineProfile& engine,
                   const Request& r, const HostSpec& host, MemoryEstimate& m) {
  const unsigned n = model.info().layers;
  m.host_capacity = host.memory_bytes;
  if (layout.host_layers > 0) {
    const ShardFootprint f = shard_footprint(model, layout, precision, engine, 0, layout.host_layers, false, false);
    m.host_weights += f.dense_weight_bytes + f.expert_weight_bytes;
    const double tokens =
        std::max(r.batch * r.beam * (r.input + r.output), r.batch * r.beam * engine.kv_context_tokens);
    m.host_kv = f.kv_bytes_per_token * tokens;
  }
  if (layout.host_experts)
    m.host_weights +=
        shard_footprint(model, layout, precision, engine, layout.host_layers, n, false, false).expert_weight_bytes;
}

}  // namespace

double stage_memory(const Layout& layout, const HardwareSpec& hw, unsigned stage) {
  return stage < layout.stage_hardware.size() ? layout.stage_hardware[stage]->spec().memory_bytes : hw.memory_bytes;
}

ShardFootprint shard_footprint(const Model& model, const Layout& layout, const Precision& precision,
                               const EngineProfile& engine, unsigned layer_begin, unsigned layer_end, bool first_stage,
                               bool last_stage) {
  ShardRequest q;
  q.parallel = layout.parallel;
  q.precision = precision;
  q.traits = engine.traits;
  q.layer_begin = layer_begin;
  q.layer_end = layer_end;
  q.first_stage = first_stage;
  q.last_stage = last_stage;
  ShardFootprint f;
  Status st = model.footprint(q, f);
  if (!st) throw Error("model plugin could not size its weights: " + st.message);
  return f;
}

MemoryEstimate estimate_memory(const Model& model, const Layout& layout, const Precision& precision,
                               const EngineProfile& engine, const HardwareSpec& hw, const Request& r,
                               const HostSpec* host) {
  // The busiest GPU is the one with the least room left (GPUs of a
  // heterogeneous pipeline differ in size).
  MemoryEstimate best;
  for (unsigned s = 0; s < layout.stage_layers.size(); ++s) {
    MemoryEstimate m = stage_estimate(model, layout, precision, engine, r, s);
    m.capacity = stage_memory(layout, hw, s);
    m.usable = m.capacity * engine.memory_fraction_for(layout.parallel.tp) - engine.reserved_bytes;
    if (s == 0 || m.peak() - m.usable > best.peak() - best.usable) best = m;
  }
  if (layout.offloads()) {
    if (!host) throw InputError("the layout offloads to the CPU but no host is described: give --host");
    host_estimate(model, layout, precision, engine, r, *host, best);
  }
  return best;
}

MemoryReport to_report(const MemoryEstimate& m, const Request& r) {
  MemoryReport rep;
  rep.capacity = m.capacity;
  rep.usable = m.usable;
  rep.input_tokens = r.input;
  rep.output_tokens = r.output;
  rep.batch = r.batch;
  rep.beam = r.beam;
  rep.fits = m.fits();
  auto line = [&](const char* name, double a, double b) { rep.lines.push_back({name, a, b}); };
  line("weights (dense)", m.dense_weights, m.dense_weights);
  if (m.expert_weights > 0) line("weights (experts)", m.expert_weights, m.expert_weights);
  line("weights (embedding, lm_head)", m.embedding_weights, m.embedding_weights);
  line("kv_cache", m.kv_after_prefill, m.kv_after_decode);
  line("logits kept", m.logits_kept, m.logits_kept);
  line("total in use", m.after_prefill(), m.after_decode());
  line("peak transient activations (prefill)", m.transient_activations, 0);
  line("peak", m.peak(), m.peak());
  if (m.host_capacity > 0) {
    line("host: offloaded weights", m.host_weights, m.host_weights);
    line("host: KV cache of its layers", m.host_kv, m.host_kv);
    line("host: total (of its memory)", m.host_total(), m.host_total());
  }
  return rep;
}

std::string describe_overflow(const MemoryEstimate& m, const std::string& hw_name) {
  if (m.peak() <= m.usable && m.host_total() > m.host_capacity)
    return "keeps " + gib(m.host_total()) + " in CPU memory (offloaded weights " + gib(m.host_weights) + ", KV cache " +
           gib(m.host_kv) + ") but the host has " + gib(m.host_capacity);
  return "needs " + gib(m.peak()) + " on its busiest GPU (weights " + gib(m.weights()) + ", KV cache " +
         gib(m.kv_after_decode) + ", activations and logits " + gib(m.peak() - m.weights() - m.kv_after_decode) +
         ") but " + hw_name + " offers " + gib(m.usable) + (m.usable < m.capacity ? " of its " + gib(m.capacity) : "");
}

}  // namespace genz
