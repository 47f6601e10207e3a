// The search's rules on hand-made evaluations: what a candidate costs and
// serves, the ranking and the Pareto front, rejections and the unreachable
// answer, and that relaxing a target never lowers the best throughput.
#include "genz/planning/plan_search.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace genz::plan {
namespace {

// A replica whose step grows linearly with the batch: step(b) = base + slope·b.
ConfigEval replica(std::size_t index, const std::string& hw, unsigned gpus, double base, double slope,
                   double max_batch = 256) {
  ConfigEval e;
  e.index = index;
  e.config = ReplicaConfig{hw, "vllm", "fp8", "bf16", gpus, 1, 1, gpus, {}};
  e.kv_tokens = 1e6;
  e.kv_bytes_per_token = 160e3;
  e.prefill_alone = 0.05;
  e.chunk = 1000;
  e.prompt_steps = 1;
  e.prefill_batch = 8;
  e.prefill_batch_time = 0.3;
  e.link_bandwidth = 40e9;
  e.link_latency = 15e-6;
  e.price = 3;
  for (double b = 1; b <= 1024; b *= 2) {
    const double step = base + slope * b;
    e.points.push_back(BatchPoint{b, step, step * 0.9, step + 0.04, b <= max_batch});
  }
  return e;
}

PlanRequest rate_request(double rate, double ttft, double tpot) {
  PlanRequest r;
  r.traffic = Traffic{1000, 200, 2000, 0, rate, 0};
  r.targets = Targets{ttft, tpot, 90};
  return r;
}

TEST(PlanSearch, ReplicasServeTheRateAtTheBatchThatCarriesIt) {
  const std::vector<ConfigEval> evals{replica(0, "h100", 1, 0.010, 0.0002)};
  PlanRequest r = rate_request(10, 0, 0);
  r.disaggregated = false;
  const PlanResult out = search(evals, r);
  ASSERT_FALSE(out.candidates.empty());
  for (const Candidate& c : out.candidates) {
    // b sequences at step(b) serve b / (O·step(b)) requests/s per replica
    // (below one sequence, the step of one).
    const double per_replica = c.batch / (200 * (0.010 + 0.0002 * std::max(1.0, c.batch)));
    EXPECT_NEAR(per_replica * c.replicas, 10, 1e-6) << c.max_batch;
    EXPECT_LE(c.batch, c.max_batch);
    EXPECT_DOUBLE_EQ(c.throughput_per_gpu, 10 * 200.0 / c.gpus);
  }
}

TEST(PlanSearch, RanksByThroughputPerGpuAndMarksTheParetoFront) {
  const std::vector<ConfigEval> evals{replica(0, "h100", 1, 0.010, 0.0002), replica(1, "h200", 2, 0.006, 0.0001)};
  PlanRequest r;
  r.traffic = Traffic{1000, 200, 1000, 0, 0, 0};  // capacity
  const PlanResult out = search(evals, r);
  ASSERT_GT(out.ranked.size(), 2u);
  for (std::size_t k = 1; k < out.ranked.size(); ++k)
    EXPECT_GE(out.candidates[out.ranked[k - 1]].throughput_per_gpu, out.candidates[out.ranked[k]].throughput_per_gpu);
  ASSERT_FALSE(out.pareto.empty());
  // Nothing on the front is beaten on both axes by another answer.
  for (std::size_t i : out.pareto)
    for (std::size_t j : out.ranked) {
      const Candidate &p = out.candidates[i], &q = out.candidates[j];
      EXPECT_FALSE(q.throughput_per_gpu > p.throughput_per_gpu && q.tokens_per_user > p.tokens_per_user);
    }
}

TEST(PlanSearch, RelaxingATargetNeverLowersTheBestThroughput) {
  const std::vector<ConfigEval> evals{replica(0, "h100", 1, 0.010, 0.0002), replica(1, "h200", 2, 0.006, 0.0001),
                                      replica(2, "rtx4090", 4, 0.030, 0.0008, 32)};
  double last = 0;
  for (double tpot : {0.012, 0.015, 0.02, 0.03, 0.05, 0.1}) {
    PlanRequest r = rate_request(20, 1.0, tpot);
    const PlanResult out = search(evals, r);
    const double best = out.ranked.empty() ? 0 : out.candidates[out.ranked.front()].throughput_per_gpu;
    EXPECT_GE(best, last) << tpot;
    last = best;
  }
  EXPECT_GT(last, 0);
}

TEST(PlanSearch, AnUnreachableTargetSaysWhichAndByHowMuch) {
  const std::vector<ConfigEval> evals{replica(0, "h100", 1, 0.010, 0.0002)};
  const PlanResult out = search(evals, rate_request(5, 10, 0.005));
  EXPECT_TRUE(out.ranked.empty());
  EXPECT_NE(out.unreachable.find("TPOT p90"), std::string::npos) << out.unreachable;
  EXPECT_NE(out.unreachable.find("% over"), std::string::npos) << out.unreachable;
  EXPECT_EQ(out.unreachable.find("TTFT"), std::string::npos) << out.unreachable;  // TTFT is met
  ASSERT_FALSE(out.rejections.empty());
  EXPECT_EQ(out.rejections.front().why, Miss::tpot);
}

TEST(PlanSearch, TheBudgetRejectsWhatNeedsMoreGpusOrMoney) {
  const std::vector<ConfigEval> evals{replica(0, "h100", 8, 0.010, 0.0002)};
  PlanRequest r = rate_request(100, 0, 0);
  r.disaggregated = false;
  r.budget.gpus = 4;
  PlanResult out = search(evals, r);
  EXPECT_TRUE(out.ranked.empty());
  for (const Candidate& c : out.candidates) EXPECT_EQ(c.miss, Miss::gpus);
  r.budget.gpus = 0;
  r.budget.max_cost = 10;  // $/h: less than one 8-GPU replica at $3 per GPU-hour
  out = search(evals, r);
  for (const Candidate& c : out.candidates) EXPECT_EQ(c.miss, Miss::cost);
  EXPECT_EQ(out.unreachable, "no configuration fits the budget (see the rejections)");
}

TEST(PlanSearch, AConfigurationThatCannotRunIsARejectionWithItsReason) {
  std::vector<ConfigEval> evals{replica(0, "h100", 1, 0.010, 0.0002), replica(1, "rtx4090", 1, 0.01, 0.001)};
  evals[1].failure = "does not fit: needs 140 GiB";
  evals[1].points.clear();
  const PlanResult out = search(evals, rate_request(1, 0, 0));
  bool found = false;
  for (const Rejection& x : out.rejections) found = found || (x.config == 1 && x.detail == evals[1].failure);
  EXPECT_TRUE(found);
  for (const Candidate& c : out.candidates) EXPECT_NE(c.config, 1u);
}

TEST(PlanSearch, DisaggregatedPoolsAreSizedForTheRateAndPayTheTransfer) {
  const std::vector<ConfigEval> evals{replica(0, "h100", 1, 0.010, 0.0002)};
  PlanRequest r = rate_request(10, 0, 0);
  r.aggregated = false;
  const PlanResult out = search(evals, r);
  ASSERT_FALSE(out.candidates.empty());
  const ConfigEval& e = evals[0];
  for (const Candidate& c : out.candidates) {
    EXPECT_EQ(c.mode, Mode::disaggregated);
    EXPECT_GE(c.prefill_workers * e.prefill_batch / e.prefill_batch_time, 10 - 1e-9);
    EXPECT_EQ(c.gpus, c.prefill_workers + c.replicas);
    // At least a prompt alone, its cache over the link, and one decode step.
    const double transfer = e.link_latency + 2000 * e.kv_bytes_per_token / e.link_bandwidth;
    EXPECT_GT(c.ttft, e.prefill_alone * 0.99 + transfer - 1e-12);
    EXPECT_NEAR(c.tpot,
                e.at(std::min<double>(c.max_batch, c.batch + normal_quantile(90) * std::sqrt(c.batch)),
                     &BatchPoint::decode_step),
                1e-12);
  }
}

TEST(PlanSearch, ACapacityPlanLoadsEveryReplicaWithinItsCapacityAndTheTargets) {
  const std::vector<ConfigEval> evals{replica(0, "h100", 1, 0.010, 0.0002)};
  PlanRequest r;
  r.traffic = Traffic{1000, 200, 2000, 1.0, 0, 0};
  r.targets = Targets{0.5, 0.025, 90};
  r.budget.gpus = 4;
  r.disaggregated = false;
  const PlanResult out = search(evals, r);
  ASSERT_FALSE(out.ranked.empty());
  for (std::size_t i : out.ranked) {
    const Candidate& c = out.candidates[i];
    EXPECT_EQ(c.replicas, 4u);
    const double capacity = c.max_batch / (200 * (0.010 + 0.0002 * c.max_batch));
    EXPECT_LE(c.request_rate, 0.95 * 4 * capacity * (1 + 1e-9));
    EXPECT_LE(c.ttft, 0.5);
    EXPECT_LE(c.tpot, 0.025);
  }
}

TEST(PlanSearch, NormalQuantile) {
  EXPECT_NEAR(normal_quantile(50), 0, 1e-9);
  EXPECT_NEAR(normal_quantile(90), 1.2815516, 1e-6);
  EXPECT_NEAR(normal_quantile(99), 2.3263479, 1e-6);
}

}  // namespace
}  // namespace genz::plan
