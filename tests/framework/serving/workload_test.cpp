#include "genz/serving/workload.hpp"

#include <gtest/gtest.h>

#include <algorithm>
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

TEST(Workload, LognormalLengthsKeepTheirMeansAndSpreadAroundThem) {
  TrafficSpec t;
  t.concurrency = 8;
  t.requests = 20000;
  t.lengths = LengthKind::lognormal;
  t.input = 202;
  t.output = 214;
  const Workload w = make_workload(t);
  double in = 0, out = 0, longest = 0;
  for (const ServingRequest& r : w.requests) {
    ASSERT_GE(r.input, 1);
    ASSERT_GE(r.output, 1);
    ASSERT_EQ(r.output, std::round(r.output));
    in += r.input, out += r.output, longest = std::max(longest, r.output);
  }
  // sigma 0.6: the mean of 20 000 draws is within 1.5 % of the mean's.
  EXPECT_NEAR(in / 20000, 202, 202 * 0.015);
  EXPECT_NEAR(out / 20000, 214, 214 * 0.015);
  EXPECT_GT(longest, 4 * 214);  // exp(4 sigma) - a few in 20 000
  EXPECT_NE(w.description.find("means 202/214, spread 0.6"), std::string::npos) << w.description;
  t.length_spread = 0;
  for (const ServingRequest& r : make_workload(t).requests) ASSERT_EQ(r.output, 214);
}

TEST(Workload, ALengthSpreadOutsideItsRangeIsRefused) {
  TrafficSpec t;
  t.rate = 1;
  t.lengths = LengthKind::lognormal;
  for (double bad : {-0.1, 3.5, std::nan("")}) {
    t.length_spread = bad;
    EXPECT_NE(error_of(t).find("--length-spread"), std::string::npos) << bad;
  }
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

TEST(Workload, TracePrefixIdsGroupTheRequestsThatShareACachedPrefix) {
  test::TempDir dir;
  TrafficSpec t;
  t.trace = dir.file("p.csv",
                     "timestamp,input_tokens,output_tokens,prefix_id,cached_tokens\n"
                     "0,900,20,system-a,800\n1,1200,20,chat-7,1000\n2,950,20,system-a,800\n3,50,5,,0\n")
                .string();
  const Workload w = make_workload(t);
  ASSERT_EQ(w.requests.size(), 4u);
  EXPECT_EQ(w.requests[0].prefix_group, w.requests[2].prefix_group);
  EXPECT_NE(w.requests[0].prefix_group, w.requests[1].prefix_group);
  EXPECT_EQ(w.requests[1].prefix_tokens, 1000.0);
  EXPECT_EQ(w.requests[3].prefix_group, 0u);
  t.trace = dir.file("q.csv", "timestamp,input_tokens,output_tokens,cached_tokens\n0,900,20,800\n").string();
  EXPECT_NE(error_of(t).find("line 2: 800 cached prompt tokens but no prefix_id"), std::string::npos) << error_of(t);
}

TEST(Workload, SyntheticPrefixesGoToTheirShareOfRequests) {
  TrafficSpec t;
  t.rate = 5;
  t.requests = 20000;
  t.input = 3000;
  t.prefix_share = 0.3;
  t.prefix_tokens = 2000;
  t.prefix_groups = 4;
  const Workload w = make_workload(t);
  double with = 0;
  std::vector<double> per_group(5, 0);
  for (const ServingRequest& r : w.requests) {
    if (r.prefix_group == 0) continue;
    with += 1;
    per_group.at(r.prefix_group) += 1;
    EXPECT_EQ(r.prefix_tokens, 2000.0);
  }
  EXPECT_NEAR(with / 20000, 0.3, 0.01);
  for (unsigned g = 1; g <= 4; ++g) EXPECT_NEAR(per_group[g] / with, 0.25, 0.02);
  // The same arrivals and lengths as without prefixes.
  TrafficSpec plain = t;
  plain.prefix_share = plain.prefix_tokens = 0;
  EXPECT_EQ(make_workload(plain).requests.back().arrival, w.requests.back().arrival);
  t.prefix_share = 1.5;
  EXPECT_NE(error_of(t).find("--prefix-hit-rate"), std::string::npos);
}

}  // namespace
}  // namespace genz
