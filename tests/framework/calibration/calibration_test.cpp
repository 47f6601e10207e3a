#include "genz/calibration/calibration.hpp"

#include <gtest/gtest.h>

#include "genz/host/error.hpp"
#include "genz/sdk/hardware.hpp"
#include "test_support.hpp"

namespace genz {
namespace {

HardwareSpec truth() {
  HardwareSpec s = test::plugins().create<Hardware>(PluginKind::hardware, "a100_80gb")->spec();
  s.achieved.compute_fraction = 0.7;
  s.achieved.bandwidth_fraction = 0.8;
  s.achieved.kernel_overhead = 3e-6;
  s.achieved.overlap_exponent = 1.3;
  s.achieved.gemm_kernels = {};  // calibration fits the roofline
  return s;
}

// GEMM timings a machine with known parameters would produce.
CalibrationData synthetic_gemms(const HardwareSpec& s) {
  CalibrationData d;
  const RooflineHardware hw(s);
  for (double m : {1.0, 4.0, 16.0, 64.0, 128.0, 256.0, 512.0, 1024.0, 2048.0, 4096.0})
    for (auto [n, k] : {std::pair{4096.0, 4096.0}, {12288.0, 4096.0}, {4096.0, 11008.0}, {22016.0, 4096.0}}) {
      GemmSample g;
      g.m = m;
      g.n = n;
      g.k = k;
      g.op = "gemm";
      g.model = m < 100 ? "small" : "large";
      g.seconds = hw.time(gemm_op(g)).seconds;
      d.gemms.push_back(g);
    }
  d.gemm_source = "synthetic";
  return d;
}

TEST(Calibration, RecoversTheParametersOfSyntheticGemms) {
  const HardwareSpec t = truth();
  HardwareSpec start = t;
  start.achieved = AchievedSpec{};
  const CalibrationResult r = calibrate(start, CalibrationContext{}, synthetic_gemms(t), 4);
  EXPECT_NEAR(r.spec.achieved.compute_fraction, 0.7, 0.01);
  EXPECT_NEAR(r.spec.achieved.bandwidth_fraction, 0.8, 0.01);
  EXPECT_NEAR(r.spec.achieved.kernel_overhead, 3e-6, 0.1e-6);
  EXPECT_NEAR(r.spec.achieved.overlap_exponent, 1.3, 0.05);
  ASSERT_FALSE(r.fit.empty());
  EXPECT_LT(r.fit[0].max, 0.5);
  ASSERT_FALSE(r.holdout.empty());
  EXPECT_LT(r.holdout[0].max, 3.0);
  EXPECT_EQ(r.cross_layout.size(), 2u);  // "small" and "large" held out in turn
}

TEST(Calibration, TooLittleDataIsAnError) {
  CalibrationData d = synthetic_gemms(truth());
  d.gemms.resize(5);
  try {
    calibrate(truth(), CalibrationContext{}, d, 2);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "calibrate: too little data: 5 measured values at distinct points (requests of the same shape, or "
              "repeated table rows, count once) for 4 parameters (at least 12 needed)");
  }
  // Forty copies of one GEMM are one point, not forty.
  d = synthetic_gemms(truth());
  d.gemms.assign(40, d.gemms.front());
  try {
    calibrate(truth(), CalibrationContext{}, d, 2);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("too little data: 1 measured values at distinct points"), std::string::npos)
        << e.what();
  }
}

TEST(Calibration, DataTheModelCannotReachIsAnErrorNotAWildFit) {
  CalibrationData d = synthetic_gemms(truth());
  for (auto& g : d.gemms) g.seconds *= 200;  // a GPU 200x slower than its data sheet allows
  try {
    calibrate(truth(), CalibrationContext{}, d, 2);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("the fit stays far from synthetic"), std::string::npos) << e.what();
  }
}

TEST(Calibration, NoDataIsAnError) {
  EXPECT_THROW(calibrate(truth(), CalibrationContext{}, CalibrationData{}, 2), InputError);
}

TEST(Calibration, TracesOfAKnownMachineAreReproduced) {
  const test::Stack st = test::stack("llama2_7b", "rtx3090", "pcie_like", "hf");
  HardwareSpec known = st->hardware->spec();
  known.achieved.bandwidth_fraction = 0.8;
  known.achieved.kernel_overhead = 2e-6;
  const RooflineHardware hw(known);
  Components c = st.components(Parallelism{}, {DType::fp16, DType::fp16, DType::fp16});
  c.hardware = &hw;
  Predictor truth_predictor(c);
  TraceSet t;
  t.path = "synthetic.csv";
  for (double in = 32; in <= 4000; in += 250) {
    TraceRow row;
    row.request = {in, 64, 1, 1};
    const Prediction p = truth_predictor.predict(row.request);
    row.measured = {true, true, true, p.ttft, p.tpot, p.e2e};
    t.rows.push_back(row);
  }
  CalibrationData d;
  d.traces.push_back(t);
  CalibrationContext ctx{st->model.get(), st->comm.get(), &st->engine, {DType::fp16, DType::fp16, DType::fp16}, {}};
  HardwareSpec start = st->hardware->spec();
  start.achieved = AchievedSpec{};
  const CalibrationResult r = calibrate(start, ctx, d, 2);
  for (const auto& e : r.fit) EXPECT_LT(e.mape, 1.0) << e.metric;
}

}  // namespace
}  // namespace genz
