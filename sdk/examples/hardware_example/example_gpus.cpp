// A third party's hardware plugin: two accelerators described in code, one
// of them with its own timing rule on top of genz's roofline.
#include <memory>
#include <string_view>

#include "genz/sdk/hardware.hpp"
#include "genz/sdk/hardware_json.hpp"
#include "genz/sdk/plugin.hpp"

namespace {

// Numbers of a hypothetical 48 GB PCIe card; a real plugin cites its data sheet.
constexpr const char* kSpec = R"({
  "name": "example_gpu",
  "display_name": "Example Accelerator 48GB",
  "vendor": "Example Corp.",
  "compute": {"units": 96, "tensor_tflops": {"bf16": 200, "fp16": 200, "fp8": 400, "int8": 400}, "vector_tflops": 50},
  "memory": {"capacity_GiB": 48, "bandwidth_GBps": 1200, "l2_MiB": 64},
  "interconnect": {"intra_node": {"kind": "pcie", "bandwidth_GBps": 63}},
  "achieved": {"compute_fraction": 0.7, "bandwidth_fraction": 0.85, "kernel_overhead_us": 4,
               "intra_node": {"latency_us": 15, "efficiency": 0.6}}
})";

const genz::HardwareSpec& example_spec() {
  static const genz::HardwareSpec s = genz::hardware_from_text(kSpec, "example_gpus.cpp", "example_gpu");
  return s;
}

// The same card with a large on-chip cache: element-wise kernels whose data
// fit in L2 run at twice the DRAM bandwidth.
class CachedGpu final : public genz::RooflineHardware {
 public:
  explicit CachedGpu(const genz::HardwareOptions& o) : RooflineHardware(with_name(example_spec(), "example_gpu_l2"), o) {}
  genz::OpCost time(const genz::Op& op) const noexcept override {
    if (op.kind == genz::OpKind::elementwise && op.bytes < spec().l2_bytes) {
      genz::Op faster = op;
      faster.bytes /= 2;
      return RooflineHardware::time(faster);
    }
    return RooflineHardware::time(op);
  }

 private:
  static genz::HardwareSpec with_name(genz::HardwareSpec s, const char* name) {
    s.name = name;
    s.display_name = "Example Accelerator 48GB (L2-aware timing)";
    return s;
  }
};

// The host passes the run's options (--system_eff, --accumulate) in the
// configuration; RooflineHardware applies them, time() stays this plugin's.
std::unique_ptr<genz::Hardware> make_plain(const void*, std::string_view config) {
  return std::make_unique<genz::RooflineHardware>(example_spec(), genz::hardware_options(config));
}
std::unique_ptr<genz::Hardware> make_cached(const void*, std::string_view config) {
  return std::make_unique<CachedGpu>(genz::hardware_options(config));
}

void register_gpus(genz::Registrar& r) {
  r.add("example_gpu", "Example Accelerator 48GB", genz::factory<genz::Hardware, make_plain>());
  r.add("example_gpu_l2", "Example Accelerator 48GB, L2-aware", genz::factory<genz::Hardware, make_cached>());
}

}  // namespace

GENZ_PLUGIN(GENZ_KIND_HARDWARE, "example_gpus", "1.0.0", register_gpus)
