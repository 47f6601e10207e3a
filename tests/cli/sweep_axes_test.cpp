#include "sweep_axes.hpp"

#include <gtest/gtest.h>

#include "genz/host/error.hpp"

namespace genz::cli {
namespace {

std::string error_of(const std::vector<std::string>& args) {
  try {
    parse_sweep_axes(args);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(SweepAxes, TheProductOfTheAxesLastAxisFastest) {
  const auto axes = parse_sweep_axes({"hw=rtx3090,h100", "tp=1,2,4", "batch=8"});
  ASSERT_EQ(sweep_size(axes), 6u);
  Options base;
  base.input_tokens = 512;
  const Options first = sweep_point(base, axes, 0);
  EXPECT_EQ(first.hw, "rtx3090");
  EXPECT_EQ(first.tp, 1u);
  EXPECT_EQ(first.batch, 8);
  EXPECT_EQ(first.input_tokens, 512);  // untouched by the axes
  const Options fourth = sweep_point(base, axes, 3);
  EXPECT_EQ(fourth.hw, "h100");
  EXPECT_EQ(fourth.tp, 1u);
  const Options last = sweep_point(base, axes, 5);
  EXPECT_EQ(last.hw, "h100");
  EXPECT_EQ(last.tp, 4u);
}

TEST(SweepAxes, EveryKeySetsItsOption) {
  const auto axes = parse_sweep_axes({"model=llama3_8b", "engine=hf", "comm=nv_like", "dtype=fp8", "kv-dtype=int8",
                                      "pp=2", "ep=4", "beam=3", "input-tokens=100", "output-tokens=7"});
  const Options o = sweep_point(Options{}, axes, 0);
  EXPECT_EQ(o.model, "llama3_8b");
  EXPECT_EQ(o.engine, "hf");
  EXPECT_EQ(o.comm, "nv_like");
  EXPECT_EQ(o.dtype, "fp8");
  EXPECT_EQ(o.kv_dtype, "int8");
  EXPECT_EQ(o.pp, 2u);
  EXPECT_EQ(o.ep, 4u);
  EXPECT_EQ(o.beam, 3);
  EXPECT_EQ(o.input_tokens, 100);
  EXPECT_EQ(o.output_tokens, 7);
}

TEST(SweepAxes, NoAxesIsOneConfiguration) {
  EXPECT_EQ(sweep_size(parse_sweep_axes({})), 1u);
}

TEST(SweepAxes, MistakesAreClearErrors) {
  EXPECT_EQ(error_of({"tp"}),
            "sweep: expected KEY=V1,V2,... (keys: hw, model, engine, comm, dtype, kv-dtype, tp, pp, ep, batch, beam, "
            "input-tokens, output-tokens), found 'tp'");
  EXPECT_EQ(error_of({"tpp=1"}).rfind("sweep tpp=1: unknown key 'tpp' (keys: hw,", 0), 0u);
  EXPECT_EQ(error_of({"tp=0"}), "sweep tp=0: expected a whole number >= 1 for tp, found '0'");
  EXPECT_EQ(error_of({"tp=1.5"}), "sweep tp=1.5: expected a whole number >= 1 for tp, found '1.5'");
  EXPECT_EQ(error_of({"batch=x"}), "sweep batch=x: expected a whole number >= 1 for batch, found 'x'");
  EXPECT_EQ(error_of({"input-tokens=nan"}),
            "sweep input-tokens=nan: expected a number of tokens >= 1 for input-tokens, found 'nan'");
  EXPECT_EQ(error_of({"tp=1,,2"}), "sweep tp=1,,2: an empty value (expected tp=V1,V2,...)");
  EXPECT_EQ(error_of({"hw="}), "sweep hw=: an empty value (expected hw=V1,V2,...)");
  EXPECT_EQ(error_of({"tp=1", "tp=2"}), "sweep: tp= given twice; list its values once");
}

TEST(SweepAxes, AHugeSweepIsRefusedNotStarted) {
  std::string many = "1";
  for (int i = 2; i <= 1000; ++i) many += "," + std::to_string(i);
  EXPECT_EQ(error_of({"batch=" + many, "input-tokens=" + many, "output-tokens=1,2"}),
            "sweep: 2000000 configurations, more than the 1000000 allowed; split the sweep");
}

}  // namespace
}  // namespace genz::cli
