// GPU memory of one request on the busiest GPU of a layout: weights of its
// shard, KV cache, what the forward pass keeps alive (the prompt's logits in
// eager HF) and the transient activations of the prefill.
#pragma once

#include <string>
#include <vector>

#include "genz/engine/engine_profile.hpp"
#include "genz/engine/host_spec.hpp"
#include "genz/engine/layout.hpp"
#include "genz/engine/predictor.hpp"
#include "genz/sdk/hardware_spec.hpp"
#include "genz/sdk/model.hpp"
#include "genz/sdk/report.hpp"

namespace genz {

struct MemoryEstimate {
  unsigned stage = 0;  // the busiest pipeline stage
  double dense_weights = 0, expert_weights = 0, embedding_weights = 0;
  double kv_after_prefill = 0, kv_after_decode = 0;
  double logits_kept = 0;            // alive after prefill and decode
  double transient_activations = 0;  // peak during prefill, freed after
  double capacity = 0;               // data sheet
  double usable = 0;                 // what the engine may use
  // CPU memory of an offloading layout: the weights and KV cache kept there.
  double host_weights = 0, host_kv = 0, host_capacity = 0;

  double weights() const noexcept { return dense_weights + expert_weights + embedding_weights; }
  double after_prefill() const noexcept { return weights() + kv_after_prefill + logits_kept; }
  double after_decode() const noexcept { return weights() + kv_after_decode + logits_kept; }
  double peak() const noexcept {
    const double prefill_peak = after_prefill() + transient_activations;
    return prefill_peak > after_decode() ? prefill_peak : after_decode();
  }
  double host_total() const noexcept { return host_weights + host_kv; }
  bool fits() const noexcept { return peak() <= usable && host_total() <= host_capacity; }
};

/// What one GPU of `layout` holds for layers [layer_begin, layer_end), as the
/// model plugin says; throws Error when the plugin cannot say.
ShardFootprint shard_footprint(const Model& model, const Layout& layout, const Precision& precision,
                               const EngineProfile& engine, unsigned layer_begin, unsigned layer_end, bool first_stage,
                               bool last_stage);

/// Memory of one GPU of `stage` (its own kind in a heterogeneous pipeline).
double stage_memory(const Layout& layout, const HardwareSpec& hw, unsigned stage);

/// `host`: the CPU side, required when the layout offloads. The busiest
/// GPU is the one with the least room left.
MemoryEstimate estimate_memory(const Model& model, const Layout& layout, const Precision& precision,
                               const EngineProfile& engine, const HardwareSpec& hw, const Request& r,
                               const HostSpec* host = nullptr);

MemoryReport to_report(const MemoryEstimate& m, const Request& r);

/// "needs 30.1 GiB per GPU (weights 12.6 GiB, ...) but rtx3090 has 24.0 GiB"
std::string describe_overflow(const MemoryEstimate& m, const std::string& hw_name);

}  // namespace genz
