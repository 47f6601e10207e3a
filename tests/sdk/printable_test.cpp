#include "genz/sdk/printable.hpp"

#include <gtest/gtest.h>

namespace genz {
namespace {

TEST(Printable, EscapesControlCharactersAndKeepsTheRest) {
  EXPECT_EQ(printable("h100"), "h100");
  EXPECT_EQ(printable("evil\x1b[2Jgpu"), "evil\\x1b[2Jgpu");
  EXPECT_EQ(printable(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(printable("line\nforged"), "line\\x0aforged");
  EXPECT_EQ(printable("\x7f"), "\\x7f");
  EXPECT_EQ(printable("\xc2\x9b"
                      "31m"),
            "\\xc2\\x9b31m");                                   // C1 CSI in UTF-8
  EXPECT_EQ(printable("Grace–Hopper µs"), "Grace–Hopper µs");   // other UTF-8 kept
  EXPECT_EQ(printable("one\ntwo\x1b", true), "one\ntwo\\x1b");  // genz's own multi-line messages
}

}  // namespace
}  // namespace genz
