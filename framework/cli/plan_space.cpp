#include "plan_space.hpp"

#include <algorithm>
#include <cstdio>
#include <thread>

#include "genz/host/error.hpp"
#include "genz/planning/replica_eval.hpp"
#include "serving_options.hpp"
#include "session.hpp"

namespace genz::cli {
namespace {

// The flag's values, each once, or `fallback` when it gives none.
std::vector<std::string> list_of(const std::string& text, std::vector<std::string> fallback) {
  std::vector<std::string> out;
  for (std::string& item : split_list(text))
    if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(std::move(item));
  return out.empty() ? fallback : out;
}

unsigned degree(const std::string& key, const std::string& text) {
  if (text.empty() || text.size() > 4 || text.find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(text) < 1 || std::stoul(text) > 1024)
    throw InputError("plan " + key + "=: expected whole numbers in 1..1024, found '" + text + "'");
  return static_cast<unsigned>(std::stoul(text));
}

struct Degrees {
  std::vector<unsigned> tp{1, 2, 4, 8}, pp{1, 2, 4}, ep;  // ep empty: by the model
};

Degrees degrees(const Options& o) {
  Degrees d;
  if (o.tp) d.tp = {*o.tp};
  if (o.pp) d.pp = {*o.pp};
  if (o.ep) d.ep = {*o.ep};
  for (const std::string& a : o.args) {
    const auto eq = a.find('=');
    const std::string key = a.substr(0, eq);
    if (eq == std::string::npos || (key != "tp" && key != "pp" && key != "ep"))
      throw InputError("plan: unexpected argument '" + a + "' (plan takes tp=, pp= and ep= axes, or merge DIR...)");
    std::vector<unsigned> values;
    for (const auto& v : list_of(a.substr(eq + 1), {})) values.push_back(degree(key, v));
    if (values.empty()) throw InputError("plan " + key + "=: expected whole numbers in 1..1024, found none");
    (key == "tp" ? d.tp : key == "pp" ? d.pp : d.ep) = values;
  }
  return d;
}

void check_hardware(const std::vector<std::string>& hws, const PluginRegistry& registry) {
  for (const auto& h : hws)
    if (!registry.find(PluginKind::hardware, h))
      throw InputError("plan --hw: no hardware named '" + h + "'; " + registry.available(PluginKind::hardware));
}

// The GPU kind of every pipeline stage: all alike, and with several kinds
// the first half of the stages on one and the rest on another (the faster
// kind first or last: both are tried).
std::vector<std::vector<std::string>> stage_kinds(const std::vector<std::string>& hws,
                                                  const std::vector<unsigned>& pps) {
  std::vector<std::vector<std::string>> out;
  for (const auto& hw : hws)
    for (unsigned pp : pps) out.emplace_back(pp, hw);
  for (const auto& a : hws)
    for (const auto& b : hws)
      for (unsigned pp : pps) {
        if (a == b || pp < 2 || pp % 2) continue;
        std::vector<std::string> kinds(pp / 2, a);
        kinds.insert(kinds.end(), pp / 2, b);
        out.push_back(kinds);
      }
  return out;
}

// $/hour of one replica divided by its GPUs.
double price_per_gpu(const plan::ReplicaConfig& c, const plan::PriceTable& prices) {
  if (c.stages.empty()) return prices.of(c.hw).per_hour;
  double sum = 0;
  for (const auto& kind : c.stages) sum += prices.of(kind).per_hour;
  return sum / static_cast<double>(c.stages.size());
}

void evaluate_one(const Options& opt, std::shared_ptr<const PluginRegistry> registry, const plan::Traffic& traffic,
                  const plan::PriceTable* prices, plan::ConfigEval& e) {
  try {
    auto s = open_session(registry, opt, Request{1, 1, 1, 1});
    e.config.gpus = s->layout.world();
    e.config.kv_dtype = std::string(name_of(s->precision.kv_cache));
    const LinkSpec link = network_share(*s, e.config.gpus);
    const auto spec = open_speculation(opt, registry, *s, Request{1, 1, 1, 1});
    plan::Drafting drafting;
    if (spec)
      drafting = {
          spec->drafter.get(), spec->config.k,          spec->config.expected_tokens(), spec->config.tokens_variance(),
          spec->weight_bytes,  spec->kv_bytes_per_token};
    plan::evaluate_replica(*s, scheduler_for(opt, s->engine), traffic, link, e, drafting);
  } catch (const InputError& err) {
    e.failure = err.what();
    e.points.clear();
  }
  if (prices) e.price = price_per_gpu(e.config, *prices);  // every kind was checked before the search
}

}  // namespace

PlanSpace plan_space(const Options& o, const PluginRegistry& registry) {
  if (o.hw.empty()) throw InputError("plan --hw: give the GPU kinds to choose from, e.g. --hw h100,h200");
  const std::vector<std::string> hws = list_of(o.hw, {});
  check_hardware(hws, registry);
  const auto engines = list_of(o.engine, {"trtllm", "vllm", "sglang"});
  for (const auto& e : engines)
    if (!find_engine(e))
      throw InputError("plan --engine: unknown engine '" + e + "'; built-in engines: " + engine_names());
  const auto dtypes = list_of(o.dtype, {"bf16", "fp8"});
  const auto kvs = list_of(o.kv_dtype, {"", "fp8"});  // the engine's default, and an fp8 cache
  for (const auto& d : dtypes)
    if (!parse_dtype(d))
      throw InputError("plan --dtype: expected fp32, bf16, fp16, fp8, int8 or int4, found '" + d + "'");
  for (const auto& d : kvs)
    if (!d.empty() && !parse_dtype(d))
      throw InputError("plan --kv-dtype: expected fp32, bf16, fp16, fp8, int8 or int4, found '" + d + "'");
  const bool moe = open_model(registry, o)->info().experts > 0;
  const Degrees deg = degrees(o);
  PlanSpace space;
  for (const auto& kinds : stage_kinds(hws, deg.pp))
    for (const auto& engine : engines)
      for (const auto& dtype : dtypes)
        for (const auto& kv : kvs)
          for (unsigned tp : deg.tp)
            for (unsigned ep : deg.ep.empty() ? std::vector<unsigned>{moe && tp > 1 ? tp : 1u} : deg.ep) {
              const auto pp = static_cast<unsigned>(kinds.size());
              plan::ReplicaConfig c{kinds.front(), engine, dtype, kv.empty() ? "auto" : kv, tp, pp, ep, tp * pp, {}};
              Options x = o;
              x.command = "plan";
              x.hw = c.hw;
              x.engine = engine;
              x.dtype = dtype;
              x.kv_dtype = kv;
              x.tp = tp;
              x.pp = pp;
              x.ep = ep;
              x.args.clear();
              if (std::count(kinds.begin(), kinds.end(), kinds.front()) != static_cast<long>(kinds.size()))
                c.stages = x.stage_hw = kinds;
              space.configs.push_back(c);
              space.options.push_back(std::move(x));
            }
  return space;
}

std::vector<plan::ConfigEval> evaluate_space(const PlanSpace& space, std::shared_ptr<const PluginRegistry> registry,
                                             const plan::Traffic& traffic, const plan::PriceTable* prices,
                                             unsigned shard, unsigned shards) {
  std::vector<std::size_t> mine;
  for (std::size_t i = 0; i < space.configs.size(); ++i)
    if (shards == 0 || i % shards == shard - 1) mine.push_back(i);
  std::vector<plan::ConfigEval> out(mine.size());
  for (std::size_t k = 0; k < mine.size(); ++k) {
    out[k].index = mine[k];
    out[k].config = space.configs[mine[k]];
  }
  const unsigned threads =
      std::max(1u, std::min<unsigned>(std::thread::hardware_concurrency(), static_cast<unsigned>(mine.size())));
  std::vector<std::thread> pool;
  std::vector<std::exception_ptr> errors(threads);
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      try {
        for (std::size_t k = t; k < mine.size(); k += threads)
          evaluate_one(space.options[mine[k]], registry, traffic, prices, out[k]);
      } catch (...) {
        errors[t] = std::current_exception();
      }
    });
  for (auto& th : pool) th.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
  return out;
}

namespace {

// A re-check's length without --requests: 5 minutes of arrivals, or 10
// requests per closed-loop client (2 000 to 100 000 requests).
constexpr double kCheckedSeconds = 300, kRequestsPerClient = 10;

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
  return s;
}

}  // namespace

std::vector<std::string> simulate_args(const Options& o, const std::vector<plan::ConfigEval>& evals,
                                       const plan::Candidate& c) {
  // Flags the plan chooses or that only the plan reads: replaced or dropped.
  static const char* const kDropped[] = {
      "--gpus",     "--prices", "--max-cost", "--slo-percentile", "--shard",       "--top",     "--disagg",   "--out",
      "--hw",       "--engine", "--dtype",    "--quantization",   "--kv-dtype",    "--tp",      "--tp_nodes", "--pp",
      "--pp_nodes", "--ep",     "--report",   "--rate",           "--concurrency", "--stage-hw"};
  std::vector<std::string> args{"simulate"};
  for (std::size_t i = 0; i < o.argv.size(); ++i) {
    const std::string& a = o.argv[i];
    // Switches of the plan's own output, and its tp= pp= ep= axes.
    if (a == "plan" || a == "--json" || a == "-q" || a == "--quiet" || a == "-v" || a == "--verbose" ||
        a == "--no-progress" || (a.find('=') != std::string::npos && a.rfind("--", 0) != 0))
      continue;
    const std::string flag = a.substr(0, a.find('='));
    if (std::find(std::begin(kDropped), std::end(kDropped), flag) != std::end(kDropped)) {
      if (a.find('=') == std::string::npos) ++i;  // its value
      continue;
    }
    args.push_back(a);
  }
  const plan::ReplicaConfig& d = evals[c.config].config;
  auto add = [&](const char* flag, const std::string& value) {
    args.push_back(flag);
    args.push_back(value);
  };
  for (const auto& [flag, value] :
       std::vector<std::pair<const char*, std::string>>{{"--hw", d.hw},
                                                        {"--engine", d.engine},
                                                        {"--dtype", d.dtype},
                                                        {"--kv-dtype", d.kv_dtype},
                                                        {"--tp", std::to_string(d.tp)},
                                                        {"--pp", std::to_string(d.pp)},
                                                        {"--ep", std::to_string(d.ep)},
                                                        {"--max-seqs", std::to_string(c.max_batch)},
                                                        {"--dp", std::to_string(c.replicas)}})
    add(flag, value);
  const bool disaggregated = c.mode == plan::Mode::disaggregated;
  if (!d.stages.empty()) add("--stage-hw", join(d.stages));
  if (disaggregated) {
    const plan::ReplicaConfig& p = evals[c.prefill_config].config;
    add("--prefill-workers", std::to_string(c.prefill_workers));
    add("--prefill-hw", p.hw);
    add("--prefill-tp", std::to_string(p.tp));
    add("--prefill-pp", std::to_string(p.pp));
    add("--prefill-ep", std::to_string(p.ep));
    if (!p.stages.empty()) add("--prefill-stage-hw", join(p.stages));
  }
  char rate[64];
  std::snprintf(rate, sizeof rate, "%.6g", o.rate ? *o.rate : c.request_rate);
  double requests = 0;  // enough that the first and last minutes weigh little
  if (o.concurrency && !disaggregated) {
    add("--concurrency", std::to_string(*o.concurrency));
    requests = kRequestsPerClient * *o.concurrency;
  } else if (o.rate || o.trace.empty()) {
    // The given rate, or the planned one: a capacity plan's, and a closed
    // loop's for disaggregated pools (they take open arrivals).
    add("--rate", rate);
    requests = std::stod(rate) * kCheckedSeconds;
  }
  if (!o.requests && !o.duration && o.trace.empty())
    add("--requests", std::to_string(static_cast<long long>(std::clamp(requests, 2000.0, 100000.0))));
  return args;
}

}  // namespace genz::cli
