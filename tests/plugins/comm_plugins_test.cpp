// nv_like and pcie_like: why their numbers differ.
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace genz {
namespace {

double all_reduce(const char* backend, unsigned ranks, double bytes, const LinkSpec& link) {
  const auto comm = test::plugins().create<CommBackend>(PluginKind::comm, backend);
  CollectiveQuery q;
  q.kind = CollectiveKind::all_reduce;
  q.bytes = bytes;
  q.ranks = q.ranks_per_node = ranks;
  q.intra = link;
  return comm->time(q).seconds;
}

const LinkSpec kLink{"x", 100e9, 20e-6, 0.5};

TEST(CommPlugins, NvLikeLatencyBarelyDependsOnTheRanks) {
  EXPECT_DOUBLE_EQ(all_reduce("nv_like", 2, 8, kLink) - 8 * 1.0 / 50e9, 20e-6);
  EXPECT_NEAR(all_reduce("nv_like", 8, 8, kLink), 20e-6, 1e-9);
}

TEST(CommPlugins, PcieLikeLatencyGrowsWithRingSteps) {
  EXPECT_NEAR(all_reduce("pcie_like", 2, 8, kLink), 20e-6, 1e-9);      // two steps
  EXPECT_NEAR(all_reduce("pcie_like", 8, 8, kLink), 7 * 20e-6, 1e-9);  // fourteen steps
}

TEST(CommPlugins, BandwidthTermIsTheRingFactorOverTheAchievedLink) {
  const double big = 1e9;
  EXPECT_NEAR(all_reduce("nv_like", 8, big, kLink) - 20e-6, 1.75 * big / 50e9, 1e-9);
  EXPECT_NEAR(all_reduce("pcie_like", 2, big, kLink) - 20e-6, big / 50e9, 1e-9);
}

TEST(CommPlugins, AGroupOfOneCostsNothing) {
  EXPECT_EQ(all_reduce("nv_like", 1, 1e6, kLink), 0);
}

TEST(CommPlugins, AcrossNodesTheNicsDominate) {
  const auto comm = test::plugins().create<CommBackend>(PluginKind::comm, "nv_like");
  CollectiveQuery q;
  q.kind = CollectiveKind::all_reduce;
  q.bytes = 64e6;
  q.ranks = 16;
  q.ranks_per_node = 8;
  q.intra = {"nvlink", 450e9, 10e-6, 0.8};
  q.inter = {"infiniband", 25e9, 15e-6, 0.85};
  const double t = comm->time(q).seconds;
  EXPECT_GT(t, 64e6 / (25e9 * 0.85));
  q.ranks = 8;  // one node
  EXPECT_LT(comm->time(q).seconds, t / 5);
}

TEST(CommPlugins, Aliases) {
  EXPECT_NE(test::plugins().find(PluginKind::comm, "nvlink"), nullptr);
  EXPECT_NE(test::plugins().find(PluginKind::comm, "pcie"), nullptr);
}

}  // namespace
}  // namespace genz
