// genz predict with a drafter and with a cached prefix, end to end.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace genz {
namespace {

using test::run_genz;

double tpot_of(const std::string& args) {
  const auto r = run_genz(args + " --json -q");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  return doc["requests"][0]["predicted"]["TPOT"].get<double>();
}

TEST(Speculation, EveryDrafterSpeedsDecodingAtAGoodAcceptanceAndShowsItsSteps) {
  const std::string base = "--model llama3_70b --hw h100 --tp 4 --engine trtllm --dtype fp8 --batch 4";
  const double plain = tpot_of(base);
  for (const char* drafter : {"--spec-draft llama3_8b", "--spec-eagle"}) {
    const std::string args = base + " " + drafter + " --spec-k 4 --spec-accept 0.8";
    EXPECT_LT(tpot_of(args), plain) << drafter;
    const auto r = run_genz(args + " --breakdown");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* s : {"speculative decoding", "tokens per step", "draft step (", "verify step of 5 tokens"})
      EXPECT_NE(r.out.find(s), std::string::npos) << drafter << " " << s << "\n" << r.out;
  }
  // DeepSeek-V3's MTP module drafting one token.
  const std::string ds = "--model-plugin deepseek_v3 --hw h200 --tp 8 --engine trtllm";
  EXPECT_LT(tpot_of(ds + " --mtp 1 --spec-accept 0.85"), tpot_of(ds));
}

TEST(Speculation, TheDrafterTakesMemoryAndIsNamedInTheNotes) {
  const auto r = run_genz("--model llama3_70b --hw h100 --tp 4 --spec-draft llama3_8b --spec-accept 0.7 --json -q");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("the drafter adds"), std::string::npos) << r.out.substr(0, 3000);
  // Too big a drafter beside the target does not fit.
  const auto big = run_genz("--model llama3_70b --hw h100 --tp 2 --spec-draft llama3_70b --spec-accept 0.7 -q");
  EXPECT_EQ(big.exit_code, 2);
  EXPECT_NE(big.err.find("the drafter (llama3_70b) needs"), std::string::npos) << big.err;
}

TEST(Speculation, ACachedPrefixShortensTheFirstToken) {
  auto ttft = [](const std::string& cached) {
    const auto r = run_genz("--model llama3_8b --hw h100 --input-tokens 4096 --json -q --prefix-cached " + cached);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out)["requests"][0]["predicted"]["TTFT"].get<double>();
  };
  const double none = ttft("0"), half = ttft("2048"), all = ttft("4096");
  EXPECT_LT(half, none);
  EXPECT_LT(all, half);
}

}  // namespace
}  // namespace genz
