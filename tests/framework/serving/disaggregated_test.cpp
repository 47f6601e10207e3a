// Disaggregated serving: the prefill pool's first token, the hand-over over
// the link, the decode pool's tokens; the checks that hold for any serving run.
#include "genz/serving/disaggregated.hpp"

#include <gtest/gtest.h>

#include "genz/host/error.hpp"
#include "genz/serving/kv_capacity.hpp"
#include "genz/serving/summary.hpp"
#include "serving_test_support.hpp"

namespace genz {
namespace {

struct Pools {
  test::Stack prefill = test::stack("llama3_8b", "h100", "nv_like", "vllm");
  test::Stack decode = test::stack("llama3_8b", "h100", "nv_like", "vllm");
  DisaggregatedConfig config;
  Pools(unsigned prefill_workers = 1, unsigned decode_workers = 1) {
    for (auto [stack, pool, n] : {std::tuple{&prefill, &config.prefill, prefill_workers},
                                  std::tuple{&decode, &config.decode, decode_workers}}) {
      pool->scheduler = (*stack)->engine.scheduler;
      pool->kv_tokens = kv_capacity(*stack->parts, step_tokens(pool->scheduler, 4096)).tokens;
      pool->server_latency = (*stack)->engine.server_latency;
      pool->replicas = n;
    }
    config.kv_bytes_per_token = kv_capacity(*decode.parts, 4096).bytes_per_token;
    config.link_bandwidth = 40e9;
    config.link_latency = 20e-6;
  }
  SimulationResult run(const Workload& w, test::Stack* drafter = nullptr) {
    StepCost p(prefill->view()), d(decode->view());
    if (drafter) d.speculate(config.decode.spec_k, std::make_unique<StepCost>((*drafter)->view()));
    return simulate_disaggregated(p, d, w, config);
  }
};

TEST(Disaggregated, OneRequestPrefillsHandsOverAndDecodes) {
  Pools pools;
  Workload w;
  w.requests.push_back({0, 2000, 50});
  const SimulationResult r = pools.run(w);
  const RequestResult& q = r.requests[0];
  ASSERT_EQ(q.state, RequestState::finished);
  StepCost prefill(pools.prefill->view()), decode(pools.decode->view());
  // Its first token is the prefill worker's, exactly as `genz` predicts a prompt.
  EXPECT_NEAR(q.ttft(), prefill.predict(Request{2000, 1, 1, 1}).ttft, 1e-12);
  // The next token waits for the cache to cross the link, then one decode step.
  const double transfer = 20e-6 + 2000 * pools.config.kv_bytes_per_token / 40e9;
  StepShape one;
  one.decode_seqs = 1;
  one.decode_context = 2000;
  EXPECT_NEAR(q.max_itl, transfer + decode.time(one, {}), 1e-9);
  EXPECT_EQ(q.output, 50);
}

TEST(Disaggregated, LittlesLawAndTokensHold) {
  Pools pools(2, 1);
  const SimulationResult r = pools.run(test::chat(12, 1500));
  const ServingSummary s = summarize(r, 0, 0);
  EXPECT_EQ(s.finished, 1500u);
  EXPECT_LT(std::abs(s.little_error_pct), 2.0);
  EXPECT_DOUBLE_EQ(s.tokens_generated, s.tokens_expected);
  EXPECT_FALSE(s.overloaded);
}

TEST(Disaggregated, DecodingAloneBeatsSharingStepsWithPrompts) {
  // The point of disaggregation: the decode worker's steps carry no prompt
  // chunks, where one aggregated replica's do.
  Pools pools(2, 1);
  const Workload w = test::chat(10, 1000);
  const ServingSummary split = summarize(pools.run(w), 0, 0);
  SimulationConfig together = pools.config.decode;
  together.replicas = 1;
  StepCost cost(pools.decode->view());
  const ServingSummary shared = summarize(simulate(cost, w, together), 0, 0);
  EXPECT_LT(split.tpot.p90, shared.tpot.p90);
}

TEST(Disaggregated, DecodeWorkersVerifyDraftsAndPrefillWorkersCachePrefixes) {
  Pools pools;
  test::Stack head = test::stack("llama3_8b", "h100", "nv_like", "vllm", R"({"layers": 1})");
  pools.config.decode.spec_k = 2;
  pools.config.decode.spec_accept = {1.0};
  TrafficSpec t;
  t.rate = 5;
  t.requests = 300;
  t.lengths = LengthKind::chat;
  t.prefix_share = 1;
  t.prefix_tokens = 300;
  const SimulationResult r = pools.run(make_workload(t), &head);
  EXPECT_EQ(r.spec_tokens / r.spec_steps, 3.0);
  EXPECT_GT(r.prefix_hit_tokens, 0.0);
  const ServingSummary s = summarize(r, 0, 0);
  EXPECT_EQ(s.tokens_generated, s.tokens_expected);
  EXPECT_NEAR(s.little_error_pct, 0, 1e-6);
}

TEST(Disaggregated, ClosedLoopClientsAreRefused) {
  Pools pools;
  TrafficSpec t;
  t.concurrency = 4;
  t.requests = 10;
  EXPECT_THROW(pools.run(make_workload(t)), InputError);
}

}  // namespace
}  // namespace genz
