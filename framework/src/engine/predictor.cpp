#include "genz/engine/predictor.hpp"

#include <algorithm>
#include <cmath>

#include "genz/host/error.hpp"
#include "genz/host/plugin_guard.hpp"

namespace genz {
namespace {

// Decode steps are tabulated per context up to this many cached tokens; past
// it (or for one-off predictions with long outputs) they are sampled.
constexpr double kTableLimit = 1 << 19;
constexpr double kDirectLimit = 4096;
constexpr int kSamples = 1024;
// One-off predictions time every 8th decode step and integrate the linear
// interpolant in between: a step's time is affine in the context between the
// kinks of its maxima and split-K chunks, and segments holding a kink are
// timed step by step, so the sum is exact (predictor_test).
constexpr double kStride = 8;

struct StepSum {
  double latency = 0;
  GroupSplit split{};
  double host_bound_steps = 0;
};

void accumulate(StepSum& s, double value, const StepPoint& p, double weight) {
  s.latency += weight * value;
  // When the filled pipeline, not one micro-batch's path, sets the pace,
  // scale the split so it still adds up to the step time.
  const double scale = p.latency > 0 ? value / p.latency : 1.0;
  for (int g = 0; g < kOpGroupCount; ++g) s.split[g] += weight * scale * p.split[g];
  s.host_bound_steps += weight * (p.host_bound ? 1.0 : 0.0);
}

}  // namespace

class Predictor::DecodeCurve {
 public:
  DecodeCurve(std::unique_ptr<StepModel> model, unsigned micro) : model_(std::move(model)), micro_(micro) {
    prefix_.push_back({});
  }

  /// Sum of the steps whose cache holds first, first + 1, ..., first + count - 1 tokens.
  StepSum sum(double first, double count, bool tables) {
    StepSum s;
    if (count <= 0) return s;
    const double last = first + count;
    if (tables && last <= kTableLimit) {
      extend(static_cast<std::size_t>(last));
      const StepSum& a = prefix_[static_cast<std::size_t>(first)];
      const StepSum& b = prefix_[static_cast<std::size_t>(last)];
      s.latency = b.latency - a.latency;
      for (int g = 0; g < kOpGroupCount; ++g) s.split[g] = b.split[g] - a.split[g];
      s.host_bound_steps = b.host_bound_steps - a.host_bound_steps;
      return s;
    }
    if (count <= 2 * kStride) {
      for (double x = first; x < last; x += 1) add(s, x, 1.0);
      return s;
    }
    if (count <= kDirectLimit) return strided(first, last);
    // Trapezoid rule over evenly spaced contexts; step time is smooth and
    // piecewise linear in the context, so the error is far below 0.1 %.
    const double step = (count - 1) / (kSamples - 1);
    for (int i = 0; i < kSamples; ++i) {
      const double w = (i == 0 || i == kSamples - 1) ? 0.5 : 1.0;
      add(s, std::round(first + i * step), w * count / (kSamples - 1));
    }
    return s;
  }

  StepModel& model() { return *model_; }

 private:
  double value(const StepPoint& p) const { return std::max(p.latency, micro_ * p.max_stage); }

  // Steps first .. last - 1 from every kStride-th one: each segment's steps
  // are the chord's (weights (n + 1) / 2 and (n - 1) / 2 on its ends) where
  // the step time is affine in the context, which a chord sharing its slope
  // with a neighbour's proves (a kink inside would bend it); a segment with
  // a kink (a new split-K chunk, a bound changing) has its steps timed.
  StepSum strided(double first, double last) {
    xs_.clear();
    points_.clear();
    for (double x = first; x < last - 1; x = std::min(x + kStride, last - 1)) xs_.push_back(x);
    xs_.push_back(last - 1);
    for (double x : xs_) points_.push_back(model_->at(x));
    StepSum s;
    const std::size_t segments = xs_.size() - 1;
    for (std::size_t i = 0; i < segments; ++i) {
      const double n = xs_[i + 1] - xs_[i];
      if (affine(i, segments)) {
        accumulate(s, value(points_[i]), points_[i], (n + 1) / 2);
        accumulate(s, value(points_[i + 1]), points_[i + 1], (n - 1) / 2);
      } else {
        accumulate(s, value(points_[i]), points_[i], 1.0);
        for (double x = xs_[i] + 1; x < xs_[i + 1]; x += 1) add(s, x, 1.0);
      }
    }
    accumulate(s, value(points_.back()), points_.back(), 1.0);
    return s;
  }
  double slope(std::size_t i) const { return (value(points_[i + 1]) - value(points_[i])) / (xs_[i + 1] - xs_[i]); }
  bool affine(std::size_t i, std::size_t segments) const {
    if (xs_[i + 1] - xs_[i] <= 1) return true;
    const double tolerance = 1e-12 * std::abs(value(points_[i]));
    const double own = slope(i);
    const auto same = [&](std::size_t j) { return std::abs(own - slope(j)) * kStride <= tolerance; };
    return (i > 0 && same(i - 1)) || (i + 1 < segments && same(i + 1));
  }
  void add(StepSum& s, double context, double weight) {
    const StepPoint p = model_->at(context);
    accumulate(s, value(p), p, weight);
  }
  void extend(std::size_t upto) {
    prefix_.reserve(upto + 1);
    while (prefix_.size() <= upto) {
      StepSum next = prefix_.back();
      add(next, static_cast<double>(prefix_.size() - 1), 1.0);
      prefix_.push_back(next);
    }
  }

  std::unique_ptr<StepModel> model_;
  unsigned micro_;
  std::vector<StepSum> prefix_;  // prefix_[x]: sum of steps with context < x
  std::vector<double> xs_;       // strided(): the sampled contexts
  std::vector<StepPoint> points_;
};

Predictor::Predictor(Components c) : c_(std::move(c)), host_(host_costs(*c_.engine, c_.hardware->spec())) {}
Predictor::~Predictor() = default;

std::unique_ptr<StepModel> Predictor::new_step_model() const {
  return std::make_unique<StepModel>(*c_.hardware, *c_.comm, *c_.engine, c_.layout, host_, c_.names, c_.cpu);
}

BuildRequest Predictor::build_request(Phase phase, double batch, double tokens, double context) const {
  BuildRequest b;
  b.phase = phase;
  b.batch = batch;
  b.tokens = tokens;
  b.context = context;
  b.parallel = c_.layout.parallel;
  b.precision = c_.precision;
  b.traits = c_.engine->traits;
  return b;
}

unsigned Predictor::micro_batches(const Request& r) const noexcept {
  const double pp = c_.layout.parallel.pp;
  return static_cast<unsigned>(std::max(1.0, std::min(r.batch, pp)));
}

std::unique_ptr<StepModel> Predictor::step_model(Phase phase, double batch, double tokens) {
  const BuildRequest req = build_request(phase, batch, tokens, 0);
  Status st;
  {
    PluginCall guard(c_.names.model.c_str());
    st = c_.model->build(req, scratch_graph_);
  }
  if (!st)
    throw Error("model plugin '" + c_.names.model + "' could not build " +
                (phase == Phase::prefill ? "the prefill: " : "a decode step: ") + st.message);
  auto m = new_step_model();
  m->load(scratch_graph_, phase, 0, batch);
  return m;
}

// Only the prefill's result is kept per prompt length: a trace has a few
// thousand distinct lengths, and its memory must not grow with the trace.
StepPoint Predictor::prefill_point(double batch, double tokens, double cached) {
  if (prefill_cache_.size() > 65536) prefill_cache_.clear();
  const auto key = std::make_tuple(batch, tokens, cached);
  const auto it = prefill_cache_.find(key);
  if (it != prefill_cache_.end()) return it->second;
  const auto model = step_model(Phase::prefill, batch, tokens - cached);
  const StepPoint p = cached > 0 ? model->at(cached) : model->at_built();
  prefill_cache_.emplace(key, p);
  return p;
}

Predictor::DecodeCurve& Predictor::decode_curve(double rows, unsigned micro) {
  auto& slot = decode_cache_[{rows, micro}];
  if (!slot) slot = std::make_unique<DecodeCurve>(step_model(Phase::decode, rows, 1), micro);
  return *slot;
}

Prediction Predictor::predict(const Request& r) {
  Prediction out;
  const unsigned m = micro_batches(r);
  const double prompt_rows = c_.engine->beam_copies_prompt ? r.batch * r.beam : r.batch;
  const double per_micro = std::ceil(prompt_rows / m);
  const StepPoint pre = prefill_point(per_micro, r.input, std::min(r.cached, r.input - 1));
  const double pipelined = pre.latency + (m - 1) * pre.max_stage;
  out.ttft = host_.per_request + pipelined + c_.engine->server_latency;
  const double scale = pre.latency > 0 ? pipelined / pre.latency : 1.0;
  for (int g = 0; g < kOpGroupCount; ++g) out.prefill[g] = pre.split[g] * scale;
  out.prefill[static_cast<int>(OpGroup::other)] += host_.per_request + c_.engine->server_latency;

  const double steps = r.output - 1;
  if (steps >= 1) {
    const double rows = std::ceil(r.batch * r.beam / m);
    const StepSum s = decode_curve(rows, m).sum(r.input, steps, tables_);
    out.tpot = s.latency / steps;
    for (int g = 0; g < kOpGroupCount; ++g) out.decode[g] = s.split[g] / steps;
    out.host_bound_share = s.host_bound_steps / steps;
    out.decode_throughput = out.tpot > 0 ? r.batch / out.tpot : 0;
  }
  out.e2e = out.ttft + steps * out.tpot;
  out.prefill_throughput = out.ttft > 0 ? r.batch * r.input / out.ttft : 0;
  return out;
}

std::vector<OpLine> Predictor::prefill_breakdown(const Request& r) {
  const double prompt_rows = c_.engine->beam_copies_prompt ? r.batch * r.beam : r.batch;
  const double cached = std::min(r.cached, r.input - 1);
  return step_model(Phase::prefill, std::ceil(prompt_rows / micro_batches(r)), r.input - cached)->breakdown(cached);
}

std::vector<OpLine> Predictor::decode_breakdown(const Request& r, double context) {
  const unsigned m = micro_batches(r);
  return decode_curve(std::ceil(r.batch * r.beam / m), m).model().breakdown(context);
}

void check_request(const Request& r, const ModelInfo& info) {
  auto whole = [](double v) { return std::isfinite(v) && v == std::floor(v); };
  if (!whole(r.input) || r.input < 1) throw InputError("input tokens must be a whole number >= 1");
  if (!whole(r.output) || r.output < 1) throw InputError("output tokens must be a whole number >= 1");
  if (!whole(r.batch) || r.batch < 1) throw InputError("batch size must be a whole number >= 1");
  if (!whole(r.beam) || r.beam < 1) throw InputError("beam width must be a whole number >= 1");
  const double limit = 1e9;  // beyond this counts no longer fit a double's exact integers in products
  if (r.input > limit || r.output > limit || r.batch * r.beam > limit)
    throw InputError("request too large: tokens and batch * beam must each be at most 1e9");
  if (!whole(r.cached) || r.cached < 0 || r.cached > r.input)
    throw InputError("the cached prefix must be a whole number of tokens from 0 to the prompt's " +
                     std::to_string(static_cast<long long>(r.input)) + ", found " + std::to_string(r.cached));
  (void)info;
}

}  // namespace genz
