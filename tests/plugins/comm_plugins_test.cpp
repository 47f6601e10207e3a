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

// Peer-to-peer PCIe (a data-center server's NCCL): fixed costs per protocol
// plus a step per ring hop; every GPU's ring shares the root complex.
LinkSpec peer_to_peer() {
  LinkSpec l{"pcie", 32e9, 20e-6, 0.5};
  l.step_latency = 1e-6;
  l.ll_latency = 5e-6;
  l.ll_fraction = 0.5;
  l.p2p_latency = 8e-6;
  l.contention = 2;
  return l;
}

double collective(CollectiveKind kind, unsigned ranks, double bytes, const LinkSpec& link) {
  const auto comm = test::plugins().create<CommBackend>(PluginKind::comm, "pcie_like");
  CollectiveQuery q;
  q.kind = kind;
  q.bytes = bytes;
  q.ranks = q.ranks_per_node = ranks;
  q.intra = link;
  return comm->time(q).seconds;
}

TEST(CommPlugins, PeerToPeerPcieSmallMessagesTakeTheLowLatencyProtocol) {
  const LinkSpec l = peer_to_peer();
  // LL: 5 us + two steps; Simple would cost 20 us + two steps.
  EXPECT_NEAR(all_reduce("pcie_like", 2, 8, l), 5e-6 + 2e-6 + 8 / (16e9 * 0.5), 1e-12);
  EXPECT_NEAR(all_reduce("pcie_like", 8, 8, l), 5e-6 + 14e-6 + 1.75 * 8 / (16e9 / 16 * 0.5), 1e-12);
}

TEST(CommPlugins, PeerToPeerPcieBandwidthFallsWithTheGpusSharingTheRootComplex) {
  const LinkSpec l = peer_to_peer();
  const double big = 1e9;  // Simple: LL's half bandwidth loses long before this
  EXPECT_NEAR(all_reduce("pcie_like", 2, big, l), 20e-6 + 2e-6 + big / 16e9, 1e-9);
  // (2/4)^2: a quarter of the bandwidth per GPU on four GPUs.
  EXPECT_NEAR(all_reduce("pcie_like", 4, big, l), 20e-6 + 6e-6 + 1.5 * big / 4e9, 1e-9);
  LinkSpec none = l;
  none.contention = 0;
  EXPECT_NEAR(all_reduce("pcie_like", 4, big, none), 20e-6 + 6e-6 + 1.5 * big / 16e9, 1e-9);
}

TEST(CommPlugins, PeerToPeerPcieAllToAllIsPointToPoint) {
  const LinkSpec l = peer_to_peer();
  EXPECT_NEAR(collective(CollectiveKind::all_to_all, 8, 8e6, l), 8e-6 + 7e-6 + 0.875 * 8e6 / 1e9, 1e-12);
  LinkSpec no_p2p = l;
  no_p2p.p2p_latency = 0;  // falls back to the Simple latency
  EXPECT_NEAR(collective(CollectiveKind::all_to_all, 2, 8, no_p2p), 20e-6 + 1e-6 + 0.5 * 8 / 16e9, 1e-12);
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
