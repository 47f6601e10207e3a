// Error statistics of predictions against measurements, per metric.
#pragma once

#include <string>
#include <vector>

#include "genz/sdk/report.hpp"

namespace genz {

class AccuracyAccumulator {
 public:
  void add(const Prediction& p, const Measurement& m);
  /// TTFT, TPOT and E2E (metrics without any measurement are left out).
  std::vector<MetricAccuracy> summarize() const;
  bool empty() const noexcept;

 private:
  struct Series {
    std::vector<double> predicted, measured;
  };
  Series series_[3];
};

MetricAccuracy summarize_metric(const std::string& name, const std::vector<double>& predicted,
                                const std::vector<double>& measured);

/// Measured TTFT + (output - 1) * TPOT differs from measured E2E by more than
/// 2 % of the TTFT (a measurement artefact the trace carries; consistent rows
/// agree to rounding): the difference in seconds, else 0.
double inconsistency(const Measurement& m, double output_tokens);

}  // namespace genz
