#include "genz/sdk/hardware_json.hpp"

#include <gtest/gtest.h>

namespace genz {
namespace {

constexpr const char* kGenz = R"({
  // comments are allowed
  "name": "gpu_x", "vendor": "X",
  "compute": {"units": 10, "tensor_tflops": {"bf16": 100, "fp8": 200}, "tensor_tflops_acc16": {"fp16": 300},
              "vector_tflops": 20},
  "memory": {"capacity_GiB": 16, "bandwidth_GBps": 500, "l2_MiB": 4},
  "interconnect": {"intra_node": {"kind": "nvlink", "bandwidth_GBps": 100}},
  "achieved": {"compute_fraction": 0.7, "bandwidth_fraction": 0.9, "kernel_overhead_us": 3,
               "intra_node": {"latency_us": 12, "efficiency": 0.6}},
  "engine_host": {"hf": {"per_kernel_us": 10, "per_request_ms": 2}}
})";

TEST(HardwareJson, ReadsGenzSchemaInSiUnits) {
  const HardwareSpec s = hardware_from_text(kGenz, "gpu.json", "fallback");
  EXPECT_EQ(s.name, "gpu_x");
  EXPECT_DOUBLE_EQ(s.peak_for(DType::bf16), 100e12);
  EXPECT_DOUBLE_EQ(s.peak_for(DType::fp8), 200e12);
  EXPECT_DOUBLE_EQ(s.peak_for(DType::fp16, true), 300e12);
  EXPECT_DOUBLE_EQ(s.memory_bytes, 16.0 * (1ull << 30));
  EXPECT_DOUBLE_EQ(s.memory_bandwidth, 500e9);
  EXPECT_DOUBLE_EQ(s.intra_node.bandwidth, 100e9);
  EXPECT_DOUBLE_EQ(s.intra_node.latency, 12e-6);
  EXPECT_DOUBLE_EQ(s.achieved.kernel_overhead, 3e-6);
  ASSERT_NE(s.host_for("hf"), nullptr);
  EXPECT_DOUBLE_EQ(s.host_for("hf")->per_request, 2e-3);
}

TEST(HardwareJson, ReadsTheOriginalToolsKeys) {
  const HardwareSpec s = hardware_from_text(
      R"({"Flops": 142, "Memory_size": 24, "Memory_BW": 936, "ICN": 16, "ICN_LL": 5, "L2_Cache_Size": 6, "real_values": true})",
      "seed.json", "seed_gpu");
  EXPECT_EQ(s.name, "seed_gpu");
  EXPECT_DOUBLE_EQ(s.peak_for(DType::bf16), 142e12);
  EXPECT_DOUBLE_EQ(s.memory_bandwidth, 936e9);
  EXPECT_DOUBLE_EQ(s.intra_node.bandwidth, 16e9);
  EXPECT_DOUBLE_EQ(s.intra_node.latency, 5e-6);
}

TEST(HardwareJson, RoundTrips) {
  const HardwareSpec a = hardware_from_text(kGenz, "gpu.json", "x");
  const HardwareSpec b = hardware_from_text(hardware_to_json(a).dump(), "again.json", "x");
  EXPECT_EQ(b.name, a.name);
  EXPECT_DOUBLE_EQ(b.peak_for(DType::fp8), a.peak_for(DType::fp8));
  EXPECT_DOUBLE_EQ(b.achieved.compute_fraction, a.achieved.compute_fraction);
  EXPECT_DOUBLE_EQ(b.intra_node.efficiency, a.intra_node.efficiency);
  EXPECT_DOUBLE_EQ(b.host_for("hf")->per_kernel, a.host_for("hf")->per_kernel);
}

TEST(HardwareJson, PeerToPeerLinkValuesRoundTrip) {
  const std::string text =
      R"({"compute": {"tensor_tflops": {"bf16": 100}}, "memory": {"capacity_GiB": 48, "bandwidth_GBps": 864},
    "interconnect": {"intra_node": {"kind": "pcie", "bandwidth_GBps": 32}},
    "achieved": {"intra_node": {"latency_us": 22, "efficiency": 0.6, "step_latency_us": 0.9, "ll_latency_us": 5.5,
                                "ll_fraction": 0.63, "p2p_latency_us": 7, "contention": 2}}})";
  const HardwareSpec a = hardware_from_text(text, "gpu.json", "x");
  EXPECT_DOUBLE_EQ(a.intra_node.step_latency, 0.9e-6);
  EXPECT_DOUBLE_EQ(a.intra_node.ll_latency, 5.5e-6);
  EXPECT_DOUBLE_EQ(a.intra_node.ll_fraction, 0.63);
  EXPECT_DOUBLE_EQ(a.intra_node.p2p_latency, 7e-6);
  EXPECT_DOUBLE_EQ(a.intra_node.contention, 2);
  const HardwareSpec b = hardware_from_text(hardware_to_json(a).dump(), "again.json", "x");
  EXPECT_DOUBLE_EQ(b.intra_node.step_latency, a.intra_node.step_latency);
  EXPECT_DOUBLE_EQ(b.intra_node.ll_latency, a.intra_node.ll_latency);
  EXPECT_DOUBLE_EQ(b.intra_node.ll_fraction, a.intra_node.ll_fraction);
  EXPECT_DOUBLE_EQ(b.intra_node.p2p_latency, a.intra_node.p2p_latency);
  EXPECT_DOUBLE_EQ(b.intra_node.contention, a.intra_node.contention);
}

std::string error_of(const std::string& text) {
  try {
    hardware_from_text(text, "bad.json", "x");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(HardwareJson, ErrorsNameTheFileTheKeyAndWhatWasFound) {
  EXPECT_EQ(error_of(R"({"compute": {"tensor_tflops": {"bf16": 100}}})"),
            "bad.json: key \"memory\": expected an object, found nothing (the key is missing)");
  EXPECT_EQ(error_of(R"({"compute": {"tensor_tflops": {"bf16": "fast"}}, "memory": {}})"),
            "bad.json: key \"compute/tensor_tflops/bf16\": expected a number, found string \"fast\"");
  EXPECT_EQ(
      error_of(
          R"({"compute": {"tensor_tflops": {"bf16": 100}}, "memory": {"capacity_GiB": 16, "bandwidth_GBps": -5}})"),
      "bad.json: key \"memory/bandwidth_GBps\": expected a number in [0.001, 100000], found -5");
  EXPECT_EQ(
      error_of(
          R"({"compute": {"tensor_tflops": {"bf16": 1e30}}, "memory": {"capacity_GiB": 16, "bandwidth_GBps": 5}})"),
      "bad.json: key \"compute/tensor_tflops/bf16\": expected a number in [0, 100000], found 1e+30");
  EXPECT_EQ(
      error_of(R"({"compute": {"tensor_tflops": {"fp5": 1}}, "memory": {"capacity_GiB": 16, "bandwidth_GBps": 5}})"),
      "bad.json: key \"compute/tensor_tflops/fp5\": expected a format name (fp32, tf32, bf16, fp16, fp8, int8, int4), "
      "found \"fp5\"");
  EXPECT_NE(error_of("{\"name\": \"x\",\n  \"compute\": }").find("bad.json: not valid JSON at line 2, column 14"),
            std::string::npos);
  EXPECT_EQ(error_of("[1, 2]"), "bad.json: key \"(document)\": expected a JSON object, found array");
  EXPECT_NE(error_of(R"({"compute": {"tensor_tflops": {"bf16": 1}}, "memory": {"capacity_GiB": 16, "bandwidth_GBps": 5},
                         "achieved": {"intra_node": {"latency": 3}}})")
                .find("bad.json: key \"achieved/intra_node/latency\": expected one of the known keys (latency_us,"),
            std::string::npos);
}

}  // namespace
}  // namespace genz

namespace genz {
namespace {

// Found by fuzz_hardware_json (fuzz/corpus/hardware_json/regression-number-overflow).
TEST(HardwareJson, ANumberBeyondDoubleIsAnInputError) {
  EXPECT_EQ(error_of(R"({"Flops": 7e777, "Memory_size": 24, "Memory_BW": 936})"),
            "bad.json: not valid JSON (number overflow parsing '7e777')");
}

}  // namespace
}  // namespace genz
