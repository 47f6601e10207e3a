#include "genz/calibration/accuracy.hpp"

#include <algorithm>
#include <cmath>

namespace genz {
namespace {

// Linear interpolation between order statistics (numpy's default).
double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const std::size_t lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n = x.size();
  if (n < 2) return 0;
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < n; ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= static_cast<double>(n);
  my /= static_cast<double>(n);
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 0;
}

}  // namespace

void AccuracyAccumulator::add(const Prediction& p, const Measurement& m) {
  auto put = [](Series& s, bool has, double pred, double meas) {
    if (!has) return;
    s.predicted.push_back(pred);
    s.measured.push_back(meas);
  };
  put(series_[0], m.has_ttft, p.ttft, m.ttft);
  put(series_[1], m.has_tpot, p.tpot, m.tpot);
  put(series_[2], m.has_e2e, p.e2e, m.e2e);
}

bool AccuracyAccumulator::empty() const noexcept {
  return series_[0].measured.empty() && series_[1].measured.empty() && series_[2].measured.empty();
}

std::vector<MetricAccuracy> AccuracyAccumulator::summarize() const {
  static const char* names[] = {"TTFT", "TPOT", "E2E"};
  std::vector<MetricAccuracy> out;
  for (int i = 0; i < 3; ++i)
    if (!series_[i].measured.empty())
      out.push_back(summarize_metric(names[i], series_[i].predicted, series_[i].measured));
  return out;
}

MetricAccuracy summarize_metric(const std::string& name, const std::vector<double>& predicted,
                                const std::vector<double>& measured) {
  MetricAccuracy a;
  a.metric = name;
  a.n = measured.size();
  if (a.n == 0) return a;
  std::vector<double> abs_err;
  double sum_abs = 0, sum_signed = 0, over = 0;
  for (std::size_t i = 0; i < a.n; ++i) {
    const double e = relative_error_pct(predicted[i], measured[i]);
    abs_err.push_back(std::fabs(e));
    sum_abs += std::fabs(e);
    sum_signed += e;
    if (std::fabs(e) > 20) over += 1;
  }
  const double n = static_cast<double>(a.n);
  a.mape = sum_abs / n;
  a.median = percentile(abs_err, 0.5);
  a.p90 = percentile(abs_err, 0.9);
  a.max = *std::max_element(abs_err.begin(), abs_err.end());
  a.over_20pct = over / n * 100.0;
  a.pearson = pearson(predicted, measured);
  a.bias = sum_signed / n;
  return a;
}

double inconsistency(const Measurement& m, double output_tokens) {
  if (!(m.has_ttft && m.has_tpot && m.has_e2e) || output_tokens < 2) return 0;
  const double implied = m.ttft + (output_tokens - 1) * m.tpot;
  const double d = implied - m.e2e;
  // Three-decimal CSV values leave (n-1) * 0.5 us of rounding in the sum.
  const double tolerance = std::max(0.5e-3 + (output_tokens - 1) * 0.5e-6, 0.02 * m.ttft);
  return std::fabs(d) > tolerance ? d : 0;
}

}  // namespace genz
