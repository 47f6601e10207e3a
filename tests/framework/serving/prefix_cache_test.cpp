// Prefix caching in the serving simulation: hits skip prefill, the cache
// competes with running requests for KV blocks, unused prefixes are evicted
// least recently used first and before anything is preempted.
#include <gtest/gtest.h>

#include "genz/serving/kv_capacity.hpp"
#include "genz/serving/simulator.hpp"
#include "genz/serving/summary.hpp"
#include "serving_test_support.hpp"

namespace genz {
namespace {

using test::Deployment;

Workload shared_chat(double rate, std::uint64_t n, double share, double prefix, unsigned groups = 1) {
  TrafficSpec t;
  t.rate = rate;
  t.requests = n;
  t.lengths = LengthKind::chat;
  t.prefix_share = share;
  t.prefix_tokens = prefix;
  t.prefix_groups = groups;
  return make_workload(t);
}

ServingRequest shared(double arrival, double input, double output, std::uint32_t group, double prefix) {
  ServingRequest r;
  r.arrival = arrival;
  r.input = input;
  r.output = output;
  r.prefix_group = group;
  r.prefix_tokens = prefix;
  return r;
}

TEST(PrefixCache, TheEnginesThatCachePrefixesByDefault) {
  for (const char* engine : {"vllm", "sglang", "trtllm"})
    EXPECT_TRUE(Deployment(engine).config.scheduler.prefix_caching);
  for (const char* engine : {"hf", "llamacpp"}) EXPECT_FALSE(Deployment(engine).config.scheduler.prefix_caching);
}

TEST(PrefixCache, AHitRateOfZeroIsTheRunWithoutCaching) {
  Deployment d;
  const SimulationResult plain = d.run(shared_chat(8, 400, 0, 0));
  const SimulationResult none = d.run(shared_chat(8, 400, 0.0, 0.0));
  d.config.scheduler.prefix_caching = false;
  const SimulationResult off = d.run(shared_chat(8, 400, 0.8, 1000));
  ASSERT_EQ(plain.requests.size(), off.requests.size());
  for (std::size_t i = 0; i < plain.requests.size(); ++i) {
    EXPECT_EQ(plain.requests[i].ttft(), none.requests[i].ttft());
    EXPECT_EQ(plain.requests[i].e2e(), off.requests[i].e2e()) << i;
    EXPECT_EQ(off.requests[i].cached, 0.0);
  }
  EXPECT_EQ(off.prefix_hit_tokens, 0.0);
  EXPECT_GT(off.prefix_admissions, 0.0);
}

TEST(PrefixCache, AFullyCachedPromptCostsOneTokenOfPrefill) {
  Deployment d;
  Workload w;  // the same 1025-token prompt twice, the second long after the first
  w.requests = {shared(0, 1025, 50, 1, 1025), shared(100, 1025, 50, 1, 1025)};
  const SimulationResult r = d.run(w);
  ASSERT_EQ(r.requests[1].state, RequestState::finished);
  EXPECT_EQ(r.requests[0].cached, 0.0);
  EXPECT_EQ(r.requests[1].cached, 1024.0);
  EXPECT_EQ(r.prefill_tokens, 1025.0 + 1.0);
  StepCost cost(d.s->view());
  const Prediction p = cost.predict(Request{1025, 50, 1, 1, 1024});
  EXPECT_NEAR(r.requests[1].ttft(), p.ttft, 1e-9 * p.ttft);
  EXPECT_LT(r.requests[1].ttft(), r.requests[0].ttft() / 3);
}

TEST(PrefixCache, UnusedPrefixesAreEvictedLeastRecentlyUsedFirstAndNeverPreempt) {
  Deployment d;
  // 350 blocks of 16 tokens: two 2048-token prefixes (128 blocks each) and
  // one running request, not three prefixes.
  d.config.kv_tokens = 350 * 16;
  Workload w;  // A, B, C, B, A one after another
  const std::uint32_t order[] = {1, 2, 3, 2, 1};
  for (int i = 0; i < 5; ++i) w.requests.push_back(shared(100.0 * i, 2148, 20, order[i], 2048));
  const SimulationResult r = d.run(w);
  const double hits[] = {0, 0, 0, 2048, 0};  // C evicts A, the least recently used; B is still there
  for (int i = 0; i < 5; ++i) EXPECT_EQ(r.requests[i].cached, hits[i]) << "request " << i;
  EXPECT_EQ(r.prefix_evictions, 2.0);  // A for C, then C for A
  EXPECT_EQ(r.preemptions, 0u);
}

TEST(PrefixCache, SharedPrefixesCutTheFirstTokenUnderLoadAndConserveEverything) {
  Deployment d;
  const Workload w = shared_chat(12, 1500, 0.8, 1500, 4);
  const SimulationResult on = d.run(w);
  d.config.scheduler.prefix_caching = false;
  const SimulationResult off = d.run(w);
  const ServingSummary a = summarize(on, 0, 0), b = summarize(off, 0, 0);
  EXPECT_LT(a.ttft.mean, 0.8 * b.ttft.mean);
  EXPECT_LT(on.prefill_tokens, 0.6 * off.prefill_tokens);
  EXPECT_GT(a.prefix_request_hit_rate, 0.95);  // four prefixes, each missed once
  EXPECT_NEAR(a.little_error_pct, 0, 1e-6);
  EXPECT_EQ(a.tokens_generated, a.tokens_expected);
  EXPECT_LE(on.max_kv_use, 1.0);
}

TEST(PrefixCache, UnderMemoryPressureTheCacheGivesWayAndEveryRequestFinishes) {
  for (const char* engine : {"vllm", "sglang", "trtllm"}) {
    Deployment d(engine);
    d.config.kv_tokens = 40000;
    const SimulationResult r = d.run(shared_chat(6, 600, 0.9, 1500, 300));
    const ServingSummary s = summarize(r, 0, 0);
    EXPECT_EQ(s.finished, 600u) << engine;
    EXPECT_GT(r.prefix_evictions, 0.0) << engine;
    EXPECT_EQ(s.tokens_generated, s.tokens_expected) << engine;
    EXPECT_LE(r.max_kv_use, 1.0) << engine;
  }
}

}  // namespace
}  // namespace genz
