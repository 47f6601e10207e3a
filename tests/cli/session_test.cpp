#include "session.hpp"

#include <gtest/gtest.h>

#include "genz/host/error.hpp"
#include "test_support.hpp"

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

namespace genz::cli {
namespace {

// A cluster file that lists GPUs of two kinds: each stage gets its own kind;
// the default split gives the bigger, faster GPU more layers and every
// stage fits its own memory.
TEST(Session, APipelineOfDifferentGpus) {
  genz::test::TempDir dir;
  const auto cluster = dir.file("mixed.json", R"({"name": "mixed", "gpus": [{"hardware": "rtx3090", "count": 2},
                                                                         {"hardware": "a100_80gb"}]})");
  Options o;
  o.model = "llama2_70b";
  o.engine = "llamacpp";
  o.dtype = "q8_0";
  o.cluster = cluster.string();
  auto s = open_session(o, {512, 128, 1, 1});
  ASSERT_EQ(s->layout.stage_hardware.size(), 3u);
  EXPECT_EQ(s->layout.stage_hardware[2]->spec().name, "a100_80gb");
  const auto& [b, e] = s->layout.stage_layers[2];
  EXPECT_GT(e - b, s->layout.stage_layers[0].second - s->layout.stage_layers[0].first);
  EXPECT_TRUE(s->memory.fits());
  EXPECT_NE(describe(s->layout).find("2 x rtx3090 + 1 x a100_80gb"), std::string::npos);
  // The same layers timed on the A100 take less time than on an RTX 3090.
  const Prediction mixed = s->predictor->predict({512, 65, 1, 1});
  Options even = o;
  even.pp_layers = {27, 27, 26};
  EXPECT_THROW(open_session(even, {512, 128, 1, 1}), InputError);  // 27 q8_0 layers overflow an RTX 3090
  EXPECT_GT(mixed.decode_throughput, 0);
}

TEST(Session, AClusterListMustMatchTheLayout) {
  genz::test::TempDir dir;
  Options o;
  o.model = "llama2_7b";
  o.cluster =
      dir.file("two.json", R"({"name": "two", "gpus": [{"hardware": "rtx3090"}, {"hardware": "rtx4090"}]})").string();
  o.tp = 2;  // a stage of one 3090 and one 4090
  EXPECT_THROW(open_session(o, {128, 8, 1, 1}), InputError);
  o.tp.reset();
  o.pp = 3;
  EXPECT_THROW(open_session(o, {128, 8, 1, 1}), InputError);
}

}  // namespace
}  // namespace genz::cli
