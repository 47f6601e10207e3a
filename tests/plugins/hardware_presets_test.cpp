// The shipped hardware: every part the original tool knew, data-sheet numbers
// with their source, fitted numbers from data/calibration.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "genz/sdk/hardware.hpp"
#include "test_support.hpp"

namespace genz {
namespace {

const char* const kParts[] = {"rtx3090", "rtx4090", "a100_40gb", "a100_80gb", "h100",   "h200",
                              "gh200",   "b100",    "gb200",     "a6000",     "mi300x", "mi325x",
                              "tpuv4",   "tpuv5e",  "tpuv5p",    "tpuv6",     "gaudi3"};

TEST(HardwarePresets, EveryPartLoadsWithPlausibleNumbers) {
  for (const char* name : kParts) {
    const auto hw = test::plugins().create<Hardware>(PluginKind::hardware, name);
    const HardwareSpec& s = hw->spec();
    EXPECT_EQ(s.name, name);
    EXPECT_GT(s.peak_for(DType::bf16), 50e12) << name;
    EXPECT_GT(s.memory_bytes, 15.0 * (1ull << 30)) << name;
    EXPECT_GT(s.memory_bandwidth, 700e9) << name;
    EXPECT_GT(s.intra_node.bandwidth, 10e9) << name;
    EXPECT_GT(s.achieved.compute_fraction, 0.3) << name;
    EXPECT_GT(s.intra_node.latency, 1e-6) << name << ": collectives cannot be free";
    EXPECT_LE(s.achieved.bandwidth_fraction, 1.0) << name;
  }
}

TEST(HardwarePresets, TheRtx3090HasBothAccumulatePeaks) {
  const auto hw = test::plugins().create<Hardware>(PluginKind::hardware, "rtx3090");
  EXPECT_DOUBLE_EQ(hw->spec().peak_for(DType::fp16), 71e12);         // FP32 accumulate, what PyTorch uses
  EXPECT_DOUBLE_EQ(hw->spec().peak_for(DType::fp16, true), 142e12);  // FP16 accumulate
  EXPECT_EQ(hw->spec().peak_for(DType::fp8), 0);                     // Ampere has no fp8 tensor cores
}

TEST(HardwarePresets, MeasuredPartsCarryTheirCalibration) {
  for (const char* name : {"rtx3090", "h100", "a100_80gb"}) {
    const auto hw = test::plugins().create<Hardware>(PluginKind::hardware, name);
    EXPECT_NE(hw->spec().notes.find("Calibrated by: genz calibrate"), std::string::npos) << name;
  }
  const auto h200 = test::plugins().create<Hardware>(PluginKind::hardware, "h200");
  EXPECT_NE(h200->spec().notes.find("Achieved values of h100"), std::string::npos);
  const auto mi300x = test::plugins().create<Hardware>(PluginKind::hardware, "mi300x");
  EXPECT_NE(mi300x->spec().notes.find("Intra-node link latency and efficiency of h100"), std::string::npos);
  const auto rtx3090 = test::plugins().create<Hardware>(PluginKind::hardware, "rtx3090");
  ASSERT_NE(rtx3090->spec().host_for("hf"), nullptr);  // eager PyTorch's CPU cost, fitted
}

// Every number in a shipped spec file has a source: the file opens with a
// comment naming the data sheet, and no number is left without one.
TEST(HardwarePresets, SpecFilesCiteTheirSources) {
  std::size_t files = 0;
  for (const char* vendor : {"nvidia", "amd", "google", "intel"})
    for (const auto& e : std::filesystem::directory_iterator(test::source("plugins/hardware/") + vendor + "/specs")) {
      std::ifstream in(e.path());
      const std::string text(std::istreambuf_iterator<char>(in), {});
      EXPECT_NE(text.find("Source:"), std::string::npos) << e.path();
      EXPECT_EQ(text.rfind("//", 0), 0u) << e.path() << " must start with its provenance comment";
      ++files;
    }
  EXPECT_EQ(files, std::size(kParts));
}

}  // namespace
}  // namespace genz
