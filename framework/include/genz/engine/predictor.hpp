// From a request (input and output tokens, batch, beam) to its predicted
// latencies and throughputs.
//
//   TTFT = CPU setup + prefill of the input (which yields the first token)
//   TPOT = mean decode step over the output - 1 steps after the first token,
//          the cache growing from input + 1 to input + output - 1 tokens
//   E2E  = TTFT + (output - 1) * TPOT
//
// With pipeline parallelism and batch > 1 the batch is split into
// min(batch, pp) micro-batches that fill the pipeline.
#pragma once

#include <map>
#include <memory>
#include <tuple>
#include <vector>

#include "genz/engine/engine_profile.hpp"
#include "genz/engine/layout.hpp"
#include "genz/engine/step_model.hpp"
#include "genz/sdk/comm.hpp"
#include "genz/sdk/hardware.hpp"
#include "genz/sdk/model.hpp"
#include "genz/sdk/report.hpp"

namespace genz {

struct Request {
  double input = 1;
  double output = 1;
  double batch = 1;
  double beam = 1;
  // Prompt tokens whose KV cache is already there (prefix caching): the
  // prefill computes the rest, attending to them. At most input; a prompt
  // cached whole still computes its last token (for the first logits).
  double cached = 0;
};

struct Components {
  const Model* model = nullptr;
  const Hardware* hardware = nullptr;
  const CommBackend* comm = nullptr;
  const EngineProfile* engine = nullptr;
  Layout layout;
  Precision precision;
  PluginNames names;
  HostSide cpu;  // set when the layout offloads to the CPU
};

class Predictor {
 public:
  explicit Predictor(Components c);
  ~Predictor();
  Predictor(const Predictor&) = delete;
  Predictor& operator=(const Predictor&) = delete;

  /// Reuse decode step times across requests (trace mode): after the first
  /// requests each prediction costs a few table lookups.
  void enable_tables(bool on) noexcept { tables_ = on; }

  Prediction predict(const Request& r);

  unsigned micro_batches(const Request& r) const noexcept;
  /// Operators of the prefill, and of the decode step at `context` cached tokens.
  std::vector<OpLine> prefill_breakdown(const Request& r);
  std::vector<OpLine> decode_breakdown(const Request& r, double context);
  const Components& components() const noexcept { return c_; }
  /// The step model of a prefill (or decode step) of `batch` sequences of
  /// `tokens` tokens, loaded at context 0 (the serving simulation builds its
  /// shapes with it).
  std::unique_ptr<StepModel> step_model(Phase phase, double batch, double tokens);

 private:
  class DecodeCurve;
  BuildRequest build_request(Phase phase, double batch, double tokens, double context) const;
  StepPoint prefill_point(double batch, double tokens, double cached);
  DecodeCurve& decode_curve(double rows, unsigned micro);
  std::unique_ptr<StepModel> new_step_model() const;

  Components c_;
  HostCosts host_;
  bool tables_ = false;
  Graph scratch_graph_;
  std::map<std::tuple<double, double, double>, StepPoint> prefill_cache_;
  std::map<std::pair<double, unsigned>, std::unique_ptr<DecodeCurve>> decode_cache_;
};

void check_request(const Request& r, const ModelInfo& info);

}  // namespace genz
