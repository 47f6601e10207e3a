// The time of one serving step from its composition: the prefill chunks it
// runs (tokens, and the tokens already cached before each chunk) and the
// decode sequences it advances (their summed context).
//
// The operator graphs are built once per distinct shape and kept:
//   - a decode-only step of B sequences is the engine's decode step for a
//     batch of B at their mean context (what `genz` predicts per token);
//   - a step with prefill runs its context-independent operators (GEMMs,
//     norms, collectives) once over all T tokens of the step, as engines
//     concatenate them, plus the attention of each chunk at its own cache
//     length and the attention of the decode sequences.
// So one request alone gets exactly the single-request prediction: its
// prefill is the prefill of `genz`, each decode step the decode step of
// `genz` at that context (serving tests check it).
//
// Speed: a step that mixes several sequences interpolates its prefill part
// between token counts on a grid (every count up to 64, then both ends of
// each run of 32 counts, where GEMM kernels keep their tiling; each built
// once) instead of building a graph per distinct size; decode steps of
// several sequences interpolate between contexts 16 tokens apart. Step times
// are smooth in both between grid points, so this moves them by less than
// 0.1 % (step_cost_test); a step of one sequence is always computed exactly.
//
// Speculative decoding (speculate): a step's decode sequences each run k
// drafter steps and one verify step of k + 1 query tokens in the target;
// its prompts also run through the drafter, which needs their cache.
#pragma once

#include <memory>
#include <unordered_map>
#include <vector>

#include "genz/engine/predictor.hpp"
#include "genz/engine/step_model.hpp"

namespace genz {

/// One prefill chunk: `tokens` of a prompt after `cached` already in the cache.
struct Chunk {
  double tokens = 0, cached = 0;
};

/// What one step runs, as the compact aggregate the cost needs.
struct StepShape {
  double prefill_tokens = 0;  // all prefill chunks together
  unsigned decode_seqs = 0;   // sequences advanced by one token
  double decode_context = 0;  // their cached tokens, summed
  unsigned new_requests = 0;  // requests whose first chunk runs now (CPU setup)
};

class StepCost {
 public:
  explicit StepCost(Components c);
  ~StepCost();
  StepCost(const StepCost&) = delete;
  StepCost& operator=(const StepCost&) = delete;

  /// Seconds of the step that runs `chunks` (their tokens summed in
  /// s.prefill_tokens) and s.decode_seqs decodes.
  double time(const StepShape& s, const std::vector<Chunk>& chunks);

  /// Every decode becomes k steps of `drafter` (a draft model, an EAGLE
  /// head, MTP modules) and a verify step of k + 1 tokens per sequence.
  void speculate(unsigned k, std::unique_ptr<StepCost> drafter);
  unsigned spec_k() const noexcept { return spec_k_; }

  /// The single-request prediction, for checks.
  Prediction predict(const Request& r);
  /// The prefill part of a step of `tokens` without attention: built for
  /// exactly that size, and interpolated on the token grid (for checks).
  double fixed_exact(double tokens);
  double fixed_on_grid(double tokens);

 private:
  struct Shape;
  struct DecodeLine;
  Shape& prefill(double tokens);
  DecodeLine& decode(unsigned seqs, bool verify);
  double decode_point(unsigned seqs, double context, bool dynamic_only, bool verify = false);
  double draft_time(const StepShape& s, const std::vector<Chunk>& chunks, double mean_context);
  double attention_on_grid(const Chunk& c);
  std::unique_ptr<StepModel> build(Phase phase, double batch, double tokens);

  Components c_;
  HostCosts host_;
  Predictor predictor_;
  std::unordered_map<unsigned, std::unique_ptr<Shape>> prefill_;
  std::vector<std::unique_ptr<DecodeLine>> decode_;  // by batch - 1
  std::vector<std::unique_ptr<DecodeLine>> verify_;  // k + 1 tokens per sequence, by batch - 1
  unsigned spec_k_ = 0;
  std::unique_ptr<StepCost> drafter_;
};

}  // namespace genz
