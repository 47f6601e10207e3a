// How a model's layers are split over pipeline stages: given by hand
// (--pp-layers), or chosen so that every stage fits in memory and the
// slowest stage is as fast as possible, counting the embedding where it lives
// (first stage) and the LM head (last stage).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "genz/engine/engine_profile.hpp"
#include "genz/engine/layout.hpp"
#include "genz/engine/predictor.hpp"
#include "genz/sdk/hardware_spec.hpp"
#include "genz/sdk/model.hpp"

namespace genz {

/// Sets the layers of each stage from their counts; throws InputError naming
/// `flag` when there are not pp counts, a count is 0, or they do not add up
/// to the model's layers.
void set_stage_layers(Layout& l, const std::vector<unsigned>& counts, unsigned num_layers,
                      const std::string& flag = "--pp-layers");

/// Puts layers [0, n) on the CPU and splits the rest evenly over the stages;
/// throws InputError when fewer than one layer per stage would be left.
void set_host_layers(Layout& l, unsigned n, unsigned num_layers);

/// The layers per stage (counts) for `l`'s layout: each stage's weights, KV
/// cache for request `r`, embedding or LM head and activations within the
/// engine's usable memory, and among such splits the one whose slowest stage
/// takes the least time over the request (its prefill at the achieved tensor
/// peak plus every decode step at the achieved bandwidth and collective
/// latency; the LM head counts on the last stage). nullopt when no split fits.
std::optional<std::vector<unsigned>> balanced_stage_split(const Model& model, const Layout& l,
                                                          const Precision& precision, const EngineProfile& engine,
                                                          const HardwareSpec& hw, const Request& r);

}  // namespace genz
