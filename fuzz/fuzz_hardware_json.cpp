// libFuzzer target: hardware descriptions (both schemas) and cluster files.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "genz/engine/cluster.hpp"
#include "genz/host/error.hpp"
#include "genz/sdk/hardware.hpp"
#include "genz/sdk/hardware_json.hpp"
#include "genz/sdk/op_resources.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const genz::HardwareSpec spec = genz::hardware_from_text(text, "fuzz.json", "fuzz");
    // A spec that loads must time operators to a finite, non-negative number.
    const genz::RooflineHardware hw(spec);
    genz::Op op;
    op.kind = genz::OpKind::gemm;
    op.m = 128;
    op.n = op.k = 4096;
    genz::resolve_defaults(op);
    const double t = hw.time(op).seconds;
    if (!(std::isfinite(t) && t >= 0)) __builtin_trap();
  } catch (const genz::InputError&) {
  }
  try {
    genz::cluster_from_text(text, "fuzz-cluster.json");
  } catch (const genz::InputError&) {
  }
  return 0;
}
