// Published end-to-end measurements of local inference (llama.cpp on
// consumer GPUs, KTransformers' CPU/GPU hybrid) shipped with genz
// (data/published/), predicted row by row for `genz validate`.
#pragma once

#include <memory>
#include <vector>

#include "genz/calibration/validation.hpp"
#include "genz/host/plugin_registry.hpp"

namespace genz {

/// One validation row per published figure: its error, or why genz cannot
/// run it.
void published_rows(const std::shared_ptr<const PluginRegistry>& registry, std::vector<ValidationRow>& out);

}  // namespace genz
