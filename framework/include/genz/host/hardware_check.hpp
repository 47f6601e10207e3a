// Checks a hardware plugin's description before anything is predicted with
// it, so a bad description is reported by `genz plugins` and at --hw with
// the field at fault, not later as a NaN time.
#pragma once

#include <string>

#include "genz/sdk/hardware_spec.hpp"

namespace genz {

/// What is wrong with `spec` ("" when nothing): the first field out of range.
std::string hardware_spec_problem(const HardwareSpec& spec);

/// Collective latency genz assumes for an intra-node link whose description
/// gives none (latency 0): the fitted value of the measured part with a link
/// of the same class (data/calibration/h100.json for NVLink-class links,
/// data/calibration/rtx3090.json for PCIe-class ones).
double assumed_link_latency(const std::string& kind);

}  // namespace genz
