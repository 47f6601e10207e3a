// genz plan: the deployment to choose for a model, a traffic and latency
// targets, among GPU kinds and counts, layouts, precisions, engines, batch
// limits, aggregated or disaggregated serving (see framework/src/planning/).
//
//   genz plan --model llama3_70b --hw h100,h200 --rate 20 --lengths chat
//             --slo-ttft 1000 --slo-tpot 50 --gpus 32 --out plan/
//   genz plan ... --shard 2/8 --out part2/      (one part of the search)
//   genz plan merge part1/ ... part8/ --out plan/
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <unordered_map>

#include "commands.hpp"
#include "genz/host/error.hpp"
#include "genz/io/output_dir.hpp"
#include "genz/io/text_file.hpp"
#include "genz/planning/plan_search.hpp"
#include "genz/planning/plan_store.hpp"
#include "plan_output.hpp"
#include "plan_space.hpp"
#include "serving_options.hpp"
#include "session.hpp"

namespace genz::cli {
namespace {

namespace fs = std::filesystem;
constexpr const char* kPartFile = "plan-part.json";

double at_percentile(std::vector<double> v, double percentile) {
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(std::ceil(percentile / 100 * static_cast<double>(v.size()))) - 1;
  return v[std::min(i, v.size() - 1)];
}

// Request lengths and load from the same flags as genz simulate. Without
// --rate or --concurrency a trace's arrival times give the rate; otherwise
// the plan sizes for capacity (the most each deployment serves).
plan::Traffic traffic_of(const Options& o, double percentile, std::string& description) {
  TrafficSpec spec = traffic_spec(o);
  const bool load = spec.rate > 0 || spec.concurrency > 0 || !spec.trace.empty();
  if (!load) spec.concurrency = 1;  // only the lengths are drawn
  const Workload w = make_workload(spec);
  plan::Traffic t;
  std::vector<double> inputs;
  std::unordered_map<std::uint32_t, double> prefixes;  // the longest of each group
  for (const ServingRequest& r : w.requests) {
    inputs.push_back(r.input);
    t.input += r.input / static_cast<double>(w.requests.size());
    t.output += r.output / static_cast<double>(w.requests.size());
    if (r.prefix_group == 0) continue;
    t.prefix += std::min(r.prefix_tokens, r.input - 1) / static_cast<double>(w.requests.size());
    double& longest = prefixes[r.prefix_group];
    longest = std::max(longest, r.prefix_tokens);
  }
  for (const auto& [group, tokens] : prefixes) t.prefix_resident += tokens;
  t.input_at_percentile = at_percentile(inputs, percentile);
  double var = 0;
  for (double x : inputs) var += (x - t.input) * (x - t.input) / static_cast<double>(inputs.size());
  t.input_cv2 = t.input > 0 ? var / (t.input * t.input) : 0;
  t.rate = spec.rate;
  t.concurrency = spec.concurrency;
  if (!spec.trace.empty() && spec.rate <= 0 && w.concurrency == 0 && w.requests.size() > 1) {
    const double span = w.requests.back().arrival - w.requests.front().arrival;
    if (span > 0) t.rate = static_cast<double>(w.requests.size() - 1) / span;
  }
  if (!load) t.concurrency = 0;
  char buf[256];
  std::snprintf(
      buf, sizeof buf, "%s; mean %.0f prompt and %.0f answer tokens (prompt p%g %.0f)",
      load ? w.description.c_str() : "capacity (no --rate or --concurrency: each deployment at its batch limit)",
      t.input, t.output, percentile, t.input_at_percentile);
  description = buf;
  if (t.prefix > 0)
    description += "; prefix caching " +
                   (o.prefix_caching.empty() ? std::string("as each engine does (vLLM, SGLang, TensorRT-LLM: on)")
                                             : o.prefix_caching) +
                   ", " + std::to_string(static_cast<long long>(std::round(t.prefix))) +
                   " shared-prefix tokens per request on average";
  if (const SpecConfig speculation = spec_config(o); speculation.k > 0)
    description += "; speculative decoding: " + speculation_text(speculation);
  return t;
}

plan::PlanRequest request_of(const Options& o, const plan::Traffic& t, bool priced) {
  plan::PlanRequest r;
  r.traffic = t;
  r.targets.ttft = o.slo_ttft_ms.value_or(0) * 1e-3;
  r.targets.tpot = o.slo_tpot_ms.value_or(0) * 1e-3;
  r.targets.percentile = o.slo_percentile;
  r.budget.gpus = o.gpus.value_or(0);
  r.budget.max_cost = o.max_cost.value_or(0);
  r.budget.priced = priced;
  r.aggregated = o.disagg != "only";
  r.disaggregated = o.disagg != "off";
  return r;
}

const plan::PriceTable* prices_for(const Options& o, plan::PriceTable& own) {
  if (!o.prices.empty()) {
    own = plan::price_table_from_text(read_text_file(o.prices, "--prices"), o.prices);
    return &own;
  }
  return o.max_cost ? &plan::default_price_table() : nullptr;
}

// Every GPU kind searched has a price, a user's table names only hardware
// that exists, and the cost ceiling leaves room for at least one GPU.
void check_prices(const Options& o, const plan::PriceTable& prices, const PluginRegistry& registry,
                  const PlanSpace& space) {
  if (!o.prices.empty())
    for (const auto& [name, price] : prices.gpus)
      if (!registry.find(PluginKind::hardware, name))
        throw InputError(o.prices + ": prices '" + name + "', which no hardware plugin provides; " +
                         registry.available(PluginKind::hardware));
  std::string cheapest;
  for (const auto& c : space.configs)
    for (const auto& kind : c.stages.empty() ? std::vector<std::string>{c.hw} : c.stages)
      if (cheapest.empty() || prices.of(kind).per_hour < prices.of(cheapest).per_hour) cheapest = kind;
  if (o.max_cost && *o.max_cost < prices.of(cheapest).per_hour) {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "--max-cost %g $/hour is less than one GPU costs: the cheapest searched, %s, is $%.2f/hour in ",
                  *o.max_cost, cheapest.c_str(), prices.of(cheapest).per_hour);
    throw InputError(buf + prices.origin);
  }
}

double pick(const Percentiles& p, double percentile) {
  return percentile == 50 ? p.p50 : percentile == 99 ? p.p99 : p.p90;
}

// The ranked candidates, best first, through genz simulate until `top` are
// checked; the chosen one is the best that also meets the targets there.
void recheck(PlanReport& r, const Options& o, std::shared_ptr<const PluginRegistry> registry) {
  const plan::Targets& t = r.request.targets;
  for (std::size_t i : r.result.ranked) {
    if (r.rechecks.size() >= o.top) break;
    const plan::Candidate& c = r.result.candidates[i];
    Recheck k;
    k.candidate = i;
    k.args = simulate_args(o, r.evals, c);
    std::vector<const char*> argv{"genz"};
    for (const auto& a : k.args) argv.push_back(a.c_str());
    const SimulationRun sim = run_simulation(parse_options(static_cast<int>(argv.size()), argv.data()), registry);
    const ServingSummary& s = sim.summary;
    k.ttft = pick(s.ttft, t.percentile);
    k.tpot = pick(s.tpot, t.percentile);
    k.output_throughput = s.output_throughput;
    k.throughput_per_gpu = s.output_throughput / c.gpus;
    k.finished = s.finished;
    k.requests = s.requests;
    k.overloaded = s.overloaded;
    k.meets = s.finished == s.requests && !s.overloaded && (t.ttft <= 0 || k.ttft <= t.ttft) &&
              (t.tpot <= 0 || k.tpot <= t.tpot);
    if (k.meets && r.chosen < 0) r.chosen = static_cast<long>(i);
    r.rechecks.push_back(std::move(k));
  }
  if (r.chosen < 0 && !r.rechecks.empty())
    r.recheck_note =
        "none of the re-checked candidates meets the targets in the serving simulation; raise --top "
        "to check more, or relax the targets";
}

void write_outputs(const Options& o, const PlanReport& r) {
  if (o.json)
    std::cout << plan_json(r);
  else
    print_plan(std::cout, r);
  if (o.out_dir.empty()) return;
  OutputDirectory dir(fs::path(o.out_dir), input_paths(o));
  for (const auto& [name, text] : {std::pair<const char*, std::string>{"plan.json", plan_json(r)},
                                   {"plan.csv", plan_csv(r)},
                                   {"plan.html", plan_html(r)}}) {
    const int f = dir.open(name);
    if (f < 0 || !dir.write(f, text)) throw Error("cannot write " + o.out_dir + "/" + name + ": " + dir.last_error());
  }
  for (const auto& f : dir.commit()) spdlog::info("wrote {}", f.string());
}

std::vector<std::string> search_args(const Options& o) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < o.argv.size(); ++i) {
    const std::string& a = o.argv[i];
    const std::string flag = a.substr(0, a.find('='));
    if (flag == "--shard" || flag == "--out" || flag == "--json") {
      if (a.find('=') == std::string::npos && flag != "--json") ++i;
      continue;
    }
    out.push_back(a);
  }
  return out;
}

// Search, re-check and output: the same for one run and for joined parts.
int finish(const Options& o, std::shared_ptr<const PluginRegistry> registry, std::vector<plan::ConfigEval> evals,
           const plan::Traffic& traffic, const std::string& described, const plan::PriceTable* prices) {
  PlanReport r;
  r.model = open_model(*registry, o)->info().name;
  r.request = request_of(o, traffic, prices != nullptr);
  r.traffic = described;
  r.prices = prices ? prices->origin : "";
  r.configurations = evals.size();
  r.evals = std::move(evals);
  const auto t0 = std::chrono::steady_clock::now();
  r.result = plan::search(r.evals, r.request);
  spdlog::info("{} candidate deployments ranked in {:.1f} ms", r.result.candidates.size(),
               std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  recheck(r, o, registry);
  write_outputs(o, r);
  return r.result.ranked.empty() ? 1 : 0;
}

int run_merge(const Options& o) {
  std::vector<plan::ShardFile> parts;
  std::vector<std::string> sources;
  for (std::size_t i = 1; i < o.args.size(); ++i) {
    const std::string file = (fs::path(o.args[i]) / kPartFile).string();
    parts.push_back(plan::shard_from_text(read_text_file(file, "plan merge"), file));
    sources.push_back(file);
  }
  std::vector<plan::ConfigEval> evals = plan::join_shards(parts, sources);
  // The search is described by the parts' own arguments.
  std::vector<const char*> argv{"genz"};
  for (const auto& a : parts.front().args) argv.push_back(a.c_str());
  Options search = parse_options(static_cast<int>(argv.size()), argv.data());
  search.out_dir = o.out_dir;
  search.json = o.json;
  if (o.top != 3) search.top = o.top;  // else the parts' own --top
  auto registry = std::make_shared<PluginRegistry>();
  load_plugins(*registry, search);
  const PlanSpace space = plan_space(search, *registry);
  if (space.configs.size() != evals.size())
    throw InputError("plan merge: the parts describe " + std::to_string(evals.size()) +
                     " configurations but their arguments make " + std::to_string(space.configs.size()) +
                     " here (another genz version or other plugins?)");
  std::string described;
  const plan::Traffic traffic = traffic_of(search, search.slo_percentile, described);
  plan::PriceTable own;
  const plan::PriceTable* prices = prices_for(search, own);
  return finish(search, registry, std::move(evals), traffic, described, prices);
}

}  // namespace

int run_plan(const Options& o) {
  if (!o.args.empty() && o.args.front() == "merge") return run_merge(o);
  auto registry = std::make_shared<PluginRegistry>();
  load_plugins(*registry, o);
  const PlanSpace space = plan_space(o, *registry);
  std::string described;
  const plan::Traffic traffic = traffic_of(o, o.slo_percentile, described);
  plan::PriceTable own;
  const plan::PriceTable* prices = prices_for(o, own);
  if (prices) check_prices(o, *prices, *registry, space);
  if (o.slo_ttft_ms.value_or(0) <= 0 && o.slo_tpot_ms.value_or(0) <= 0)
    spdlog::warn("plan: no --slo-ttft or --slo-tpot: every deployment meets the targets; ranking by throughput only");
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<plan::ConfigEval> evals = evaluate_space(space, registry, traffic, prices, o.shard_index, o.shards);
  spdlog::info("{} configurations evaluated in {:.2f} s", evals.size(),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  if (o.shards == 0) return finish(o, registry, std::move(evals), traffic, described, prices);
  plan::ShardFile part{o.shard_index, o.shards, space.configs.size(), search_args(o), std::move(evals)};
  OutputDirectory dir(fs::path(o.out_dir), input_paths(o));
  const int f = dir.open(kPartFile);
  if (f < 0 || !dir.write(f, plan::shard_to_text(part)))
    throw Error("cannot write " + o.out_dir + "/" + kPartFile + ": " + dir.last_error());
  for (const auto& file : dir.commit())
    spdlog::info("wrote {} (part {} of {})", file.string(), o.shard_index, o.shards);
  return 0;
}

}  // namespace genz::cli
