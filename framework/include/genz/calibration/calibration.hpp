// Fitting a hardware description's achieved characteristics to measurements.
//
// Which parameters are fitted depends on the data given:
//   GEMM timings         compute fraction, bandwidth fraction, kernel overhead,
//                        overlap exponent
//   collective timings   intra-node link latency and efficiency
//   request traces       the GEMM parameters, per-CTA bandwidth, the engine's
//                        CPU time per kernel and per request, and the link's
//                        latency and efficiency when a trace uses several GPUs
// Everything else keeps its data-sheet (or starting) value.
#pragma once

#include <string>
#include <vector>

#include "genz/engine/engine_profile.hpp"
#include "genz/io/operator_tables.hpp"
#include "genz/engine/predictor.hpp"
#include "genz/sdk/hardware_spec.hpp"
#include "genz/engine/step_model.hpp"
#include "genz/io/trace_reader.hpp"

namespace genz {

struct TraceSet {
  std::string path;
  Parallelism parallel;
  std::vector<TraceRow> rows;
};

struct CalibrationData {
  std::vector<TraceSet> traces;
  std::vector<GemmSample> gemms;
  std::vector<CollectiveSample> collectives;  // inside one node
  std::string gemm_source, collective_source;
};

/// What the fit holds fixed.
struct CalibrationContext {
  const Model* model = nullptr;  // for traces
  const CommBackend* comm = nullptr;
  const EngineProfile* engine = nullptr;
  Precision precision;
  PluginNames names;
};

struct FittedParam {
  std::string name;
  double value = 0;
  bool at_bound = false;
};

struct ErrorStat {
  std::string dataset, metric;
  std::size_t n = 0;
  double mape = 0, median = 0, p90 = 0, max = 0;
};

struct CalibrationResult {
  HardwareSpec spec;
  std::vector<FittedParam> params;
  std::vector<ErrorStat> fit;           // on the data it was fitted to
  std::vector<ErrorStat> holdout;       // k-fold cross-validation, held-out samples
  std::vector<ErrorStat> cross_layout;  // fitted without a dataset (a trace, a model's GEMMs), it predicted
  std::vector<std::string> warnings;
};

/// Throws InputError when the data are too few for the parameters, or the fit
/// stays far from the data (a wrong layout, engine or hardware, not a model
/// of this machine).
CalibrationResult calibrate(const HardwareSpec& start, const CalibrationContext& ctx, const CalibrationData& data,
                            unsigned folds);

/// Errors of a hardware description on the data, per dataset and metric.
std::vector<ErrorStat> evaluate(const HardwareSpec& spec, const CalibrationContext& ctx, const CalibrationData& data);

}  // namespace genz
