#include "genz/engine/cluster.hpp"

#include <gtest/gtest.h>

#include "genz/host/error.hpp"

namespace genz {
namespace {

TEST(Cluster, TheOriginalToolsPresets) {
  const ClusterSpec* c = find_cluster("RTX4090_PCIE_G4_IB25G");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->hardware, "rtx4090");
  EXPECT_EQ(c->gpus_per_node, 8u);
  EXPECT_DOUBLE_EQ(c->inter.bandwidth, 25e9 / 8);
  EXPECT_DOUBLE_EQ(find_cluster("RTX3090_PCIE_G4_IB100G")->inter.bandwidth, 100e9 / 8);
  EXPECT_DOUBLE_EQ(find_cluster("DGX_H100")->inter.bandwidth, 8 * 400e9 / 8);  // eight NICs per node
}

TEST(Cluster, Files) {
  const ClusterSpec c = cluster_from_text(
      R"({"name": "mine", "nodes": 4, "gpus_per_node": 4,
          "intra_node": {"kind": "nvlink", "bandwidth_GBps": 100},
          "inter_node": {"bandwidth_Gbps": 200, "nics_per_node": 2, "latency_us": 8}})",
      "c.json");
  EXPECT_EQ(c.nodes, 4u);
  ASSERT_TRUE(c.intra.has_value());
  EXPECT_DOUBLE_EQ(c.intra->bandwidth, 100e9);
  EXPECT_DOUBLE_EQ(c.inter.bandwidth, 50e9);
  EXPECT_DOUBLE_EQ(c.inter.latency, 8e-6);
  EXPECT_THROW(cluster_from_text(R"({"nodes": 2})", "c.json"), InputError);
  EXPECT_THROW(cluster_from_text(R"({"nodes": 0})", "c.json"), InputError);
}

}  // namespace
}  // namespace genz
