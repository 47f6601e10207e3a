// Hardware plugins that ship data: data-sheet specs (JSON with comments, one
// file per part) overlaid with what genz calibrate fitted on real
// measurements (data/calibration/<name>.json: its "achieved" and
// "engine_host" sections).
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "genz/sdk/hardware.hpp"
#include "genz/sdk/plugin.hpp"
#include "genz_embedded.hpp"

namespace genz::hardware {

/// Parses every spec and applies the calibration file of the same name.
std::vector<HardwareSpec> load_presets(const genz_embedded::File* specs, std::size_t spec_count,
                                       const genz_embedded::File* calibrations, std::size_t calibration_count);

/// Registers one entry per preset; user_data points into `presets`, which
/// must live as long as the library (a function-local static).
void register_presets(Registrar& r, const std::vector<HardwareSpec>& presets);

}  // namespace genz::hardware
