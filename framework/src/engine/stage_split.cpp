#include "genz/engine/stage_split.hpp"

#include <algorithm>
#include <cstdio>
#include <numeric>

#include "genz/engine/memory_model.hpp"
#include "genz/host/error.hpp"
#include "genz/sdk/op_resources.hpp"

namespace genz {
namespace {

// What one stage costs: bytes of memory held, and seconds over the request.
struct Cost {
  double memory = 0, time = 0;
};

// The footprints a split needs: every layer alone, and the first and last
// layers as first and last stage. They depend on the model and the layout's
// TP/EP, not on the request, so a sweep's configurations share them (the
// last few are kept; a key names what they depend on).
struct Footprints {
  std::vector<ShardFootprint> layer;
  ShardFootprint first, last;
};

const Footprints& footprints(const Model& model, const Layout& l, const Precision& p, const EngineProfile& e) {
  const ModelInfo& info = model.info();
  char key[512];
  std::snprintf(key, sizeof key, "%s|%s|%.17g|%u|%u|%u|%d%d%d|%d%d%d%d", info.name.c_str(), info.architecture.c_str(),
                info.params_total, info.layers, l.parallel.tp, l.parallel.ep, index_of(p.weights),
                index_of(p.activations), index_of(p.kv_cache), e.traits.fused_qkv, e.traits.fused_gate_up,
                e.traits.all_prompt_logits, e.traits.mla_absorb);
  thread_local std::vector<std::pair<std::string, Footprints>> cache;
  for (const auto& [k, f] : cache)
    if (k == key) return f;
  Footprints f;
  const unsigned n = info.layers;
  for (unsigned i = 0; i < n; ++i) f.layer.push_back(shard_footprint(model, l, p, e, i, i + 1, false, false));
  f.first = shard_footprint(model, l, p, e, 0, 1, true, false);
  f.last = shard_footprint(model, l, p, e, n - 1, n, false, true);
  if (cache.size() >= 8) cache.erase(cache.begin());
  cache.emplace_back(key, std::move(f));
  return cache.back().second;
}

// Per-layer costs, and what the first and last stages add (embedding, LM
// head, logits), all for the request `r`.
struct StageCosts {
  std::vector<Cost> layer;
  Cost first, last, every;  // every: activations, held once per stage
};

// A stage's time over the request: its prefill (compute-bound: weights x
// prompt tokens at the achieved tensor peak) plus every decode step
// (bandwidth-bound: the bytes it reads, and its collectives' latency). The
// LM head computes logits for the last token only in prefill but reads all
// its weights every decode step; so it weighs with its share of each phase.
StageCosts stage_costs(const Model& model, const Layout& l, const Precision& p, const EngineProfile& e,
                       const HardwareSpec& hw, const Request& r) {
  const ModelInfo& info = model.info();
  // KV held: the request's tokens, or the whole context an engine allocates
  // at load (llama.cpp -c), as memory_model counts it.
  const double sequences = r.batch * r.beam, tokens = sequences * std::max(r.input + r.output, e.kv_context_tokens);
  // Routed experts held are all read only when tokens touch every expert;
  // per decode step a layer reads its active share.
  const double active = info.experts > 0 ? std::min(1.0, sequences * info.experts_active / info.experts) : 1.0;
  const Footprints& fp = footprints(model, l, p, e);
  double peak = hw.peak_for(p.activations);
  if (peak <= 0) peak = hw.peak_for(DType::bf16);
  const double flops_per_s = std::max(peak, 1e9) * hw.achieved.compute_fraction;
  const double bytes_per_s = hw.memory_bandwidth * hw.achieved.bandwidth_fraction;
  const double collectives = (l.parallel.tp > 1 ? 2.0 : 0.0) + (l.parallel.ep > 1 ? 2.0 : 0.0);
  const double wait = collectives * l.intra.latency;
  const double weight_bytes = weight_bytes_of(p.weights), head_bytes = bytes_of(p.activations);
  const auto seconds = [&](double params, double prefill_rows, double decode_bytes, double decode_wait) {
    return 2 * params * prefill_rows / flops_per_s + r.output * (decode_bytes / bytes_per_s + decode_wait);
  };
  StageCosts c;
  // Only the GPU layers are split; experts kept in CPU memory weigh nothing here.
  const double on_gpu = l.host_experts ? 0.0 : 1.0;
  for (std::size_t i = l.host_layers; i < fp.layer.size(); ++i) {
    const ShardFootprint& f = fp.layer[i];
    const double kv = f.kv_bytes_per_token * tokens, experts = f.expert_weight_bytes * on_gpu;
    c.layer.push_back({f.dense_weight_bytes + experts + kv,
                       seconds((f.dense_weight_bytes + experts) / weight_bytes, sequences * r.input,
                               f.dense_weight_bytes + experts * active + kv, wait)});
  }
  const ShardFootprint& mid = fp.layer.front();
  const double head = fp.last.embedding_bytes - mid.embedding_bytes;
  c.first.memory = fp.first.embedding_bytes - mid.embedding_bytes;
  c.last.memory = head + fp.last.logits_bytes_per_token * sequences;
  c.last.time = seconds(head / head_bytes, sequences, head, 0);
  c.every.memory = mid.activation_bytes_per_token * sequences * r.input;
  return c;
}

// What limits each stage: its GPUs' usable memory, and how long a layer
// takes there relative to the first kind (a heterogeneous pipeline's faster
// GPUs take more layers; decode time scales with bandwidth).
struct StageLimits {
  std::vector<double> memory, slowdown;
};

// Greedy left to right: each stage takes layers while it stays within both
// caps and leaves at least one layer per later stage; the last takes the rest.
std::optional<std::vector<unsigned>> fill(const StageCosts& c, unsigned stages, const StageLimits& limits,
                                          double time_cap) {
  const std::vector<double>& memory_caps = limits.memory;
  const unsigned n = static_cast<unsigned>(c.layer.size());
  std::vector<unsigned> counts;
  unsigned next = 0;
  for (unsigned s = 0; s < stages; ++s) {
    const bool first = s == 0, last = s + 1 == stages;
    Cost sum{c.every.memory + (first ? c.first.memory : 0) + (last ? c.last.memory : 0),
             (first ? c.first.time : 0) + (last ? c.last.time : 0)};
    unsigned take = 0;
    const unsigned most = last ? n - next : n - next - (stages - s - 1);
    while (take < most) {
      const Cost add{c.layer[next + take].memory, c.layer[next + take].time * limits.slowdown[s]};
      if (!last && (sum.memory + add.memory > memory_caps[s] || sum.time + add.time > time_cap)) break;
      sum.memory += add.memory;
      sum.time += add.time;
      ++take;
    }
    if (take == 0 || sum.memory > memory_caps[s] || sum.time > time_cap) return std::nullopt;
    counts.push_back(take);
    next += take;
  }
  return counts;
}

}  // namespace

void set_stage_layers(Layout& l, const std::vector<unsigned>& counts, unsigned num_layers, const std::string& flag) {
  if (counts.size() != l.parallel.pp)
    throw InputError(flag + ": expected " + std::to_string(l.parallel.pp) +
                     " layer counts (one per pipeline stage), found " + std::to_string(counts.size()));
  const unsigned long long sum = std::accumulate(counts.begin(), counts.end(), 0ull);
  if (std::find(counts.begin(), counts.end(), 0u) != counts.end())
    throw InputError(flag + ": every stage needs at least one layer, found a 0");
  const unsigned on_gpus = num_layers - l.host_layers;
  if (sum != on_gpus)
    throw InputError(flag + ": the counts add up to " + std::to_string(sum) + " layers, the model has " +
                     std::to_string(num_layers) +
                     (l.host_layers ? " of which " + std::to_string(on_gpus) + " are on the GPUs" : std::string()));
  l.stage_layers.clear();
  unsigned begin = l.host_layers;
  for (unsigned n : counts) {
    l.stage_layers.emplace_back(begin, begin + n);
    begin += n;
  }
}

void set_host_layers(Layout& l, unsigned n, unsigned num_layers) {
  const unsigned pp = l.parallel.pp;
  if (n + pp > num_layers)
    throw InputError("--offload-layers: expected at most " + std::to_string(num_layers - std::min(num_layers, pp)) +
                     " (the model has " + std::to_string(num_layers) + " layers and each of the " + std::to_string(pp) +
                     " GPU stages needs one), found " + std::to_string(n));
  l.host_layers = n;
  std::vector<unsigned> counts(pp, (num_layers - n) / pp);
  for (unsigned i = 0; i < (num_layers - n) % pp; ++i) ++counts[i];
  set_stage_layers(l, counts, num_layers, "--offload-layers");
}

std::optional<std::vector<unsigned>> balanced_stage_split(const Model& model, const Layout& l,
                                                          const Precision& precision, const EngineProfile& engine,
                                                          const HardwareSpec& hw, const Request& r) {
  const unsigned stages = l.parallel.pp, n = model.info().layers;
  if (stages <= 1 || n < stages + l.host_layers) return std::nullopt;
  const StageCosts c = stage_costs(model, l, precision, engine, hw, r);
  StageLimits limits;
  for (unsigned s = 0; s < stages; ++s) {
    limits.memory.push_back(stage_memory(l, hw, s) * engine.memory_fraction_for(l.parallel.tp) - engine.reserved_bytes);
    const HardwareSpec& own = s < l.stage_hardware.size() ? l.stage_hardware[s]->spec() : hw;
    limits.slowdown.push_back(hw.memory_bandwidth / own.memory_bandwidth);
  }
  double total = c.first.time + c.last.time;
  for (const auto& x : c.layer) total += x.time;
  total *= std::max(1.0, *std::max_element(limits.slowdown.begin(), limits.slowdown.end()));
  auto best = fill(c, stages, limits, total);
  if (!best) return std::nullopt;  // memory alone rules out every split
  // The smallest cap on a stage's time that a split meets (bisection on a
  // monotone feasibility; 40 halvings resolve it far below one layer).
  double lo = 0, hi = total;
  for (int i = 0; i < 40; ++i) {
    const double mid = (lo + hi) / 2;
    if (auto counts = fill(c, stages, limits, mid)) {
      hi = mid;
      best = std::move(counts);
    } else {
      lo = mid;
    }
  }
  return best;
}

}  // namespace genz
