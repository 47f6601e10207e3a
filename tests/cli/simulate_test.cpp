// genz simulate end to end: the summary, the reports, the same bytes for the
// same seed, and the single-request figures at low load.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "test_support.hpp"

namespace genz {
namespace {

using test::run_genz;

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const char* kBase = "simulate --model llama3_8b --hw h100 --engine vllm -q ";

TEST(Simulate, PrintsTheSummaryAndItsChecks) {
  const auto r = run_genz(std::string(kBase) + "--rate 8 --requests 400 --lengths chat --slo-ttft 200 --slo-tpot 15");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* s : {"TTFT", "TPOT", "inter-token latency", "E2E", "queueing",
                        "throughput:", "goodput:", "batch: mean", "Little's law"})
    EXPECT_NE(r.out.find(s), std::string::npos) << s << "\n" << r.out;
}

TEST(Simulate, TheSameSeedWritesTheSameBytes) {
  test::TempDir dir;
  const std::string args =
      std::string(kBase) + "--rate 12 --requests 600 --lengths chat --seed 5 --report csv,json,html";
  ASSERT_EQ(run_genz(args + " --out " + (dir.path() / "a").string()).exit_code, 0);
  ASSERT_EQ(run_genz(args + " --out " + (dir.path() / "b").string()).exit_code, 0);
  ASSERT_EQ(run_genz(std::string(kBase) + "--rate 12 --requests 600 --lengths chat --seed 6 --report csv --out " +
                     (dir.path() / "c").string())
                .exit_code,
            0);
  for (const char* f : {"requests.csv", "serving_summary.csv", "series.csv", "report.json", "report.html"}) {
    const std::string a = slurp(dir.path() / "a" / f);
    EXPECT_FALSE(a.empty()) << f;
    EXPECT_TRUE(a == slurp(dir.path() / "b" / f)) << f;
  }
  EXPECT_NE(slurp(dir.path() / "a" / "requests.csv"), slurp(dir.path() / "c" / "requests.csv"));
  const std::string html = slurp(dir.path() / "a" / "report.html");
  for (const char* s : {"Serving summary", "Queued requests", "KV-cache use", "TTFT CDF", "<svg"})
    EXPECT_NE(html.find(s), std::string::npos) << s;
}

TEST(Simulate, JsonCarriesEveryRequestAndTheSummary) {
  const auto r =
      run_genz(std::string(kBase) + "--concurrency 4 --requests 50 --input-tokens 300 --output-tokens 40 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  ASSERT_EQ(doc["requests"].size(), 50u);
  EXPECT_EQ(doc["requests"][0]["serving"]["state"], "finished");
  bool little = false;
  for (const auto& m : doc["summary"]["metrics"])
    if (m["name"] == "Little's law error") little = std::fabs(m["value"].get<double>()) < 2;
  EXPECT_TRUE(little);
  EXPECT_GE(doc["summary"]["series"].size(), 7u);
}

TEST(Simulate, OneRequestMatchesThePrediction) {
  const auto sim = run_genz(std::string(kBase) + "--rate 1 --requests 1 --input-tokens 700 --output-tokens 64 --json");
  const auto one =
      run_genz("--model llama3_8b --hw h100 --engine vllm -q --input-tokens 700 --output-tokens 64 --json");
  ASSERT_EQ(sim.exit_code, 0) << sim.err;
  ASSERT_EQ(one.exit_code, 0) << one.err;
  const auto a = nlohmann::json::parse(sim.out)["requests"][0]["predicted"];
  const auto b = nlohmann::json::parse(one.out)["requests"][0]["predicted"];
  for (const char* k : {"TTFT", "TPOT", "E2E"}) EXPECT_NEAR(a[k].get<double>(), b[k].get<double>(), 1e-9) << k;
}

}  // namespace
}  // namespace genz
