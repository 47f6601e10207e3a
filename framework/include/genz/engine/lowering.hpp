// Lowering: from an operator's shape to the resources it needs under one
// engine (kernels, DRAM traffic, parallel work units).
#pragma once

#include "genz/engine/engine_profile.hpp"
#include "genz/sdk/op.hpp"

namespace genz {

/// A routed experts' matrix of the built-in graph builder (experts_gate_up,
/// experts_up, experts_down): what expert offload moves to the CPU.
inline bool is_routed_expert(const Op& op) noexcept {
  return op.name_view().rfind("experts_", 0) == 0;
}

/// Fills op.flops, bytes, kernels, parallel_units and compute_dtype.
void lower(Op& op, const EngineProfile& engine) noexcept;

/// Checks a model plugin's operator: finite, non-negative shapes, layers in
/// range. Returns an empty string when valid, else what is wrong.
std::string check_op(const Op& op, unsigned num_layers);

}  // namespace genz
