#include "session.hpp"

#include <gtest/gtest.h>

namespace genz::cli {
namespace {

TEST(Session, TheOriginalToolsSystemNames) {
  EXPECT_EQ(hardware_for_system("RTX3090_GPU"), "rtx3090");
  EXPECT_EQ(hardware_for_system("H100_GPU"), "h100");
  EXPECT_EQ(hardware_for_system("A100_80GB_GPU"), "a100_80gb");
  EXPECT_EQ(hardware_for_system("TPUv6"), "tpuv6");
  EXPECT_EQ(hardware_for_system("RTX4090_PCIE_G4_IB25G"), "rtx4090");  // a cluster preset names its GPU
  EXPECT_EQ(hardware_for_system("mi300x"), "mi300x");                  // genz names pass through
}

TEST(Session, CommBackendFollowsTheLink) {
  EXPECT_EQ(default_comm({"nvlink", 1, 0, 1}), "nv_like");
  EXPECT_EQ(default_comm({"xgmi", 1, 0, 1}), "nv_like");
  EXPECT_EQ(default_comm({"pcie", 1, 0, 1}), "pcie_like");
}

TEST(Session, Fp8OnAGpuWithoutFp8IsWeightOnly) {
  Options o;
  o.dtype = "fp8";
  HardwareSpec ampere;
  ampere.name = "rtx3090";
  ampere.peak[index_of(DType::bf16)] = 71e12;
  std::vector<std::string> notes;
  const Precision p = choose_precision(ModelInfo{}, ampere, o, notes);
  EXPECT_EQ(p.weights, DType::fp8);
  EXPECT_EQ(p.activations, DType::bf16);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("no fp8 tensor cores"), std::string::npos);
  HardwareSpec hopper = ampere;
  hopper.peak[index_of(DType::fp8)] = 1979e12;
  EXPECT_EQ(choose_precision(ModelInfo{}, hopper, o, notes).activations, DType::fp8);
}

}  // namespace
}  // namespace genz::cli
