// Published figures genz predicts in `genz validate`: the speculative
// decoding speed-ups (DeepSeek-V3's MTP, EAGLE) come out within their
// target of what was published, with the conditions in the note.
#include "genz/calibration/published.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace genz {
namespace {

TEST(Published, SpeculativeDecodingSpeedUpsAreComparedWithTheirSources) {
  std::vector<ValidationRow> rows;
  published_rows(std::shared_ptr<const PluginRegistry>(&test::plugins(), [](auto*) {}), rows);
  int speculative = 0;
  for (const ValidationRow& r : rows) {
    if (r.dataset.rfind("published: speculative decoding", 0) != 0) continue;
    ++speculative;
    EXPECT_TRUE(r.available) << r.metric;
    EXPECT_TRUE(r.has_target) << r.metric;
    EXPECT_TRUE(r.passed()) << r.metric << ": " << r.note;
    EXPECT_NE(r.note.find("predicted"), std::string::npos);
    EXPECT_NE(r.note.find("published"), std::string::npos);
  }
  EXPECT_EQ(speculative, 3);
}

}  // namespace
}  // namespace genz
