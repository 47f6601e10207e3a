#include "genz/io/operator_tables.hpp"

#include <gtest/gtest.h>

#include "genz/host/error.hpp"
#include "test_support.hpp"

namespace genz {
namespace {

TEST(OperatorTables, ReadsVidurGemms) {
  const std::string path = test::data("vidur-profiling/compute/h100/Llama-2-70b-hf-mlp.csv");
  if (path.empty()) GTEST_SKIP() << "../shared/data not present";
  const auto g = read_vidur_gemms(path);
  EXPECT_EQ(g.size(), 1044u * 4);
  // The fused QKV projection of Llama-2-70B at TP 1: (64 + 2 * 8) heads x 128.
  bool found = false;
  for (const auto& s : g)
    if (s.op == "attn_pre_proj" && s.tp == 1 && s.m == 1) {
      EXPECT_EQ(s.n, 80 * 128);
      EXPECT_EQ(s.k, 8192);
      found = true;
    }
  EXPECT_TRUE(found);
}

TEST(OperatorTables, ReadsVidurCollectives) {
  const std::string path = test::data("vidur-profiling/network/a100_dgx/all_reduce.csv");
  if (path.empty()) GTEST_SKIP() << "../shared/data not present";
  const auto c = read_vidur_collectives(path);
  EXPECT_GT(c.size(), 6000u);
  bool cross_node = false;
  for (const auto& s : c) cross_node = cross_node || s.ranks_per_node < s.ranks;
  EXPECT_TRUE(cross_node);
}

TEST(OperatorTables, MissingColumnsAreClearErrors) {
  test::TempDir t;
  const auto p = t.file("t.csv", "num_tokens,size\n1,2\n");
  EXPECT_THROW(read_vidur_gemms(p.string()), InputError);
  EXPECT_THROW(read_vidur_collectives(p.string()), InputError);
}

}  // namespace
}  // namespace genz
