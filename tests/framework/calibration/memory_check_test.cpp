#include "genz/calibration/memory_check.hpp"

#include <gtest/gtest.h>

#include "genz/host/error.hpp"
#include "test_support.hpp"

namespace genz {
namespace {

TEST(MemoryCheck, ReadsTheOriginalToolsFormat) {
  test::TempDir t;
  const auto p =
      t.file("m.csv",
             "Model,Platform,Input_Tokens,Output_Tokens,Weights (MB),KV Prefill (MB),KV Total (MB),KV Decode "
             "Delta (MB)\nllama2-7b-hf,0,4096,128,12852.51,2306.75,2376.76,70.01");
  const auto rows = read_measured_memory(p.string());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].request.input, 4096);
  EXPECT_DOUBLE_EQ(rows[0].after_decode_mib, 2376.76);
  MemoryEstimate e;
  e.dense_weights = 12852.51 * 1048576;
  e.kv_after_prefill = 2306.75 * 1048576;
  e.kv_after_decode = 2376.76 * 1048576;
  for (const auto& c : compare_memory(e, rows[0], "m.csv")) EXPECT_NEAR(c.error_pct, 0, 1e-9) << c.quantity;
}

TEST(MemoryCheck, BadFilesAreClearErrors) {
  test::TempDir t;
  const auto p = t.file("m.csv", "Input_Tokens,Output_Tokens\n1,2\n");
  try {
    read_measured_memory(p.string());
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("expected a column 'Weights (MB)'"), std::string::npos);
  }
}

}  // namespace
}  // namespace genz
