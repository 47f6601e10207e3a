#include "genz/serving/workload.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "genz/host/error.hpp"
#include "test_support.hpp"

namespace genz {
namespace {

std::string error_of(const TrafficSpec& t) {
  try {
    make_workload(t);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(Workload, PoissonArrivalsHaveTheirRateAndDependOnlyOnTheSeed) {
  TrafficSpec t;
  t.rate = 5;
  t.requests = 20000;
  const Workload a = make_workload(t), b = make_workload(t);
  const double span = a.requests.back().arrival;
  EXPECT_NEAR(static_cast<double>(a.requests.size() - 1) / span, 5.0, 0.15);
  for (std::size_t i = 0; i < a.requests.size(); ++i) ASSERT_EQ(a.requests[i].arrival, b.requests[i].arrival);
  t.seed = 2;
  EXPECT_NE(make_workload(t).requests[5].arrival, a.requests[5].arrival);
  for (std::size_t i = 1; i < a.requests.size(); ++i) ASSERT_GE(a.requests[i].arrival, a.requests[i - 1].arrival);
}

TEST(Workload, DurationBoundsPoissonArrivals) {
  TrafficSpec t;
  t.rate = 10;
  t.duration = 60;
  const Workload w = make_workload(t);
  EXPECT_LE(w.requests.back().arrival, 60.0);
  EXPECT_NEAR(static_cast<double>(w.requests.size()), 600.0, 100.0);
}

TEST(Workload, ChatLengthsStayInTheirRange) {
  TrafficSpec t;
  t.rate = 1;
  t.requests = 5000;
  t.lengths = LengthKind::chat;
  double in = 0;
  for (const ServingRequest& r : make_workload(t).requests) {
    ASSERT_GE(r.input, 8);
    ASSERT_LE(r.input + r.output, 4096);
    in += r.input;
  }
  EXPECT_GT(in / 5000, 600.0);  // log-normal: the mean exceeds the median
}

TEST(Workload, TraceArrivalsStartAtZeroAndKeepTheirLengths) {
  test::TempDir dir;
  TrafficSpec t;
  t.trace = dir.file("t.csv", "timestamp,input_tokens,output_tokens\n100.5,10,20\n101,30,40\n101,5,6\n").string();
  const Workload w = make_workload(t);
  ASSERT_EQ(w.requests.size(), 3u);
  EXPECT_EQ(w.requests[0].arrival, 0.0);
  EXPECT_EQ(w.requests[1].arrival, 0.5);
  EXPECT_EQ(w.requests[2].input, 5.0);
}

TEST(Workload, BadArrivalsNameTheLine) {
  test::TempDir dir;
  TrafficSpec t;
  t.trace = dir.file("b.csv", "arrival_time,input_tokens,output_tokens\n0,10,20\n2,10,20\n1,10,20\n").string();
  EXPECT_NE(error_of(t).find("line 4, column arrival_time: arrival times must not go backwards"), std::string::npos)
      << error_of(t);
  t.trace = dir.file("n.csv", "arrival_time,input_tokens,output_tokens\ninf,10,20\n").string();
  EXPECT_NE(error_of(t).find("line 2"), std::string::npos) << error_of(t);
  t.trace = dir.file("m.csv", "input_tokens,output_tokens\n10,20\n").string();
  EXPECT_NE(error_of(t).find("no arrival_time or timestamp column"), std::string::npos) << error_of(t);
}

TEST(Workload, BadRatesAreRefused) {
  TrafficSpec t;
  t.rate = 1e12;
  EXPECT_NE(error_of(t).find("--rate"), std::string::npos);
  t.rate = std::nan("");
  EXPECT_NE(error_of(t).find("--rate"), std::string::npos);
  t.rate = 1;
  t.concurrency = 3;
  EXPECT_NE(error_of(t).find("exclusive"), std::string::npos);
}

}  // namespace
}  // namespace genz
