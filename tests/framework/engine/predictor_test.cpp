#include "genz/engine/predictor.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <tuple>

#include "genz/host/error.hpp"
#include "test_support.hpp"

namespace genz {
namespace {

const Precision kFp16{DType::fp16, DType::fp16, DType::fp16};

TEST(Predictor, E2eIsTtftPlusTheRemainingTokensAtTpot) {
  const test::Stack st = test::stack("llama2_7b", "rtx3090", "pcie_like", "hf");
  Predictor p(st.components({}, kFp16));
  const Prediction r = p.predict({1024, 200, 1, 1});
  EXPECT_NEAR(r.e2e, r.ttft + 199 * r.tpot, 1e-12);
  EXPECT_NEAR(r.prefill_throughput, 1024 / r.ttft, 1e-6);
  EXPECT_NEAR(r.decode_throughput, 1 / r.tpot, 1e-9);
  double split = 0;
  for (double s : r.prefill) split += s;
  EXPECT_NEAR(split, r.ttft, 1e-9 * r.ttft);
  split = 0;
  for (double s : r.decode) split += s;
  EXPECT_NEAR(split, r.tpot, 1e-9 * r.tpot);
}

TEST(Predictor, ASingleOutputTokenHasNoDecodeStep) {
  const test::Stack st = test::stack("llama2_7b", "h100", "nv_like");
  Predictor p(st.components({}, kFp16));
  const Prediction r = p.predict({100, 1, 1, 1});
  EXPECT_EQ(r.tpot, 0);
  EXPECT_EQ(r.decode_throughput, 0);
  EXPECT_EQ(r.e2e, r.ttft);
}

// One-off predictions integrate every 8th decode step and time the segments
// that hold a kink (split-K chunks, bounds changing); trace mode times all.
TEST(Predictor, StridedDecodeEqualsEveryStep) {
  for (const auto& [engine, hw, comm] : {std::tuple{"hf", "rtx3090", "pcie_like"},
                                         {"vllm", "rtx3090", "pcie_like"},
                                         {"trtllm", "h100", "nv_like"},
                                         {"sglang", "h100", "nv_like"}})
    for (unsigned tp : {1u, 2u}) {
      const test::Stack st = test::stack("llama2_7b", hw, comm, engine);
      Parallelism par;
      par.tp = tp;
      Predictor strided(st.components(par, kFp16)), exact(st.components(par, kFp16));
      exact.enable_tables(true);
      for (double in : {24.0, 1000.0, 2000.0, 3890.0}) {
        const double a = strided.predict({in, 200, 1, 1}).tpot, b = exact.predict({in, 200, 1, 1}).tpot;
        EXPECT_NEAR(a / b, 1.0, 1e-12) << engine << " tp" << tp << " input " << in;
      }
    }
}

TEST(Predictor, DecodeOfAMemoryBoundModelCannotBeatWeightsOverBandwidth) {
  for (const char* hw : {"rtx3090", "rtx4090", "a100_80gb", "h100", "h200", "mi300x", "tpuv6", "gaudi3"}) {
    const test::Stack st = test::stack("llama2_7b", hw, "nv_like", "ideal");
    Predictor p(st.components({}, {DType::bf16, DType::bf16, DType::bf16}));
    const double weights = st->model->info().params_total * 2;
    const double floor = weights / st->hardware->spec().memory_bandwidth;  // data-sheet bandwidth
    EXPECT_GT(p.predict({128, 64, 1, 1}).tpot, floor) << hw;
  }
}

TEST(Predictor, BatchAndBeamMultiplyDecodeRows) {
  const test::Stack st = test::stack("llama2_7b", "h100", "nv_like");
  Predictor p(st.components({}, kFp16));
  const Prediction one = p.predict({512, 128, 1, 1});
  const Prediction batch = p.predict({512, 128, 32, 1});
  const Prediction beams = p.predict({512, 128, 8, 4});
  EXPECT_GT(batch.tpot, one.tpot);           // more rows per step
  EXPECT_LT(batch.tpot, 32 * one.tpot / 4);  // but weights are read once per step
  EXPECT_NEAR(batch.decode_throughput, 32 / batch.tpot, 1e-6);
  EXPECT_NEAR(beams.tpot / batch.tpot, 1.0, 0.05);  // 8 x 4 rows like 32 x 1
}

TEST(Predictor, PipelineMicroBatchesFillThePipeline) {
  const test::Stack st = test::stack("llama2_13b", "a100_80gb", "nv_like");
  Parallelism pp4;
  pp4.pp = 4;
  Predictor p(st.components(pp4, kFp16, 1, 4));
  EXPECT_EQ(p.micro_batches({512, 64, 16, 1}), 4u);
  EXPECT_EQ(p.micro_batches({512, 64, 2, 1}), 2u);
  const Prediction b1 = p.predict({512, 64, 1, 1});
  const Prediction b16 = p.predict({512, 64, 16, 1});
  // 16 sequences in 4 micro-batches: a token for every sequence in about
  // the time one sequence passes the pipeline, not 16 times that.
  EXPECT_GT(b16.decode_throughput, 8 * b1.decode_throughput);
}

TEST(Predictor, RequestsAreValidated) {
  const ModelInfo info;
  EXPECT_THROW(check_request({0, 10, 1, 1}, info), InputError);
  EXPECT_THROW(check_request({10, 10, 0, 1}, info), InputError);
  EXPECT_THROW(check_request({10, 10, 1, 0.5}, info), InputError);
  EXPECT_THROW(check_request({10, std::nan(""), 1, 1}, info), InputError);
  EXPECT_THROW(check_request({1e10, 10, 1, 1}, info), InputError);
  EXPECT_NO_THROW(check_request({1e7, 10, 1, 1}, info));
}

TEST(Predictor, HugeRequestsStayFinite) {
  const test::Stack st = test::stack("llama2_7b", "h100", "nv_like");
  Predictor p(st.components({}, kFp16));
  const Prediction r = p.predict({1e7, 1e6, 1, 1});
  EXPECT_TRUE(std::isfinite(r.ttft) && std::isfinite(r.tpot) && std::isfinite(r.e2e));
  EXPECT_GT(r.ttft, 0);
  EXPECT_GT(r.tpot, p.predict({1000, 100, 1, 1}).tpot);
  const Prediction big_batch = p.predict({100, 10, 1e5, 1});
  EXPECT_TRUE(std::isfinite(big_batch.tpot) && big_batch.tpot > 0);
}

}  // namespace
}  // namespace genz
