#include "genz/engine/speculative.hpp"

namespace genz {

double SpecConfig::acceptance(unsigned i) const {
  if (accept.empty()) return 0;
  return i <= accept.size() ? accept[i - 1] : accept.back();
}

std::vector<double> SpecConfig::survival() const {
  std::vector<double> out;
  double run = 1;
  for (unsigned i = 1; i <= k; ++i) out.push_back(run *= acceptance(i));
  return out;
}

double SpecConfig::expected_tokens() const {
  double tokens = 1;
  for (double p : survival()) tokens += p;
  return tokens;
}

double SpecConfig::tokens_variance() const {
  // survival()[n - 1] = P(N >= n + 1); E[N^2] = sum over n of (2n - 1) P(N >= n).
  double mean = 1, square = 1, n = 1;
  for (double p : survival()) {
    n += 1;
    mean += p;
    square += (2 * n - 1) * p;
  }
  return square - mean * mean;
}

SpecStep spec_step(Predictor& target, Predictor& drafter, const SpecConfig& s, double rows, double context) {
  SpecStep out;
  out.k = s.k;
  out.tokens = s.expected_tokens();
  out.draft = drafter.step_model(Phase::decode, rows, 1)->at(context);
  out.verify = target.step_model(Phase::decode, rows, s.k + 1)->at(context);
  out.plain = target.step_model(Phase::decode, rows, 1)->at(context);
  return out;
}

void apply_speculation(Prediction& p, const Request& r, const SpecStep& step) {
  p.ttft += step.draft_prefill.latency;
  for (int g = 0; g < kOpGroupCount; ++g) p.prefill[g] += step.draft_prefill.split[g];
  const double steps = r.output - 1;
  p.e2e = p.ttft + steps * p.tpot;
  if (steps < 1) return;
  p.tpot = step.seconds() / step.tokens;
  for (int g = 0; g < kOpGroupCount; ++g)
    p.decode[g] = (step.k * step.draft.split[g] + step.verify.split[g]) / step.tokens;
  p.e2e = p.ttft + steps * p.tpot;
  p.decode_throughput = p.tpot > 0 ? r.batch / p.tpot : 0;
  p.host_bound_share = step.verify.host_bound ? 1 : 0;
}

}  // namespace genz
