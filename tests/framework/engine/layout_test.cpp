#include "genz/engine/layout.hpp"

#include <gtest/gtest.h>

#include "genz/host/error.hpp"

namespace genz {
namespace {

const LinkSpec kNv{"nvlink", 450e9, 10e-6, 0.8};
const LinkSpec kIb{"infiniband", 3.125e9, 15e-6, 0.85};

TEST(Layout, TensorParallelStaysInANodeAndStagesCrossNodes) {
  Parallelism p;
  p.tp = 8;
  p.pp = 6;
  p.ep = 8;
  const Layout l = make_layout(p, 6, 8, kNv, kIb, 61);
  EXPECT_EQ(l.world(), 48u);
  EXPECT_TRUE(l.parallel.ep_shares_tp());
  EXPECT_EQ(l.tp.ranks_per_node, 8u);
  EXPECT_EQ(l.tp.concurrent, 1u);
  ASSERT_EQ(l.boundaries.size(), 5u);
  for (const auto& b : l.boundaries) {
    EXPECT_TRUE(b.crosses_nodes);
    EXPECT_EQ(b.concurrent, 8u);
  }
  // 61 layers over 6 stages: 11, 10, 10, 10, 10, 10.
  EXPECT_EQ(l.stage_layers.front(), std::make_pair(0u, 11u));
  EXPECT_EQ(l.stage_layers.back(), std::make_pair(51u, 61u));
}

TEST(Layout, SmallGroupsShareANode) {
  Parallelism p;
  p.tp = 2;
  p.pp = 4;
  const Layout l = make_layout(p, 1, 8, kNv, {}, 32);
  EXPECT_EQ(l.tp.concurrent, 1u);  // one stage of 2 GPUs per pair; stages in turn
  EXPECT_FALSE(l.boundaries[0].crosses_nodes);
  const CollectiveQuery q = l.query(CollectiveKind::all_reduce, CommGroup::tp, 1024);
  EXPECT_EQ(q.ranks, 2u);
  EXPECT_EQ(q.ranks_per_node, 2u);
}

TEST(Layout, ErrorsNameTheFlags) {
  Parallelism p;
  p.tp = 8;
  p.pp = 4;
  try {
    make_layout(p, 2, 8, kNv, kIb, 32);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "the layout needs 32 GPUs (tp 8 x pp 4) but --nodes 2 x --gpus-per-node 8 gives 16");
  }
  p.pp = 40;
  EXPECT_THROW(make_layout(p, 0, 0, kNv, kIb, 32), InputError);
  p.pp = 2;
  EXPECT_THROW(make_layout(p, 2, 8, kNv, LinkSpec{}, 32), InputError);  // two nodes, no inter-node link
  p.tp = 3;
  p.ep = 4;
  EXPECT_THROW(make_layout(p, 0, 0, kNv, kIb, 32), InputError);
}

}  // namespace
}  // namespace genz
