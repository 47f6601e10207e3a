// The shipped hardware: every part the original tool knew, data-sheet numbers
// with their source, fitted numbers from data/calibration.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "genz/sdk/hardware.hpp"
#include "genz/sdk/hardware_json.hpp"
#include "genz/sdk/op_resources.hpp"
#include "test_support.hpp"

namespace genz {
namespace {

const char* const kParts[] = {"rtx3090", "rtx4090", "a100_40gb", "a100_80gb", "h100",  "h200",   "gh200",
                              "b100",    "b200",    "gb200",     "a6000",     "l40s",  "mi300x", "mi325x",
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

// Hopper's FP8 GEMMs as TensorRT-LLM measured them (aiconfigurator tables):
// the H100's fitted fractions, kept beside its calibration, and the H200's
// copy of them; a few shapes of the table itself.
// Data-center parts with kernel tables describe their GEMM kernels; the
// H200 carries the H100's (same die); parts without tables keep the roofline.
TEST(HardwarePresets, DataCenterPartsDescribeTheirGemmKernels) {
  for (const char* name : {"h100", "h200", "b200", "a100_80gb", "l40s"}) {
    const auto hw = test::plugins().create<Hardware>(PluginKind::hardware, name);
    EXPECT_TRUE(hw->spec().achieved.gemm_kernels[index_of(DType::bf16)].described()) << name;
    EXPECT_GT(hw->spec().achieved.compute_fraction, 0.5) << name << ": the roofline for other operators stays";
  }
  const auto h100 = test::plugins().create<Hardware>(PluginKind::hardware, "h100");
  const auto h200 = test::plugins().create<Hardware>(PluginKind::hardware, "h200");
  EXPECT_DOUBLE_EQ(h200->spec().achieved.gemm_kernels[index_of(DType::fp8)].floor,
                   h100->spec().achieved.gemm_kernels[index_of(DType::fp8)].floor);
  const auto rtx = test::plugins().create<Hardware>(PluginKind::hardware, "rtx3090");
  EXPECT_FALSE(rtx->spec().achieved.gemm_kernels[index_of(DType::bf16)].described());
  auto gemm = [&](double m, double n, double k, DType t) {
    Op op;
    op.kind = OpKind::gemm;
    op.m = m, op.n = n, op.k = k;
    op.a_dtype = op.w_dtype = t;
    resolve_defaults(op);
    return h100->time(op).seconds;
  };
  // ../shared/data/aiconfigurator-kernels/h100_sxm/trtllm_1.3.0rc20/gemm.csv:
  // fp8 (64, 6144, 4096) 22.26 us, (1024, 6144, 4096) 57.91 us;
  // bf16 (1, 4096, 4096) 16.56 us, (8192, 4096, 4096) 343.59 us.
  EXPECT_NEAR(gemm(64, 6144, 4096, DType::fp8), 22.26e-6, 0.1 * 22.26e-6);
  EXPECT_NEAR(gemm(1024, 6144, 4096, DType::fp8), 57.91e-6, 0.1 * 57.91e-6);
  EXPECT_NEAR(gemm(1, 4096, 4096, DType::bf16), 16.56e-6, 0.1 * 16.56e-6);
  EXPECT_NEAR(gemm(8192, 4096, 4096, DType::bf16), 343.59e-6, 0.1 * 343.59e-6);
}

TEST(HardwarePresets, AGemmSectionReadsAndWritesBack) {
  const std::string text = R"({"name": "x", "compute": {"tensor_tflops": {"bf16": 100, "fp8": 200}},
    "memory": {"capacity_GiB": 24, "bandwidth_GBps": 900},
    "achieved": {"gemm": {"fp8": {"compute_fraction": 0.5, "extra_kernels": 1}}}})";
  const HardwareSpec s = hardware_from_text(text, "x.json", "x");
  EXPECT_DOUBLE_EQ(s.achieved.gemm[index_of(DType::fp8)].compute_fraction, 0.5);
  const HardwareSpec back = hardware_from_json(hardware_to_json(s), "round trip", "x");
  EXPECT_DOUBLE_EQ(back.achieved.gemm[index_of(DType::fp8)].extra_kernels, 1);
  EXPECT_THROW(hardware_from_text(R"({"name": "x", "compute": {"tensor_tflops": {"bf16": 100}},
    "memory": {"capacity_GiB": 24, "bandwidth_GBps": 900},
    "achieved": {"gemm": {"fp8": {"compute_fration": 0.5}}}})",
                                  "typo.json", "x"),
               std::exception);
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

// The B200 borrows the H100's calibration (its link's latency and efficiency)
// and keeps its own collective scales beside them.
TEST(HardwarePresets, BorrowedCalibrationKeepsThePartsOwnLinkValues) {
  const auto h100 = test::plugins().create<Hardware>(PluginKind::hardware, "h100");
  const auto b200 = test::plugins().create<Hardware>(PluginKind::hardware, "b200");
  const LinkSpec& own = b200->spec().intra_node;
  EXPECT_DOUBLE_EQ(own.latency, h100->spec().intra_node.latency);
  EXPECT_DOUBLE_EQ(own.efficiency, h100->spec().intra_node.efficiency);
  EXPECT_GT(own.collective_latency_scale, 1.2);
  EXPECT_LT(own.collective_bandwidth_scale, 1.0);
  EXPECT_DOUBLE_EQ(h100->spec().intra_node.collective_latency_scale, 1.0);
}

// The L40S borrows the RTX 3090's calibration but fits its own PCIe
// collectives (peer to peer): those win over the sibling's host-staged link.
TEST(HardwarePresets, ThePartsOwnFitWinsOverABorrowedCalibration) {
  const auto rtx = test::plugins().create<Hardware>(PluginKind::hardware, "rtx3090");
  const auto l40s = test::plugins().create<Hardware>(PluginKind::hardware, "l40s");
  const LinkSpec& own = l40s->spec().intra_node;
  EXPECT_EQ(rtx->spec().intra_node.step_latency, 0);  // host-staged
  EXPECT_GT(own.step_latency, 0);
  EXPECT_GT(own.ll_latency, 0);
  EXPECT_GT(own.contention, 1);
  EXPECT_NE(own.latency, rtx->spec().intra_node.latency);
  EXPECT_NE(own.efficiency, rtx->spec().intra_node.efficiency);
  // What the L40S did not fit still comes from the RTX 3090.
  EXPECT_DOUBLE_EQ(l40s->spec().achieved.kernel_overhead, rtx->spec().achieved.kernel_overhead);
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
