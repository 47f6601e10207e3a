#include "genz/serving/simulator.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "genz/serving/kv_capacity.hpp"
#include "genz/serving/summary.hpp"
#include "serving_test_support.hpp"

namespace genz {
namespace {

using test::chat;
using test::Deployment;
using test::poisson;

TEST(Simulator, OneRequestAloneGetsExactlyTheSingleRequestPrediction) {
  for (const char* engine : {"vllm", "trtllm", "sglang", "hf"}) {
    Deployment d(engine);
    Workload w;
    w.requests.push_back({0, 1000, 100});
    const SimulationResult r = d.run(w);
    StepCost cost(d.s->view());
    const Prediction p = cost.predict(Request{1000, 100, 1, 1});
    const RequestResult& q = r.requests[0];
    ASSERT_EQ(q.state, RequestState::finished) << engine;
    EXPECT_NEAR(q.ttft(), p.ttft, 1e-12 * p.ttft) << engine;
    EXPECT_NEAR(q.tpot(), p.tpot, 1e-9 * p.tpot) << engine;
    EXPECT_NEAR(q.e2e(), p.e2e, 1e-9 * p.e2e) << engine;
  }
}

TEST(Simulator, AtVeryLowLoadEveryRequestGetsTheSingleRequestPrediction) {
  Deployment d;
  Workload w;  // one request every 100 s: each finds the engine idle
  for (int i = 0; i < 50; ++i) w.requests.push_back({100.0 * i, 512, 128});
  const SimulationResult r = d.run(w);
  StepCost cost(d.s->view());
  const Prediction p = cost.predict(Request{512, 128, 1, 1});
  for (const RequestResult& q : r.requests) {
    EXPECT_NEAR(q.ttft(), p.ttft, 1e-9 * p.ttft);
    EXPECT_NEAR(q.tpot(), p.tpot, 1e-9 * p.tpot);
    EXPECT_EQ(q.queueing(), 0.0);
  }
}

TEST(Simulator, LittlesLawHoldsAndTokensAreConserved) {
  Deployment d;
  for (double rate : {2.0, 10.0, 40.0}) {
    const SimulationResult r = d.run(chat(rate, 2000));
    const ServingSummary s = summarize(r, 0, 0);
    ASSERT_EQ(s.finished, 2000u) << rate;
    EXPECT_LT(std::fabs(s.little_error_pct), 2.0) << rate;
    EXPECT_GT(s.little_l, 0.5) << rate;  // enough in the system for the check to mean something
    EXPECT_EQ(s.tokens_generated, s.tokens_expected) << rate;
    double input = 0;
    for (const RequestResult& q : r.requests) input += q.input;
    EXPECT_GE(r.prefill_tokens, input) << rate;  // recomputation only adds
    if (s.preemptions == 0) {
      EXPECT_EQ(r.prefill_tokens, input) << rate;
    }
  }
}

TEST(Simulator, ThroughputRisesWithTheRateThenSaturates) {
  Deployment d;
  double previous = 0;
  std::vector<double> tput;
  for (double rate : {1.0, 4.0, 16.0, 64.0, 256.0, 1024.0}) {
    const ServingSummary s = summarize(d.run(poisson(rate, 3000)), 0, 0);
    tput.push_back(s.request_throughput);
    EXPECT_GT(s.request_throughput, 0.97 * previous) << rate;
    previous = s.request_throughput;
    if (rate <= 4) {
      EXPECT_NEAR(s.request_throughput, s.offered_rate, 0.1 * s.offered_rate) << rate;
      EXPECT_FALSE(s.overloaded) << rate;
    }
    if (rate >= 256) {
      EXPECT_TRUE(s.overloaded) << rate;
    }
  }
  EXPECT_NEAR(tput[5], tput[4], 0.1 * tput[4]);  // saturated
  EXPECT_GT(tput[4], 10 * tput[0]);
}

TEST(Simulator, PreemptionsOnlyWhenTheKvCacheIsExhausted) {
  Deployment d;
  const Workload w = chat(40, 1500);
  const SimulationResult roomy = d.run(w);
  EXPECT_EQ(roomy.preemptions, 0u);
  EXPECT_LT(roomy.max_kv_use, 1.0);
  d.config.kv_tokens = 20000;  // a few sequences' worth
  const SimulationResult tight = d.run(w);
  const ServingSummary s = summarize(tight, 0, 0);
  EXPECT_GT(tight.preemptions, 0u);
  EXPECT_GT(tight.max_kv_use, 0.99);
  EXPECT_EQ(s.finished + s.rejected, 1500u);
  EXPECT_EQ(s.tokens_generated, s.tokens_expected);  // recompute keeps the tokens already produced
  std::uint64_t per_request = 0;
  for (const RequestResult& q : tight.requests) per_request += q.preemptions;
  EXPECT_EQ(per_request, tight.preemptions);
}

TEST(Simulator, ReservingTheWholeOutputNeverPreempts) {
  Deployment d("trtllm");
  d.config.kv_tokens = 20000;
  const SimulationResult r = d.run(chat(40, 800));
  EXPECT_EQ(r.preemptions, 0u);
  EXPECT_EQ(summarize(r, 0, 0).finished, 800u);
}

TEST(Simulator, ARequestThatCanNeverFitIsRejectedAndTheRestGoOn) {
  Deployment d;
  d.config.kv_tokens = 4096;
  Workload w = poisson(1, 20, 500, 100);
  w.requests[7].input = 5000;
  const SimulationResult r = d.run(w);
  const ServingSummary s = summarize(r, 0, 0);
  EXPECT_EQ(s.rejected, 1u);
  EXPECT_EQ(s.finished, 19u);
  EXPECT_EQ(r.requests[7].state, RequestState::rejected);
  ASSERT_EQ(s.reject_reasons.size(), 1u);
  EXPECT_NE(s.reject_reasons[0].first.find("KV-cache blocks"), std::string::npos) << s.reject_reasons[0].first;
}

TEST(Simulator, TheSameSeedGivesTheSameRunAndAnotherSeedAnother) {
  Deployment d;
  const SimulationResult a = d.run(chat(20, 500, 7)), b = d.run(chat(20, 500, 7)), c = d.run(chat(20, 500, 8));
  ASSERT_EQ(a.requests.size(), b.requests.size());
  for (std::size_t i = 0; i < a.requests.size(); ++i) {
    EXPECT_EQ(a.requests[i].finish, b.requests[i].finish);
    EXPECT_EQ(a.requests[i].first_token, b.requests[i].first_token);
  }
  EXPECT_NE(a.requests[10].finish, c.requests[10].finish);
}

TEST(Simulator, ClosedLoopKeepsAtMostItsClientsInFlight) {
  Deployment d;
  TrafficSpec t;
  t.concurrency = 16;
  t.requests = 400;
  t.lengths = LengthKind::chat;
  const SimulationResult r = d.run(make_workload(t));
  const ServingSummary s = summarize(r, 0, 0);
  EXPECT_EQ(s.finished, 400u);
  EXPECT_LE(r.max_running, 16.0);
  EXPECT_GT(s.mean_running, 12.0);
  EXPECT_LT(std::fabs(s.little_error_pct), 2.0);
}

TEST(Simulator, StaticBatchesFinishTogether) {
  Deployment d("hf");
  d.config.scheduler.max_seqs = 4;
  Workload w;
  for (double out : {10.0, 20.0, 30.0, 40.0}) w.requests.push_back({0, 100, out});
  const SimulationResult r = d.run(w);
  for (const RequestResult& q : r.requests) EXPECT_EQ(q.finish, r.requests[3].finish);
  EXPECT_EQ(r.requests[0].first_token, r.requests[3].first_token);
}

TEST(Simulator, ReplicasShareTheLoad) {
  Deployment one;
  const Workload w = poisson(512, 3000);
  const ServingSummary s1 = summarize(one.run(w), 0, 0);
  for (Router router : {Router::round_robin, Router::least_loaded}) {
    Deployment two;
    two.config.replicas = 2;
    two.config.router = router;
    const ServingSummary s2 = summarize(two.run(w), 0, 0);
    EXPECT_GT(s2.request_throughput, 1.7 * s1.request_throughput);
    EXPECT_LT(std::fabs(s2.little_error_pct), 2.0);
  }
}

TEST(Simulator, AnOverloadedRunStopsAtItsTimeLimit) {
  Deployment d;
  d.config.time_limit = 5;
  const SimulationResult r = d.run(poisson(1000, 20000));
  const ServingSummary s = summarize(r, 0, 0);
  EXPECT_TRUE(r.hit_time_limit);
  EXPECT_TRUE(s.overloaded);
  EXPECT_GT(s.unfinished, 0u);
  EXPECT_LE(r.end_time, 5.0);
}

TEST(Simulator, GoodputCountsTheRequestsThatMeetEverySlo) {
  Deployment d;
  const SimulationResult r = d.run(chat(30, 1000));
  const ServingSummary loose = summarize(r, 10, 1), tight = summarize(r, 0.001, 0), none = summarize(r, 0, 0);
  EXPECT_NEAR(loose.goodput, loose.request_throughput, 1e-9);
  EXPECT_EQ(tight.goodput, 0.0);
  const ServingSummary mid = summarize(r, none.ttft.p50, 0);
  EXPECT_NEAR(mid.slo_attainment, 0.5, 0.01);
}

}  // namespace
}  // namespace genz
