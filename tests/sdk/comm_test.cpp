#include "genz/sdk/comm.hpp"

#include <gtest/gtest.h>

namespace genz {
namespace {

TEST(Comm, RingTrafficFactors) {
  EXPECT_DOUBLE_EQ(ring_traffic(CollectiveKind::all_reduce, 2), 1.0);
  EXPECT_DOUBLE_EQ(ring_traffic(CollectiveKind::all_reduce, 8), 1.75);
  EXPECT_DOUBLE_EQ(ring_traffic(CollectiveKind::all_gather, 4), 0.75);
  EXPECT_DOUBLE_EQ(ring_traffic(CollectiveKind::all_to_all, 8), 0.875);
  EXPECT_DOUBLE_EQ(ring_traffic(CollectiveKind::send_recv, 2), 1.0);
  EXPECT_DOUBLE_EQ(ring_traffic(CollectiveKind::all_reduce, 1), 0.0);
  EXPECT_DOUBLE_EQ(ring_steps(CollectiveKind::all_reduce, 8), 14.0);
}

CollectiveQuery two_nodes(CollectiveKind k) {
  CollectiveQuery q;
  q.kind = k;
  q.bytes = 1e8;
  q.ranks = 16;
  q.ranks_per_node = 8;
  q.intra = {"nvlink", 400e9, 10e-6, 0.8};
  q.inter = {"infiniband", 50e9, 20e-6, 0.8};
  return q;
}

TEST(Comm, SingleNodeUsesTheIntraNodeModelOnly) {
  CollectiveQuery q = two_nodes(CollectiveKind::all_reduce);
  q.ranks = q.ranks_per_node = 8;
  double seen_ranks = 0;
  const double t = collective_seconds(q, [&](CollectiveKind, double, unsigned n) {
    seen_ranks = n;
    return 1.0;
  });
  EXPECT_EQ(t, 1.0);
  EXPECT_EQ(seen_ranks, 8);
}

TEST(Comm, HierarchicalAllReduceCrossesTheNicsOnce) {
  const CollectiveQuery q = two_nodes(CollectiveKind::all_reduce);
  const double intra_calls = collective_seconds(q, [](CollectiveKind, double, unsigned) { return 0.0; });
  // Two nodes: each node's NICs carry 2 (N-1)/N * S = S bytes.
  EXPECT_NEAR(intra_calls, 20e-6 + 1e8 / (50e9 * 0.8), 1e-9);
}

TEST(Comm, InterNodeSendRecvSharesTheNicWithConcurrentRanks) {
  CollectiveQuery q = two_nodes(CollectiveKind::send_recv);
  q.ranks = 2;
  q.ranks_per_node = 1;
  q.concurrent = 8;
  EXPECT_NEAR(inter_node_seconds(q), 20e-6 + 8e8 / 40e9, 1e-9);
}

TEST(Comm, AllToAllAcrossNodesMovesTheOffNodeShare) {
  const CollectiveQuery q = two_nodes(CollectiveKind::all_to_all);
  // 8 ranks per node each send half their buffer (8 of 16 peers) off the node.
  EXPECT_NEAR(inter_node_seconds(q), 20e-6 + 8 * 1e8 * 0.5 / 40e9, 1e-9);
}

}  // namespace
}  // namespace genz
