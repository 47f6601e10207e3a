// A model stored as a GGUF file type. The model plugin builds its operators
// and sizes its shards with every weight matrix in the base block format;
// this wrapper gives each matrix the format llama-quantize would give it (by
// role and layer, gguf_mix.hpp), splitting an operator's layer range where
// the format changes, and corrects the shard sizes to match.
#pragma once

#include "genz/engine/gguf_mix.hpp"
#include "genz/host/handle.hpp"
#include "genz/sdk/model.hpp"

namespace genz {

/// The role of a weight matrix from the operator names of the built-in
/// graph builder (q_proj, down_proj, experts_down, lm_head, ...).
TensorRole role_of_operator(std::string_view name);

/// Wraps `inner`; the result keeps `inner` (and its library) alive and
/// reports the same names.
Handle<Model> with_gguf_ftype(Handle<Model> inner, const GgufFtype& ftype);

}  // namespace genz
