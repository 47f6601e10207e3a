// A sharded search's parts: written and read back exactly, joined only when
// they are the parts of one search, each once and all present.
#include "genz/planning/plan_store.hpp"

#include <gtest/gtest.h>

#include "genz/host/error.hpp"

namespace genz::plan {
namespace {

ConfigEval eval(std::size_t index) {
  ConfigEval e;
  e.index = index;
  e.config = ReplicaConfig{"h100", "trtllm", "fp8", "bf16", 2, 2, 1, 4, {"h100", "rtx4090"}};
  e.kv_tokens = 123456.789;
  e.prefill_alone = 0.1 / 3;  // not a short decimal: must come back bit for bit
  e.points = {BatchPoint{1, 0.01 / 7, 0.009, 0.05, true}, BatchPoint{2, 0.011, 0.0095, 0.051, false}};
  if (index == 1) e.failure = "does not fit";
  return e;
}

ShardFile part(unsigned k, unsigned n, std::size_t total) {
  ShardFile f{k, n, total, {"plan", "--model", "llama3_70b"}, {}};
  for (std::size_t i = 0; i < total; ++i)
    if (i % n == k - 1) f.evals.push_back(eval(i));
  return f;
}

TEST(PlanStore, APartReadsBackExactly) {
  const ShardFile f = part(1, 2, 4);
  const ShardFile g = shard_from_text(shard_to_text(f), "part.json");
  EXPECT_EQ(g.shard, 1u);
  EXPECT_EQ(g.shards, 2u);
  EXPECT_EQ(g.args, f.args);
  ASSERT_EQ(g.evals.size(), f.evals.size());
  for (std::size_t i = 0; i < f.evals.size(); ++i) {
    EXPECT_EQ(g.evals[i].config, f.evals[i].config);
    EXPECT_EQ(g.evals[i].prefill_alone, f.evals[i].prefill_alone);
    EXPECT_EQ(g.evals[i].points[0].step, f.evals[i].points[0].step);
    EXPECT_EQ(g.evals[i].points[1].feasible, false);
  }
}

TEST(PlanStore, JoinsPartsInSearchOrder) {
  const auto all = join_shards({part(2, 2, 5), part(1, 2, 5)}, {"b", "a"});
  ASSERT_EQ(all.size(), 5u);
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].index, i);
  EXPECT_EQ(all[1].failure, "does not fit");
}

TEST(PlanStore, RefusesMissingTwiceAndForeignParts) {
  auto message = [](const std::vector<ShardFile>& parts) {
    try {
      join_shards(parts, std::vector<std::string>(parts.size(), "dir/plan-part.json"));
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(message({part(1, 3, 6), part(3, 3, 6)}).find("part(s) 2 of 3 missing"), std::string::npos);
  EXPECT_NE(message({part(1, 2, 6), part(1, 2, 6)}).find("given twice"), std::string::npos);
  ShardFile other = part(2, 2, 6);
  other.args.push_back("--gpus");
  EXPECT_NE(message({part(1, 2, 6), other}).find("another search"), std::string::npos);
  EXPECT_NE(message({}).find("give the --out directories"), std::string::npos);
}

TEST(PlanStore, AMalformedPartNamesTheFileAndKey) {
  std::string text = shard_to_text(part(1, 1, 2));
  text.replace(text.find("\"kv_tokens\""), 11, "\"kv_tokenz\"");
  try {
    shard_from_text(text, "p/plan-part.json");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("p/plan-part.json"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("kv_tokens"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace genz::plan
