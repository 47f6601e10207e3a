#include "genz/engine/engine_profile.hpp"

#include <gtest/gtest.h>

#include "genz/host/error.hpp"

namespace genz {
namespace {

TEST(EngineProfile, BuiltInProfiles) {
  EXPECT_EQ(engine_names(), "hf, ideal, ktransformers, llamacpp, sglang, trtllm, vllm");
  const EngineProfile* hf = find_engine("hf");
  ASSERT_NE(hf, nullptr);
  EXPECT_FALSE(hf->traits.fused_qkv);
  EXPECT_TRUE(hf->traits.all_prompt_logits);
  EXPECT_FALSE(hf->attention_split_kv);
  EXPECT_TRUE(hf->keeps_prompt_logits);
  EXPECT_EQ(hf->elementwise[static_cast<int>(EwKind::rmsnorm)].kernels, 8);
  EXPECT_EQ(hf->elementwise[static_cast<int>(EwKind::rmsnorm)].traffic, 18);
  const EngineProfile* vllm = find_engine("vllm");
  ASSERT_NE(vllm, nullptr);
  EXPECT_TRUE(vllm->cuda_graphs);
  EXPECT_FALSE(vllm->beam_copies_prompt);
  EXPECT_EQ(find_engine("tgi"), nullptr);
}

TEST(EngineProfile, FileErrorsNameTheKey) {
  try {
    engine_from_text(R"({"name": "x", "elementwise": {"rmsnorms": {"kernels": 1}}})", "e.json");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("e.json: key \"elementwise/rmsnorms\": expected one of embedding, rmsnorm"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(engine_from_text(R"({"name": "x", "kv_strategy": "paged"})", "e.json"), InputError);
  EXPECT_THROW(engine_from_text(R"({"description": "no name"})", "e.json"), InputError);
  // The batched-decode cost reaches all of itself at two sequences or more.
  EXPECT_THROW(engine_from_text(R"({"name": "x", "batch_layer_seqs": 1})", "e.json"), InputError);
  EXPECT_DOUBLE_EQ(engine_from_text(R"({"name": "x", "batch_layer_us": 35})", "e.json").batch_layer, 35e-6);
}

TEST(EngineProfile, EagerCallsAreMicrosecondsPerTargetAndKernelSource) {
  const EngineProfile e =
      engine_from_text(R"({"name": "x", "eager_call_us": {"sm90": {"k": 60}, "sm100": {"k": 200}}})", "e.json");
  EXPECT_DOUBLE_EQ(*e.eager_call_seconds("sm90", "k"), 60e-6);
  EXPECT_DOUBLE_EQ(*e.eager_call_seconds("sm100", "k"), 200e-6);
  EXPECT_FALSE(e.eager_call_seconds("sm89", "k").has_value());
  try {
    engine_from_text(R"({"name": "x", "eager_call_us": {"sm90": {"k": "slow"}}})", "e.json");
    FAIL();
  } catch (const InputError& err) {
    EXPECT_NE(std::string(err.what()).find("eager_call_us/sm90"), std::string::npos) << err.what();
  }
}

}  // namespace
}  // namespace genz

namespace genz {
namespace {

// SGLang's mem_fraction_static default falls with the TP degree
// (server_args.py); --gpu-mem-util replaces the whole table.
TEST(EngineProfile, MemoryFractionByTensorParallelDegree) {
  const EngineProfile& s = *find_engine("sglang");
  EXPECT_DOUBLE_EQ(s.memory_fraction_for(1), 0.88);
  EXPECT_DOUBLE_EQ(s.memory_fraction_for(3), 0.87);
  EXPECT_DOUBLE_EQ(s.memory_fraction_for(4), 0.85);
  EXPECT_DOUBLE_EQ(s.memory_fraction_for(8), 0.81);
  EXPECT_DOUBLE_EQ(s.memory_fraction_for(32), 0.79);
  EXPECT_DOUBLE_EQ(find_engine("vllm")->memory_fraction_for(8), 0.9);
  EXPECT_THROW(engine_from_text(R"({"name": "x", "memory_fraction_by_tp": {"two": 0.8}})", "x.json"), InputError);
  EXPECT_THROW(engine_from_text(R"({"name": "x", "memory_fraction_by_tp": {"2": 1.8}})", "x.json"), InputError);
}

}  // namespace
}  // namespace genz
