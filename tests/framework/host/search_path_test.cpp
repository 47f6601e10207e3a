#include "genz/host/search_path.hpp"

#include <gtest/gtest.h>

namespace genz {
namespace {

TEST(SearchPath, BesideTheExecutableThenFlagsThenEnvironment) {
  const auto p = plugin_search_path({"/a", "/b"}, "/c::/d:", "/opt/genz/bin/genz");
  ASSERT_EQ(p.size(), 5u);
  EXPECT_EQ(p[0], "/opt/genz/lib/genz/plugins");
  EXPECT_EQ(p[1], "/a");
  EXPECT_EQ(p[2], "/b");
  EXPECT_EQ(p[3], "/c");
  EXPECT_EQ(p[4], "/d");
}

TEST(SearchPath, NeverTheCurrentDirectoryImplicitly) {
  const auto p = plugin_search_path({}, "::", "/usr/bin/genz");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0], "/usr/lib/genz/plugins");
}

TEST(SearchPath, NoDefaultDirectoryWithoutAnAbsoluteExecutablePath) {
  EXPECT_TRUE(plugin_search_path({}, nullptr, "").empty());
  EXPECT_TRUE(plugin_search_path({}, nullptr, "genz").empty());
}

}  // namespace
}  // namespace genz
