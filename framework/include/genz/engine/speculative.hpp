// Speculative decoding: per step a drafter proposes k tokens, one step of the
// target verifies all k + 1 positions at once (its query is k + 1 tokens per
// sequence, its logits k + 1 rows), and each sequence keeps the accepted
// prefix plus the target's own next token.
//
//   drafters: a draft model (any model genz knows, on the same GPUs), an
//   EAGLE head (one decoder layer of the target's shape on the target's
//   embedding and head), or DeepSeek's MTP modules (one MoE layer each).
//   tokens per step: E = 1 + sum_{i=1..k} prod_{j<=i} a_j, with a_j the
//   acceptance of position j given the earlier ones were accepted.
//   TPOT = (k x draft step + verify step) / E.
#pragma once

#include <string>
#include <vector>

#include "genz/engine/predictor.hpp"

namespace genz {

enum class SpecKind { draft, eagle, mtp };

struct SpecConfig {
  SpecKind kind = SpecKind::draft;
  unsigned k = 0;              // draft tokens per step
  std::vector<double> accept;  // per position (one value: every position)
  std::string drafter;         // what drafts, for reports: "llama3_8b", "EAGLE head", "MTP module"

  /// The acceptance of position i (1-based).
  double acceptance(unsigned i) const;
  /// P(the first j drafted tokens are all accepted), for j = 1..k.
  std::vector<double> survival() const;
  /// Tokens a sequence gains per step, the verified one included.
  double expected_tokens() const;
  /// Their variance.
  double tokens_variance() const;
};

/// One speculative step at `context` cached tokens, for `rows` sequences.
struct SpecStep {
  unsigned k = 0;
  StepPoint draft;          // one drafter step
  StepPoint verify;         // the target over k + 1 tokens
  StepPoint plain;          // the target's own decode step, for comparison
  double tokens = 1;        // expected tokens per step
  StepPoint draft_prefill;  // the drafter runs the prompt too (it keeps its own cache)
  double seconds() const { return k * draft.latency + verify.latency; }
};

SpecStep spec_step(Predictor& target, Predictor& drafter, const SpecConfig& s, double rows, double context);

/// A plain prediction of `r` made speculative: the drafter's prefill added
/// to TTFT; TPOT, E2E, decode throughput and the decode split from the
/// step at the answer's mean context.
void apply_speculation(Prediction& p, const Request& r, const SpecStep& step);

}  // namespace genz
