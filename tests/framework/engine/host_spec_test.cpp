#include "genz/engine/host_spec.hpp"

#include <gtest/gtest.h>

#include "genz/sdk/status.hpp"

namespace genz {
namespace {

TEST(HostSpec, BandwidthAndPcieFromTheDescription) {
  const HostSpec* h = find_host("xeon_6454s_1s");
  ASSERT_NE(h, nullptr);
  EXPECT_DOUBLE_EQ(h->memory_bandwidth(), 8 * 4800e6 * 8);  // 307.2 GB/s
  EXPECT_NEAR(h->pcie_bandwidth(), 31.5e9, 0.1e9);          // Gen4 x16, 128b/130b
  EXPECT_DOUBLE_EQ(h->peak_flops(), 32 * 2.2e9 * 64);
  EXPECT_NE(host_names().find("desktop_ddr5"), std::string::npos);
}

TEST(HostSpec, TheCpuIsARooflineOverItsMemory) {
  const auto hw = host_hardware_of(*find_host("desktop_ddr5"));
  Op gemv;
  gemv.kind = OpKind::gemm;
  gemv.m = 1;
  gemv.k = gemv.n = 4096;
  gemv.bytes = 4096.0 * 4096 * 0.5625;
  gemv.flops = 2.0 * 4096 * 4096;
  gemv.w_dtype = DType::q4_k;
  const OpCost c = hw->time(gemv);
  EXPECT_EQ(c.bound, Bound::memory);
  EXPECT_NEAR(c.memory_seconds, gemv.bytes / (2 * 5200e6 * 8 * 0.53), 1e-9);
}

TEST(HostSpec, DescriptionsAreChecked) {
  const std::string ok =
      R"({"name": "h", "cores": 8, "clock_GHz": 3, "flops_per_cycle_per_core": 32,
          "memory": {"channels": 2, "MTps": 3200, "capacity_GiB": 64},
          "achieved": {"bandwidth_fraction": 0.5, "compute_fraction": 0.5}})";
  EXPECT_EQ(host_from_text(ok, "ok.json").channels, 2u);
  EXPECT_THROW(host_from_text(R"({"name": "h", "cores": 8})", "bad.json"), InputError);
  std::string typo = ok;
  typo.replace(typo.find("cores"), 5, "corez");
  EXPECT_THROW(host_from_text(typo, "typo.json"), InputError);
}

}  // namespace
}  // namespace genz
