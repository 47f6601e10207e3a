#include "speculation.hpp"

#include <cmath>
#include <cstdio>

#include "genz/host/error.hpp"
#include "genz/serving/kv_capacity.hpp"
#include "text_output.hpp"

namespace genz::cli {
namespace {

SpecConfig drafting_of(const Options& o) {
  SpecConfig c;
  c.k = o.mtp ? *o.mtp : o.spec_k.value_or(4);
  c.accept = o.spec_accept;
  c.kind = o.mtp ? SpecKind::mtp : o.spec_eagle ? SpecKind::eagle : SpecKind::draft;
  c.drafter = o.mtp ? "MTP module" : o.spec_eagle ? "EAGLE head" : o.spec_draft;
  return c;
}

// Whether the engine runs this kind of drafter (its profile's "speculative").
void check_engine(const SpecConfig& c, const EngineProfile& e) {
  const SpeculativeSupport& s = e.speculative;
  const bool runs = c.kind == SpecKind::draft ? s.draft : c.kind == SpecKind::eagle ? s.eagle : s.mtp;
  if (runs) return;
  std::string has;
  for (const auto& [ok, what] : {std::pair{s.draft, "--spec-draft"}, {s.eagle, "--spec-eagle"}, {s.mtp, "--mtp"}})
    if (ok) has += std::string(has.empty() ? "" : ", ") + what;
  throw InputError("engine " + e.name + " does not run " +
                   (c.kind == SpecKind::draft   ? std::string("a draft model")
                    : c.kind == SpecKind::eagle ? "EAGLE heads"
                                                : "MTP modules") +
                   " (its speculative decoding: " + (has.empty() ? "none" : has) + ")");
}

SpecConfig config_of(const Options& o, const ModelInfo& target) {
  SpecConfig c = drafting_of(o);
  if (c.kind == SpecKind::mtp && (target.architecture.find("Deepseek") == std::string::npos || target.experts == 0))
    throw InputError("--mtp: " + target.name + " (" + target.architecture +
                     ") has no multi-token prediction modules; they are DeepSeek-V3/R1's");
  return c;
}

// The drafter as its own session on the same GPUs and layout: a draft model
// by name, or one layer of the target's shape (EAGLE head, MTP module).
Options drafter_options(const Options& o, const SpecConfig& c) {
  Options d = o;
  d.spec_draft.clear();
  d.spec_eagle = false;
  d.mtp.reset();
  d.prefix_cached.reset();
  if (c.kind == SpecKind::draft) {
    d.model = o.spec_draft;
    d.model_plugin.clear();
    d.model_config.clear();
  } else {
    d.model_layers = 1;
  }
  return d;
}

std::string gib(double bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f GiB", bytes / 1073741824.0);
  return buf;
}

}  // namespace

bool speculating(const Options& o) {
  return !o.spec_draft.empty() || o.spec_eagle || o.mtp;
}

SpecConfig spec_config(const Options& o) {
  if (!speculating(o)) return SpecConfig{};
  return drafting_of(o);
}

std::unique_ptr<Speculation> open_speculation(const Options& o, std::shared_ptr<const PluginRegistry> registry,
                                              Session& target, const Request& r) {
  if (!speculating(o)) return nullptr;
  auto s = std::make_unique<Speculation>();
  const ModelInfo& t = target.model->info();
  s->config = config_of(o, t);
  check_engine(s->config, target.engine);
  s->drafter = open_session(std::move(registry), drafter_options(o, s->config), r);
  const ModelInfo& d = s->drafter->model->info();
  if (d.vocab != t.vocab)
    throw InputError("--spec-draft " + o.spec_draft + ": its vocabulary (" + std::to_string(d.vocab) +
                     " tokens) differs from " + t.name + "'s (" + std::to_string(t.vocab) +
                     "): a draft model must share the target's tokenizer");
  // A head shares the target's embedding and output head; a draft model has its own.
  const MemoryEstimate& m = s->drafter->memory;
  const double shared = s->config.kind == SpecKind::draft ? 0 : m.embedding_weights;
  s->weight_bytes = m.weights() - shared;
  s->extra_bytes = s->weight_bytes + m.kv_after_decode;
  s->kv_bytes_per_token = kv_capacity(*s->drafter, 1).bytes_per_token;
  if (target.memory.peak() + s->extra_bytes > target.memory.usable)
    throw InputError("the drafter (" + s->config.drafter + ") needs " + gib(s->extra_bytes) + " per GPU beside " +
                     t.name + "'s " + gib(target.memory.peak()) + ", more than the " + gib(target.memory.usable) +
                     " the engine may use");
  char note[256];
  std::snprintf(note, sizeof note,
                "speculative decoding: %s drafts %u tokens per step, %.2f accepted on average (with the verified "
                "one); the drafter adds %s per GPU",
                s->config.drafter.c_str(), s->config.k, s->config.expected_tokens(), gib(s->extra_bytes).c_str());
  target.notes.push_back(note);
  return s;
}

void time_speculation(Speculation& s, Session& target, const Request& r) {
  s.context = r.input + std::floor((r.output - 1) / 2);
  s.step = spec_step(*target.predictor, *s.drafter->predictor, s.config, r.batch * r.beam, s.context);
  const double cached = std::min(r.cached, r.input - 1);
  const auto prompt = s.drafter->predictor->step_model(Phase::prefill, r.batch, r.input - cached);
  s.step.draft_prefill = cached > 0 ? prompt->at(cached) : prompt->at_built();
}

void print_speculation(std::ostream& os, const Speculation& s) {
  char line[512];
  std::snprintf(line, sizeof line,
                "\n  speculative decoding    %s, k = %u, %.3f tokens per step\n"
                "    per step              %u x draft %.3f ms + verify of %u tokens %.3f ms = %.3f ms "
                "(plain decode step %.3f ms)\n",
                s.config.drafter.c_str(), s.config.k, s.step.tokens, s.config.k, s.step.draft.latency * 1e3,
                s.config.k + 1, s.step.verify.latency * 1e3, s.step.seconds() * 1e3, s.step.plain.latency * 1e3);
  os << line;
}

void print_speculation_breakdown(std::ostream& os, Session& target, Speculation& s, const Request& r) {
  const double rows = r.batch * r.beam;
  const std::string at = " at " + std::to_string(static_cast<long long>(s.context + 1)) + " tokens of context";
  print_breakdown(os, "draft step (" + s.config.drafter + ")" + at,
                  s.drafter->predictor->step_model(Phase::decode, rows, 1)->breakdown(s.context));
  print_breakdown(os, "verify step of " + std::to_string(s.config.k + 1) + " tokens" + at,
                  target.predictor->step_model(Phase::decode, rows, s.config.k + 1)->breakdown(s.context));
}

}  // namespace genz::cli
