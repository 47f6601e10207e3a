#include "genz/engine/stage_split.hpp"

#include <gtest/gtest.h>

#include <numeric>

#include "genz/engine/memory_model.hpp"
#include "genz/host/error.hpp"
#include "test_support.hpp"

namespace genz {
namespace {

TEST(StageSplit, CountsByHandAreChecked) {
  const test::Stack st = test::stack("llama2_7b", "h100", "nv_like");
  Parallelism p;
  p.pp = 3;
  Layout l = st->layout_for(p);
  set_stage_layers(l, {12, 12, 8}, 32);
  EXPECT_EQ(l.stage_layers[2], std::make_pair(24u, 32u));
  EXPECT_THROW(set_stage_layers(l, {16, 16}, 32), InputError);     // two counts for three stages
  EXPECT_THROW(set_stage_layers(l, {16, 16, 0}, 32), InputError);  // an empty stage
  EXPECT_THROW(set_stage_layers(l, {12, 12, 9}, 32), InputError);  // 33 layers
}

// The LM head lives on the last stage: a balanced split never gives it more
// layers than the others, and every stage gets one.
TEST(StageSplit, TheDefaultSplitBalancesTheStagesCountingTheLmHead) {
  const test::Stack st = test::stack("llama2_7b", "h100", "nv_like");
  Parallelism p;
  p.pp = 4;
  const Layout l = st->layout_for(p);
  const auto split = balanced_stage_split(*st->model, l, st->precision, st->engine, st->hardware->spec(), {1024, 200});
  ASSERT_TRUE(split);
  ASSERT_EQ(split->size(), 4u);
  EXPECT_EQ(std::accumulate(split->begin(), split->end(), 0u), 32u);
  for (unsigned n : *split) EXPECT_GE(n, 1u);
  EXPECT_LE(split->back(), *std::max_element(split->begin(), split->end() - 1));
}

// Llama-3-8B's embedding and LM head (1 GB each) sit on the first and last
// stages: with the memory just below what the even split's busiest stage
// needs, the split that moves layers to the middle stage fits.
TEST(StageSplit, AnUnevenSplitFitsWhereTheEvenOneDoesNot) {
  test::Stack st = test::stack("llama3_8b", "rtx3090", "pcie_like", "vllm");
  Parallelism p;
  p.pp = 3;
  Layout l = st->layout_for(p, 1, 3);
  const Request r{1024, 200, 1, 1};
  const HardwareSpec& hw = st->hardware->spec();
  const MemoryEstimate even = estimate_memory(*st->model, l, st->precision, st->engine, hw, r);
  EngineProfile tight = st->engine;
  tight.memory_fraction = (even.peak() - 100e6 + tight.reserved_bytes) / hw.memory_bytes;
  EXPECT_FALSE(estimate_memory(*st->model, l, st->precision, tight, hw, r).fits());
  const auto split = balanced_stage_split(*st->model, l, st->precision, tight, hw, r);
  ASSERT_TRUE(split);
  set_stage_layers(l, *split, st->model->info().layers);
  const MemoryEstimate uneven = estimate_memory(*st->model, l, st->precision, tight, hw, r);
  EXPECT_TRUE(uneven.fits()) << uneven.peak() / 1e9 << " GB of " << uneven.usable / 1e9;
  EXPECT_GT((*split)[1], (*split)[0]);  // the middle stage holds no embedding: it takes more layers
}

// The case that motivated it: a 4-bit DeepSeek-V3 on 16 RTX 3090 under
// llama.cpp (all of the GPU, KV for 4096 tokens) fits; under vLLM's 90 %
// it does not, and the message says so.
TEST(StageSplit, FourBitDeepSeekOnSixteenRtx3090UnderLlamaCpp) {
  const auto ok = test::run_genz(
      "--model-plugin deepseek_v3 --hw rtx3090 --nodes 1 --gpus-per-node 16 --pp 16 --dtype int4 --engine llamacpp -q");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("PP 16 on 16 GPUs, layers "), std::string::npos) << ok.out;
  const auto vllm = test::run_genz(
      "--model-plugin deepseek_v3 --hw rtx3090 --nodes 1 --gpus-per-node 16 --pp 16 --dtype int4 --engine vllm -q");
  EXPECT_EQ(vllm.exit_code, 2);
  EXPECT_NE(vllm.err.find("does not fit"), std::string::npos) << vllm.err;
}

}  // namespace
}  // namespace genz
