#include "genz/planning/replica_eval.hpp"

#include <algorithm>
#include <cmath>

#include "genz/serving/kv_capacity.hpp"
#include "genz/serving/step_cost.hpp"

namespace genz::plan {
namespace {

// Batches above this are beyond every engine's default limit but SGLang's
// and TensorRT-LLM's (4096, 2048), and past where decode stops gaining.
constexpr double kLargestBatch = 1024;

double decode_only(StepCost& cost, double batch, double context) {
  StepShape s;
  s.decode_seqs = static_cast<unsigned>(batch);
  s.decode_context = batch * context;
  return cost.time(s, {});
}

// A step that runs `prompt` tokens of one new request (nothing cached) with
// `batch` decodes at `context`.
double with_prompt(StepCost& cost, double prompt, double batch, double context) {
  StepShape s;
  s.prefill_tokens = prompt;
  s.decode_seqs = static_cast<unsigned>(batch);
  s.decode_context = batch * context;
  s.new_requests = 1;
  return cost.time(s, {Chunk{prompt, 0}});
}

// A prefill worker's step: `n` whole prompts of `tokens` each.
double prompts_alone(StepCost& cost, double n, double tokens) {
  StepShape s;
  s.prefill_tokens = n * tokens;
  s.new_requests = static_cast<unsigned>(n);
  return cost.time(s, std::vector<Chunk>(static_cast<std::size_t>(n), Chunk{tokens, 0}));
}

}  // namespace

std::vector<double> batch_ladder(double limit) {
  std::vector<double> out;
  for (double b = 1; b <= std::min(limit, kLargestBatch); b *= 2) {
    out.push_back(b);
    if (b >= 2 && b * 1.5 <= limit && b * 1.5 <= kLargestBatch) out.push_back(b * 1.5);
  }
  return out;
}

void evaluate_replica(const Composition& c, const SchedulerProfile& s, const Traffic& t, const LinkSpec& link,
                      ConfigEval& out, const Drafting& spec) {
  StepCost cost(c.view());
  const double E = spec.drafter ? spec.tokens_per_step : 1;
  if (spec.drafter) cost.speculate(spec.k, std::make_unique<StepCost>(spec.drafter->view()));
  // Prefix-cache hits: the prompt tokens computed, and the cache they hold.
  const double hit = s.prefix_caching ? t.prefix : 0, resident = s.prefix_caching ? t.prefix_resident : 0;
  const double I = std::max(1.0, std::round(t.input - hit)), O = std::max(1.0, t.output);
  const double Ip = std::max(1.0, std::round(t.input_at_percentile - hit));
  const double context_tokens = std::max(1.0, t.input - hit) + O + spec.k;  // a sequence's own cache, at most
  const KvCapacity kv = kv_capacity(c, step_tokens(s, Ip));
  const double tokens =
      spec.drafter ? beside_drafter(kv, spec.weight_bytes, spec.kv_bytes_per_token).tokens : kv.tokens;
  out.kv_tokens = std::max(0.0, tokens - resident);
  out.prompt_tokens = I;
  out.tpot_cv = spec.drafter ? std::sqrt(spec.tokens_variance / (E * std::max(1.0, O - 1))) : 0;
  out.kv_bytes_per_token = kv.bytes_per_token * c.layout.world();
  out.server_latency = c.engine.server_latency;
  out.link_bandwidth = link.bandwidth * link.efficiency;
  out.link_latency = link.latency;
  out.prefill_alone = cost.predict(Request{Ip, 1, 1, 1}).ttft;
  const bool mixed = s.order == StepOrder::decode_first;
  const double context = t.input + O / 2;  // a running sequence's cache, on average
  out.points.clear();
  for (double b : batch_ladder(s.max_seqs)) {
    BatchPoint p;
    p.batch = b;
    // The prompt tokens one step can take beside b decodes (mixed), or alone.
    const double budget = mixed ? s.max_tokens - b * (1.0 + spec.k) : s.max_tokens;
    const double chunk = s.chunked_prefill ? std::min(I, budget) : I;
    const double decode = decode_only(cost, b, context);
    p.decode_step = decode / E;
    const double share = b * I * E / (O * chunk);
    if (mixed) {
      const double t_mixed = with_prompt(cost, chunk, b, context);
      p.step = (share * t_mixed + (1 - share) * decode) / E;
    } else {
      p.step = (decode + share * prompts_alone(cost, 1, chunk)) / E;
    }
    const double first = s.chunked_prefill ? std::min(Ip, std::max(1.0, budget)) : Ip;
    p.mixed_step = mixed ? with_prompt(cost, first, b, context) : prompts_alone(cost, 1, first);
    p.share = share;
    p.feasible = share <= 1 && budget >= 1 && b * context_tokens <= out.kv_tokens && (s.chunked_prefill || I <= budget);
    out.points.push_back(p);
  }
  const double first_chunk = s.chunked_prefill ? std::max(1.0, s.max_tokens - (mixed ? 1 : 0)) : Ip;
  out.chunk = std::min(Ip, first_chunk);
  out.prompt_steps = static_cast<unsigned>(std::ceil(Ip / out.chunk));
  // A prefill worker fills its step budget with whole prompts.
  out.prefill_batch = std::max(1.0, std::floor(s.max_tokens / I));
  out.prefill_batch = std::min(out.prefill_batch, std::max(1.0, std::floor(out.kv_tokens / I)));
  out.prefill_batch_time = prompts_alone(cost, out.prefill_batch, I);
}

}  // namespace genz::plan
