// One hardware plugin per vendor, built from this file with GENZ_VENDOR_NAME
// set and that vendor's spec files embedded as vendor_specs (see
// plugins/hardware/CMakeLists.txt).
#include <vector>

#include "preset_hardware.hpp"

namespace genz_embedded {
extern const File vendor_specs[];
extern const std::size_t vendor_specs_count;
extern const File calibrations[];
extern const std::size_t calibrations_count;
}  // namespace genz_embedded

namespace {

void register_parts(genz::Registrar& r) {
  static const std::vector<genz::HardwareSpec> presets =
      genz::hardware::load_presets(genz_embedded::vendor_specs, genz_embedded::vendor_specs_count,
                                   genz_embedded::calibrations, genz_embedded::calibrations_count);
  genz::hardware::register_presets(r, presets);
}

}  // namespace

GENZ_PLUGIN(GENZ_KIND_HARDWARE, GENZ_VENDOR_NAME, "1.0.0", register_parts)
