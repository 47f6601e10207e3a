// genz plan end to end: its outputs, a sharded search joined into the same
// answer as one run, and a chosen deployment whose throughput is what
// genz simulate reports for it.
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

const std::string kPlan =
    "plan --model llama3_70b --hw h100,h200 --rate 12 --lengths chat --requests 600 --slo-ttft 1500 --slo-tpot 60 "
    "--gpus 16 -q ";

TEST(Plan, PrintsTheRankingTheRecheckAndTheRejections) {
  const auto r = run_genz(kPlan + "--top 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* s : {"configurations", "meet the targets", "tok/s/GPU", "re-checked with the serving simulation",
                        "genz simulate --model llama3_70b", "chosen:", "rejected families", "does not fit"})
    EXPECT_NE(r.out.find(s), std::string::npos) << s << "\n" << r.out;
}

TEST(Plan, WritesJsonCsvAndHtml) {
  test::TempDir dir;
  const auto r = run_genz(kPlan + "--top 1 --out " + dir.path().string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(slurp(dir.path() / "plan.json"));
  EXPECT_GT(doc["searched"]["candidates"].get<double>(), 1000);
  EXPECT_FALSE(doc["pareto"].empty());
  EXPECT_FALSE(doc["rejected"].empty());
  EXPECT_EQ(doc["targets"]["percentile"], 90);
  const std::string csv = slurp(dir.path() / "plan.csv");
  EXPECT_EQ(csv.rfind("Rank,Mode,Deployment,", 0), 0u);
  EXPECT_NE(csv.find("disaggregated"), std::string::npos);
  const std::string html = slurp(dir.path() / "plan.html");
  for (const char* s : {"<svg", "Pareto front", "Chosen", "Re-checked", "Rejected"})
    EXPECT_NE(html.find(s), std::string::npos) << s;
}

TEST(Plan, ShardedPartsMergeIntoTheSameAnswerAsOneRun) {
  test::TempDir dir;
  const auto one = dir.path() / "one";
  ASSERT_EQ(run_genz(kPlan + "--top 1 --out " + one.string()).exit_code, 0);
  std::string parts;
  for (int k = 1; k <= 3; ++k) {
    const auto part = dir.path() / ("part" + std::to_string(k));
    const auto r = run_genz(kPlan + "--top 1 --shard " + std::to_string(k) + "/3 --out " + part.string());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_TRUE(std::filesystem::exists(part / "plan-part.json"));
    parts += " " + part.string();
  }
  const auto merged = dir.path() / "merged";
  const auto r = run_genz("plan merge" + parts + " -q --out " + merged.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* f : {"plan.json", "plan.csv", "plan.html"}) {
    const std::string a = slurp(one / f);
    EXPECT_FALSE(a.empty()) << f;
    EXPECT_TRUE(a == slurp(merged / f)) << f;
  }
}

TEST(Plan, TheChosenThroughputIsWhatGenzSimulateReports) {
  for (const char* disagg : {"off", "only"}) {
    const auto r = run_genz(kPlan + "--top 1 --json --disagg " + disagg);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto plan = nlohmann::json::parse(r.out);
    ASSERT_TRUE(plan.contains("chosen")) << disagg << "\n" << r.out.substr(0, 2000);
    const auto& check = plan["chosen"]["rechecked"];
    std::string command = check["command"];
    ASSERT_EQ(command.rfind("genz ", 0), 0u);
    const auto sim = run_genz(command.substr(5) + " --json -q");
    ASSERT_EQ(sim.exit_code, 0) << sim.err;
    double reported = -1;
    const auto doc = nlohmann::json::parse(sim.out);
    for (const auto& m : doc["summary"]["metrics"])
      if (m["name"] == "output token throughput") reported = m["value"];
    EXPECT_DOUBLE_EQ(check["simulated"]["output_tokens_per_s"].get<double>(), reported) << disagg;
    EXPECT_TRUE(check["simulated"]["meets_targets"].get<bool>());
  }
}

TEST(Plan, RelaxingATargetNeverLowersTheBestThroughput) {
  double last = 0;
  for (const char* tpot : {"25", "40", "60", "120"}) {
    const auto r = run_genz(
        "plan --model llama3_8b --hw h100,a100_80gb --lengths chat --requests 400 --slo-ttft 800 --gpus 8 --top 1 "
        "-q --json --slo-tpot " +
        std::string(tpot));
    ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
    const auto doc = nlohmann::json::parse(r.out);
    const double best = doc["ranked"].empty() ? 0 : doc["ranked"][0]["output_tokens_per_s_per_gpu"].get<double>();
    EXPECT_GE(best, last) << tpot;
    last = best;
  }
  EXPECT_GT(last, 0);
}

TEST(Plan, AnUnreachableTargetSaysWhichAndByHowMuch) {
  const auto r = run_genz(
      "plan --model llama3_70b --hw h100 --rate 2 --input-tokens 1000 --output-tokens 100 --slo-tpot 1 -q --json");
  EXPECT_EQ(r.exit_code, 1);
  const auto doc = nlohmann::json::parse(r.out);
  const std::string why = doc["unreachable"];
  EXPECT_NE(why.find("reaches TPOT p90"), std::string::npos) << why;
  EXPECT_NE(why.find("against 1.0 ms"), std::string::npos) << why;
  EXPECT_FALSE(doc.contains("chosen"));
}

TEST(Plan, HeterogeneousStagesAndPricesAreSearched) {
  const auto r = run_genz(
      "plan --model llama3_70b --hw h100,rtx4090 --rate 2 --lengths chat --requests 300 --slo-ttft 3000 --slo-tpot "
      "150 --max-cost 60 --top 1 -q --json pp=2 tp=2,4");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  EXPECT_NE(doc["budget"]["prices"].get<std::string>().find("default price table"), std::string::npos);
  bool mixed = false;
  for (const auto& x : doc["rejected"])
    mixed = mixed || x["configuration"].get<std::string>().find("h100+rtx4090") != std::string::npos;
  for (const auto& c : doc["ranked"]) {
    EXPECT_LE(c["cost_per_hour"].get<double>(), 60.0);
    mixed = mixed || c["deployment"].get<std::string>().find("h100+rtx4090") != std::string::npos;
  }
  EXPECT_TRUE(mixed);
  // Prefill on one kind, decode on another.
  bool split = false;
  for (const auto& x : doc["rejected"]) {
    const std::string c = x["configuration"];
    split = split || (c.find("h100 TP") != std::string::npos && c.find("(prefill) + ") != std::string::npos &&
                      c.find("rtx4090 TP") != std::string::npos);
  }
  EXPECT_TRUE(split);
}

}  // namespace
}  // namespace genz
