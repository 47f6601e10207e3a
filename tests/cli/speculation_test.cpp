// genz predict, simulate and plan with a drafter and with cached prefixes, end to end.
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

nlohmann::json simulated(const std::string& args) {
  const auto r = run_genz("simulate --model llama3_8b --hw h100 --engine vllm --rate 6 --requests 300 --lengths chat " +
                          args + " --json -q");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out);
}

double metric(const nlohmann::json& doc, const std::string& name) {
  for (const auto& m : doc["summary"]["metrics"])
    if (m["name"] == name) return m["value"].get<double>();
  ADD_FAILURE() << "no metric " << name;
  return 0;
}

TEST(Speculation, SimulateServesWithTheDrafterAndReportsTheAcceptanceUsed) {
  const auto plain = simulated("");
  const auto spec = simulated("--spec-eagle --spec-k 4 --spec-accept 0.8");
  EXPECT_EQ(spec["config"]["speculative decoding"],
            "EAGLE head drafts 4 tokens, acceptance 0.8 per position: 3.362 tokens per step expected");
  EXPECT_NEAR(metric(spec, "tokens per speculative step"), 3.362, 0.1);
  EXPECT_LT(metric(spec, "TPOT mean"), 0.5 * metric(plain, "TPOT mean"));
  EXPECT_GT(metric(spec, "output token throughput"), 0);
}

TEST(Speculation, SimulateCachesSharedPrefixesAsTheEngineDoesAndReportsTheHitRate) {
  const std::string prefixes = "--prefix-hit-rate 0.7 --prefix-tokens 1000 --prefix-groups 2";
  const auto on = simulated(prefixes);
  const auto off = simulated(prefixes + " --prefix-caching off");
  EXPECT_EQ(on["config"]["prefix caching"], "on (the engine's default)");
  EXPECT_EQ(off["config"]["prefix caching"], "off (--prefix-caching)");
  EXPECT_GT(metric(on, "prefix-cache request hit rate"), 90);
  EXPECT_EQ(metric(off, "prefix-cache token hit rate"), 0);
  EXPECT_LT(metric(on, "TTFT mean"), metric(off, "TTFT mean"));
}

TEST(Speculation, PlanSearchesWithTheDrafterAndPrefixesAndRechecksWithThem) {
  const auto r = run_genz(
      "plan --model llama3_8b --hw h100 --rate 4 --lengths chat --slo-ttft 1000 --slo-tpot 50 --engine vllm "
      "--dtype bf16 --spec-eagle --spec-accept 0.8 --prefix-hit-rate 0.5 --prefix-tokens 500 --top 1 --json -q tp=1 "
      "pp=1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  const std::string text = doc.dump();
  EXPECT_NE(text.find("speculative decoding: EAGLE head drafts 4 tokens, acceptance 0.8"), std::string::npos);
  EXPECT_NE(text.find("prefix caching as each engine does"), std::string::npos);
  EXPECT_NE(text.find("--spec-eagle --spec-accept 0.8 --prefix-hit-rate 0.5 --prefix-tokens 500"), std::string::npos);
}

}  // namespace
}  // namespace genz
