// genz predict --spec-draft/--spec-eagle/--mtp: the drafter's session beside
// the target's, what it adds to memory, and the speculative decode step.
#pragma once

#include <memory>
#include <ostream>

#include "genz/engine/speculative.hpp"
#include "options.hpp"
#include "session.hpp"

namespace genz::cli {

struct Speculation {
  SpecConfig config;
  std::unique_ptr<Session> drafter;
  SpecStep step;  // at the answer's mean context (time_speculation)
  double context = 0;
  double extra_bytes = 0;         // per GPU: the drafter's weights (not shared with the target) and KV cache
  double weight_bytes = 0;        // per GPU: the drafter's weights not shared with the target
  double kv_bytes_per_token = 0;  // per GPU: the drafter's KV cache
};

/// Whether the flags ask for a drafter.
bool speculating(const Options& o);
/// The drafting the flags ask for (k 0: none), before any model is opened.
SpecConfig spec_config(const Options& o);

/// Nothing when no drafter is asked for. Throws InputError for a drafter
/// that cannot draft for `target` (another vocabulary, MTP on a model
/// without it) or that does not fit beside it.
std::unique_ptr<Speculation> open_speculation(const Options& o, std::shared_ptr<const PluginRegistry> registry,
                                              Session& target, const Request& r);

/// genz predict: the draft, verify and plain steps at `r`'s mean context,
/// and the drafter's prefill.
void time_speculation(Speculation& s, Session& target, const Request& r);

/// The lines under the prediction: drafter, tokens per step, step times.
void print_speculation(std::ostream& os, const Speculation& s);
/// --breakdown: the draft step's and the verify step's operators.
void print_speculation_breakdown(std::ostream& os, Session& target, Speculation& s, const Request& r);

}  // namespace genz::cli
