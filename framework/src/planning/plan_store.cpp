#include "genz/planning/plan_store.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "genz/host/error.hpp"
#include "genz/sdk/json_view.hpp"

namespace genz::plan {
namespace {

constexpr int kFormat = 2;

nlohmann::json to_json(const ConfigEval& e) {
  nlohmann::json points = nlohmann::json::array();
  for (const BatchPoint& p : e.points)
    points.push_back({p.batch, p.step, p.decode_step, p.mixed_step, p.feasible, p.share});
  const ReplicaConfig& c = e.config;
  return {{"index", e.index},
          {"config",
           {{"hw", c.hw},
            {"engine", c.engine},
            {"dtype", c.dtype},
            {"kv_dtype", c.kv_dtype},
            {"tp", c.tp},
            {"pp", c.pp},
            {"ep", c.ep},
            {"gpus", c.gpus},
            {"stages", c.stages}}},
          {"failure", e.failure},
          {"kv_tokens", e.kv_tokens},
          {"kv_bytes_per_token", e.kv_bytes_per_token},
          {"prefill_alone", e.prefill_alone},
          {"chunk", e.chunk},
          {"prompt_steps", e.prompt_steps},
          {"prompt_tokens", e.prompt_tokens},
          {"tpot_cv", e.tpot_cv},
          {"prefill_batch", e.prefill_batch},
          {"prefill_batch_time", e.prefill_batch_time},
          {"server_latency", e.server_latency},
          {"link_bandwidth", e.link_bandwidth},
          {"link_latency", e.link_latency},
          {"price", e.price},
          {"points", points}};
}

ConfigEval eval_from(const JsonView& v) {
  ConfigEval e;
  e.index = static_cast<std::size_t>(v.integer("index", 0, 1LL << 40));
  const JsonView c = v.object("config");
  e.config.hw = c.string("hw");
  e.config.engine = c.string("engine");
  e.config.dtype = c.string("dtype");
  e.config.kv_dtype = c.string("kv_dtype");
  e.config.tp = static_cast<unsigned>(c.integer("tp", 1, 1 << 20));
  e.config.pp = static_cast<unsigned>(c.integer("pp", 1, 1 << 20));
  e.config.ep = static_cast<unsigned>(c.integer("ep", 1, 1 << 20));
  e.config.gpus = static_cast<unsigned>(c.integer("gpus", 1, 1 << 30));
  const nlohmann::json& stages = c.raw()["stages"];
  if (!stages.is_array()) c.fail("stages", "a list of GPU kinds", type_name(stages));
  for (const auto& k : stages) {
    if (!k.is_string()) c.fail("stages", "GPU kinds (strings)", k.dump());
    e.config.stages.push_back(k.get<std::string>());
  }
  e.failure = v.string("failure");
  e.kv_tokens = v.number("kv_tokens", 0, 1e300);
  e.kv_bytes_per_token = v.number("kv_bytes_per_token", 0, 1e300);
  e.prefill_alone = v.number("prefill_alone", 0, 1e300);
  e.chunk = v.number("chunk", 0, 1e300);
  e.prompt_steps = static_cast<unsigned>(v.integer("prompt_steps", 0, 1 << 30));
  e.prompt_tokens = v.number("prompt_tokens", 0, 1e300);
  e.tpot_cv = v.number("tpot_cv", 0, 1e300);
  e.prefill_batch = v.number("prefill_batch", 0, 1e300);
  e.prefill_batch_time = v.number("prefill_batch_time", 0, 1e300);
  e.server_latency = v.number("server_latency", 0, 1e300);
  e.link_bandwidth = v.number("link_bandwidth", 0, 1e300);
  e.link_latency = v.number("link_latency", 0, 1e300);
  e.price = v.number("price", 0, 1e300);
  const nlohmann::json& points = v.raw()["points"];
  if (!points.is_array()) v.fail("points", "an array", type_name(points));
  for (const auto& p : points) {
    if (!p.is_array() || p.size() != 6 || !p[4].is_boolean() || !p[5].is_number())
      v.fail("points", "[batch, step, decode_step, mixed_step, feasible, share] entries", p.dump());
    for (int i = 0; i < 4; ++i)
      if (!p[i].is_number()) v.fail("points", "numbers", p.dump());
    e.points.push_back(BatchPoint{p[0].get<double>(), p[1].get<double>(), p[2].get<double>(), p[3].get<double>(),
                                  p[4].get<bool>(), p[5].get<double>()});
  }
  return e;
}

}  // namespace

std::string shard_to_text(const ShardFile& f) {
  nlohmann::json doc = {{"genz_plan_part", kFormat}, {"shard", f.shard}, {"shards", f.shards},
                        {"total", f.total},          {"args", f.args},   {"evaluations", nlohmann::json::array()}};
  for (const ConfigEval& e : f.evals) doc["evaluations"].push_back(to_json(e));
  return doc.dump(1) + "\n";
}

ShardFile shard_from_text(const std::string& text, const std::string& source) {
  const nlohmann::json doc = parse_json(text, source);
  const JsonView v(doc, source);
  if (v.integer("genz_plan_part", 0, 1000) != kFormat)
    v.fail("genz_plan_part", "format " + std::to_string(kFormat) + " (a part written by this genz)",
           doc["genz_plan_part"].dump());
  ShardFile f;
  f.shards = static_cast<unsigned>(v.integer("shards", 1, 100000));
  f.shard = static_cast<unsigned>(v.integer("shard", 1, f.shards));
  f.total = static_cast<std::size_t>(v.integer("total", 0, 1LL << 40));
  const nlohmann::json& args = doc["args"];
  if (!args.is_array()) v.fail("args", "the command's arguments", type_name(args));
  for (const auto& a : args) {
    if (!a.is_string()) v.fail("args", "strings", a.dump());
    f.args.push_back(a.get<std::string>());
  }
  const nlohmann::json& evals = doc["evaluations"];
  if (!evals.is_array()) v.fail("evaluations", "an array", type_name(evals));
  for (std::size_t i = 0; i < evals.size(); ++i)
    f.evals.push_back(eval_from(JsonView(evals[i], source, "/evaluations/" + std::to_string(i))));
  return f;
}

std::vector<ConfigEval> join_shards(const std::vector<ShardFile>& parts, const std::vector<std::string>& sources) {
  if (parts.empty()) throw InputError("plan merge: give the --out directories of the parts");
  const ShardFile& first = parts.front();
  std::vector<int> seen(first.shards + 1, -1);
  std::vector<ConfigEval> all(first.total);
  std::vector<char> have(first.total, 0);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const ShardFile& p = parts[i];
    if (p.args != first.args || p.shards != first.shards || p.total != first.total)
      throw InputError("plan merge: " + sources[i] + " is a part of another search than " + sources[0] +
                       " (the arguments, the number of parts or of configurations differ)");
    if (seen[p.shard] >= 0)
      throw InputError("plan merge: part " + std::to_string(p.shard) + "/" + std::to_string(p.shards) +
                       " given twice (" + sources[seen[p.shard]] + " and " + sources[i] + ")");
    seen[p.shard] = static_cast<int>(i);
    for (const ConfigEval& e : p.evals) {
      if (e.index >= first.total || have[e.index])
        throw InputError("plan merge: " + sources[i] + ": configuration " + std::to_string(e.index) +
                         " is out of range or in two parts");
      have[e.index] = 1;
      all[e.index] = e;
    }
  }
  std::string missing;
  for (unsigned k = 1; k <= first.shards; ++k)
    if (seen[k] < 0) missing += (missing.empty() ? "" : ", ") + std::to_string(k);
  if (!missing.empty())
    throw InputError("plan merge: part(s) " + missing + " of " + std::to_string(first.shards) +
                     " missing; run genz plan --shard K/" + std::to_string(first.shards) + " for each");
  if (std::count(have.begin(), have.end(), 0) > 0)
    throw InputError("plan merge: the parts do not cover every configuration of the search");
  return all;
}

}  // namespace genz::plan
