#include "genz/engine/speculative.hpp"

namespace genz {

double SpecConfig::acceptance(unsigned i) const {
  if (accept.empty()) return 0;
  return i <= accept.size() ? accept[i - 1] : accept.back();
}

double SpecConfig::expected_tokens() const {
  double tokens = 1, run = 1;
  for (unsigned i = 1; i <= k; ++i) {
    run *= acceptance(i);
    tokens += run;
  }
  return tokens;
}

double SpecConfig::tokens_variance() const {
  // P(N >= n + 1) is the chance the first n drafts are all accepted.
  double run = 1, mean = 1, square = 1;
  for (unsigned i = 1; i <= k; ++i) {
    run *= acceptance(i);
    mean += run;
    square += (2.0 * i + 1) * run;  // E[N^2] = sum over n of (2n - 1) P(N >= n)
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
