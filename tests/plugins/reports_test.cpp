// The csv, json and html reporters, driven as the host drives them.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "genz/io/output_dir.hpp"
#include "genz/io/report_run.hpp"
#include "test_support.hpp"

namespace genz {
namespace {

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

RequestRecord record(std::uint64_t i, bool measured) {
  RequestRecord r;
  r.index = i;
  r.id = "req \"" + std::to_string(i) + "\", quoted";
  r.input_tokens = 100 + 10.0 * static_cast<double>(i);
  r.output_tokens = 50;
  r.predicted.ttft = 0.02 + 0.001 * static_cast<double>(i);
  r.predicted.tpot = 0.018;
  r.predicted.e2e = r.predicted.ttft + 49 * r.predicted.tpot;
  r.predicted.prefill = {0.015, 0.002, 0.0, 0.003 + 0.001 * static_cast<double>(i)};
  r.predicted.decode = {0.014, 0.001, 0.0, 0.003};
  if (measured) r.measured = {true, true, true, r.predicted.ttft * 1.1, 0.0175, r.predicted.e2e * 0.98};
  return r;
}

void run(const std::filesystem::path& dir, bool measured, std::size_t n = 12) {
  ReportRun reports(test::plugins(), {{"csv", "{}"}, {"json", "{}"}, {"html", "{}"}});
  OutputDirectory out(dir, {});
  RunInfo info;
  info.title = "test <run> & co";
  info.config = {{"model", "llama2_7b"}, {"hardware", "rtx3090"}};
  info.has_measurements = measured;
  reports.begin(info, out);
  for (std::size_t i = 0; i < n; ++i) reports.add(record(i, measured));
  RunSummary s;
  s.requests = n;
  if (measured) s.accuracy = {{"TTFT", n, 9.1, 9.0, 9.5, 10, 0, 0.99, -9.1}};
  s.memory.lines = {{"weights (dense)", 1e9, 1e9}, {"kv_cache", 1e8, 2e8}};
  s.memory.capacity = 24e9;
  reports.end(s);
  out.commit();
}

TEST(Reports, CsvKeepsTheOriginalToolsColumns) {
  test::TempDir t;
  run(t.path(), true);
  const std::string csv = read(t.path() / "predictions.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "Request_ID,Model,Batch,Input_Tokens,Output_Tokens,Beam_Size,TTFT(ms),TPOT(ms),E2E(ms),"
            "Prefill_Throughput(tokens/s),Decode_Throughput(tokens/s),Simulation_Time(s),Notes");
  EXPECT_NE(csv.find("\"req \"\"0\"\", quoted\",llama2_7b,1,100,50,1,20,18,"), std::string::npos) << csv;
  for (const char* f : {"breakdown.csv", "accuracy.csv", "accuracy_summary.csv", "memory.csv"})
    EXPECT_TRUE(std::filesystem::exists(t.path() / f)) << f;
  const std::string acc = read(t.path() / "accuracy.csv");
  const std::string row = acc.substr(acc.find('\n') + 1);  // measured, predicted, signed error
  EXPECT_EQ(row.rfind("\"req \"\"0\"\", quoted\",100,50,22", 0), 0u) << row;
  EXPECT_NE(row.find(",20,-9.0909"), std::string::npos) << row;
}

TEST(Reports, JsonHasRequestsAndAccuracyAsSpecified) {
  test::TempDir t;
  run(t.path(), true);
  const auto j = nlohmann::json::parse(read(t.path() / "report.json"));
  ASSERT_EQ(j["requests"].size(), 12u);
  EXPECT_DOUBLE_EQ(j["requests"][0]["predicted"]["TTFT"].get<double>(), 20);
  EXPECT_NEAR(j["requests"][0]["error_pct"]["TTFT"].get<double>(), -9.0909, 1e-3);
  for (const char* k : {"mape", "median", "p90", "max", "over_20pct", "pearson", "bias"})
    EXPECT_TRUE(j["accuracy"]["TTFT"].contains(k)) << k;
  EXPECT_DOUBLE_EQ(j["accuracy"]["TTFT"]["mape"].get<double>(), 9.1);
}

TEST(Reports, HtmlIsSelfContainedWithRealCharts) {
  test::TempDir t;
  run(t.path(), true);
  const std::string h = read(t.path() / "report.html");
  EXPECT_EQ(h.find("<script"), std::string::npos);
  EXPECT_EQ(h.find("http://"), h.find("http://www.w3.org/2000/svg"));  // only the SVG namespace
  EXPECT_EQ(h.find("https://"), std::string::npos);
  EXPECT_NE(h.find("test &lt;run&gt; &amp; co"), std::string::npos);
  for (const char* section : {"id=\"configuration\"", "id=\"accuracy\"", "id=\"metric-TTFT\"", "id=\"metric-TPOT\"",
                              "id=\"metric-E2E\"", "id=\"breakdown\"", "id=\"memory\""})
    EXPECT_NE(h.find(section), std::string::npos) << section;
  std::size_t charts = 0;
  for (auto p = h.find("<svg class=\"chart\""); p != std::string::npos; p = h.find("<svg class=\"chart\"", p + 1))
    ++charts;
  EXPECT_EQ(charts, 3u * 3 + 2 + 1);  // error, values, scatter per metric; two breakdowns; memory
  EXPECT_NE(h.find("within 20 %"), std::string::npos);
  EXPECT_NE(h.find("y = x"), std::string::npos);
  EXPECT_EQ(h.find("nan"), std::string::npos);
}

TEST(Reports, WithoutMeasurementsThereIsNoAccuracyFile) {
  test::TempDir t;
  run(t.path(), false);
  EXPECT_FALSE(std::filesystem::exists(t.path() / "accuracy.csv"));
  const std::string h = read(t.path() / "report.html");
  EXPECT_NE(h.find("The trace has no measurements."), std::string::npos);
}

TEST(Reports, LongTracesAreThinnedInTheCharts) {
  test::TempDir t;
  run(t.path(), true, 5000);
  const std::string h = read(t.path() / "report.html");
  EXPECT_NE(h.find("Charts show every 4th request"), std::string::npos);
  const auto j = nlohmann::json::parse(read(t.path() / "report.json"));
  EXPECT_EQ(j["requests"].size(), 5000u);  // the data files keep every request
}

}  // namespace
}  // namespace genz
