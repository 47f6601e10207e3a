#include "genz/host/hardware_check.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace genz {
namespace {

HardwareSpec good() {
  HardwareSpec s;
  s.name = "good_gpu";
  s.peak[index_of(DType::bf16)] = 100e12;
  s.memory_bytes = 80e9;
  s.memory_bandwidth = 2e12;
  s.intra_node = {"nvlink", 450e9, 10e-6, 0.8};
  return s;
}

TEST(HardwareCheck, AGoodDescriptionPasses) {
  EXPECT_EQ(hardware_spec_problem(good()), "");
}

TEST(HardwareCheck, NamesTheFieldOutOfRange) {
  HardwareSpec s = good();
  s.memory_bandwidth = -1;
  EXPECT_NE(hardware_spec_problem(s).find("memory_bandwidth"), std::string::npos);
  s = good();
  s.intra_node.latency = std::numeric_limits<double>::quiet_NaN();
  EXPECT_NE(hardware_spec_problem(s).find("intra_node.latency"), std::string::npos);
  s = good();
  s.peak = {};
  EXPECT_NE(hardware_spec_problem(s).find("peak"), std::string::npos);
  s = good();
  s.name.clear();
  EXPECT_NE(hardware_spec_problem(s).find("name"), std::string::npos);
}

TEST(HardwareCheck, AssumedLatencyIsTheFittedOneOfTheLinkClass) {
  EXPECT_DOUBLE_EQ(assumed_link_latency("nvlink"), 27.4e-6);
  EXPECT_DOUBLE_EQ(assumed_link_latency("xgmi"), 27.4e-6);
  EXPECT_DOUBLE_EQ(assumed_link_latency("pcie"), 22.8e-6);
}

}  // namespace
}  // namespace genz
