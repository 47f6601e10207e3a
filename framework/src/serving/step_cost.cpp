#include "genz/serving/step_cost.hpp"

#include <algorithm>
#include <cmath>

namespace genz {
namespace {

// Prefill shapes kept at once: a run sees at most max-tokens distinct step
// sizes, so this bound is only reached by unusual flags; it keeps memory flat.
constexpr std::size_t kMaxPrefillShapes = 16384;
// The token grid: every count up to kDense, then the ends of each run of
// kAlign counts. GEMM kernels change their tiling (rows of CTA tiles, waves)
// only at multiples of kAlign rows (gemm_kernel.hpp's tiles are 32, 64 or
// 128 rows tall), so between those ends a step's time is smooth in its tokens.
constexpr double kDense = 64, kAlign = 32;
// Decode steps of several sequences: contexts tabulated this far apart.
constexpr double kContextStep = 16;

// The grid points around `tokens` (equal when it is one).
std::pair<double, double> grid_around(double tokens) {
  if (tokens <= kDense) return {tokens, tokens};
  const double run = std::floor((tokens - 1) / kAlign);
  const double lo = run * kAlign + 1, hi = (run + 1) * kAlign;
  if (tokens == lo || tokens == hi) return {tokens, tokens};
  return {lo, hi};
}

double lerp(double x, double x0, double x1, double y0, double y1) {
  return x1 == x0 ? y0 : y0 + (y1 - y0) * (x - x0) / (x1 - x0);
}

}  // namespace

struct StepCost::Shape {
  std::unique_ptr<StepModel> model;
  double fixed = 0;  // the step without its context-dependent operators
};

// A decode step of B sequences along the context: exact values memoized at
// multiples of kContextStep (latency and its context-dependent part).
struct StepCost::DecodeLine {
  std::unique_ptr<StepModel> model;
  std::vector<double> latency, dynamic;  // NaN: not computed yet
};

StepCost::StepCost(Components c)
    : c_(std::move(c)), host_(host_costs(*c_.engine, c_.hardware->spec())), predictor_(c_) {}
StepCost::~StepCost() = default;

std::unique_ptr<StepModel> StepCost::build(Phase phase, double batch, double tokens) {
  return predictor_.step_model(phase, batch, tokens);
}

StepCost::Shape& StepCost::prefill(double tokens) {
  const auto key = static_cast<unsigned>(tokens);
  auto it = prefill_.find(key);
  if (it != prefill_.end()) return *it->second;
  if (prefill_.size() >= kMaxPrefillShapes) prefill_.clear();
  auto s = std::make_unique<Shape>();
  s->model = build(Phase::prefill, 1, tokens);
  const StepPoint p = s->model->at(0);
  s->fixed = p.latency - p.dynamic;
  return *prefill_.emplace(key, std::move(s)).first->second;
}

void StepCost::speculate(unsigned k, std::unique_ptr<StepCost> drafter) {
  spec_k_ = drafter ? k : 0;
  drafter_ = std::move(drafter);
  verify_.clear();
}

StepCost::DecodeLine& StepCost::decode(unsigned seqs, bool verify) {
  auto& lines = verify ? verify_ : decode_;
  if (lines.size() < seqs) lines.resize(seqs);
  auto& slot = lines[seqs - 1];
  if (!slot) {
    slot = std::make_unique<DecodeLine>();
    slot->model = build(Phase::decode, seqs, verify ? spec_k_ + 1 : 1);
  }
  return *slot;
}

double StepCost::decode_point(unsigned seqs, double context, bool dynamic_only, bool verify) {
  DecodeLine& line = decode(seqs, verify);
  if (seqs == 1) {
    const StepPoint p = line.model->at(context);
    return dynamic_only ? p.dynamic : p.latency;
  }
  const double k0 = std::floor(context / kContextStep);
  double y[2][2];
  for (int j = 0; j < 2; ++j) {
    const auto k = static_cast<std::size_t>(k0) + static_cast<std::size_t>(j);
    if (line.latency.size() <= k) {
      line.latency.resize(k + 1, std::nan(""));
      line.dynamic.resize(k + 1, std::nan(""));
    }
    if (std::isnan(line.latency[k])) {
      const StepPoint p = line.model->at(static_cast<double>(k) * kContextStep);
      line.latency[k] = p.latency;
      line.dynamic[k] = p.dynamic;
    }
    y[j][0] = line.latency[k];
    y[j][1] = line.dynamic[k];
  }
  const int f = dynamic_only ? 1 : 0;
  return lerp(context, k0 * kContextStep, (k0 + 1) * kContextStep, y[0][f], y[1][f]);
}

double StepCost::fixed_exact(double tokens) {
  return prefill(tokens).fixed;
}

double StepCost::fixed_on_grid(double tokens) {
  const auto [lo, hi] = grid_around(tokens);
  if (lo == hi) return prefill(tokens).fixed;
  return lerp(tokens, lo, hi, prefill(lo).fixed, prefill(hi).fixed);
}

double StepCost::attention_on_grid(const Chunk& c) {
  const auto [lo, hi] = grid_around(c.tokens);
  const double a = prefill(lo).model->at(c.cached).dynamic;
  if (lo == hi) return a;
  return lerp(c.tokens, lo, hi, a, prefill(hi).model->at(c.cached).dynamic);
}

// The drafter's share of a speculative step: its k decode steps for the
// step's decodes, and the step's prompt chunks (it keeps its own cache).
double StepCost::draft_time(const StepShape& s, const std::vector<Chunk>& chunks, double mean_context) {
  double t = 0;
  if (!chunks.empty()) {
    StepShape prompts;
    prompts.prefill_tokens = s.prefill_tokens;
    t += drafter_->time(prompts, chunks);
  }
  if (s.decode_seqs > 0) t += spec_k_ * drafter_->decode_point(s.decode_seqs, mean_context, false);
  return t;
}

double StepCost::time(const StepShape& s, const std::vector<Chunk>& chunks) {
  double t = s.new_requests * host_.per_request;
  const double mean_context = s.decode_seqs > 0 ? s.decode_context / s.decode_seqs : 0;
  const bool verify = spec_k_ > 0;
  if (verify) t += draft_time(s, chunks, mean_context);
  if (chunks.empty()) return s.decode_seqs == 0 ? t : t + decode_point(s.decode_seqs, mean_context, false, verify);
  if (chunks.size() == 1 && s.decode_seqs == 0) {
    // One sequence's prefill alone: exactly the prefill `genz` predicts.
    const Shape& one = prefill(s.prefill_tokens);
    return t + one.fixed + one.model->at(chunks[0].cached).dynamic;
  }
  // The prefill shape was built for one sequence: the others' CPU cost.
  const double others = static_cast<double>(chunks.size()) + s.decode_seqs - 1.0;
  const double query = 1.0 + spec_k_;  // tokens per decode sequence
  t += fixed_on_grid(s.prefill_tokens + s.decode_seqs * query) + others * c_.engine->step_overhead_per_seq;
  for (const Chunk& c : chunks) t += attention_on_grid(c);
  if (s.decode_seqs > 0) {
    DecodeLine& line = decode(s.decode_seqs, verify);
    t += decode_point(s.decode_seqs, mean_context, true, verify) +
         line.model->batch_layer_cost(Phase::decode, s.decode_seqs);
  }
  return t;
}

Prediction StepCost::predict(const Request& r) {
  return predictor_.predict(r);
}

}  // namespace genz
