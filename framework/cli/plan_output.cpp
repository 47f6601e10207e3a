#include "plan_output.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "genz/sdk/text_format.hpp"

namespace genz::cli {
namespace {

using plan::Candidate;
using plan::Mode;

constexpr std::size_t kListed = 20;  // candidates listed in the table and plan.json's ranking

}  // namespace

std::string label_of(const PlanReport& r, const Candidate& c) {
  const std::string decode = r.evals[c.config].config.label();
  if (c.mode == Mode::aggregated) return std::to_string(c.replicas) + " x " + decode;
  return std::to_string(c.prefill_workers) + " x " + r.evals[c.prefill_config].config.label() + " (prefill) + " +
         std::to_string(c.replicas) + " x " + decode + " (decode)";
}

namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

nlohmann::ordered_json config_json(const plan::ReplicaConfig& c) {
  return {{"hw", c.hw}, {"engine", c.engine}, {"dtype", c.dtype}, {"kv_dtype", c.kv_dtype},
          {"tp", c.tp}, {"pp", c.pp},         {"ep", c.ep},       {"gpus", c.gpus}};
}

nlohmann::ordered_json candidate_json(const PlanReport& r, std::size_t i) {
  const Candidate& c = r.result.candidates[i];
  nlohmann::ordered_json j;
  j["deployment"] = label_of(r, c);
  j["mode"] = plan::mode_name(c.mode);
  j[c.mode == Mode::aggregated ? "replica" : "decode"] = config_json(r.evals[c.config].config);
  if (c.mode == Mode::disaggregated) {
    j["prefill"] = config_json(r.evals[c.prefill_config].config);
    j["prefill_workers"] = c.prefill_workers;
  }
  j["replicas"] = c.replicas;
  j["max_batch"] = c.max_batch;
  j["gpus"] = c.gpus;
  j["running_per_replica"] = c.batch;
  j["ttft_ms"] = c.ttft * 1e3;
  j["tpot_ms"] = c.tpot * 1e3;
  j["request_rate"] = c.request_rate;
  j["output_tokens_per_s_per_gpu"] = c.throughput_per_gpu;
  j["output_tokens_per_s_per_user"] = c.tokens_per_user;
  if (c.cost_per_hour > 0) {
    j["cost_per_hour"] = c.cost_per_hour;
    j["output_tokens_per_dollar"] = c.tokens_per_dollar;
  }
  j["status"] = plan::miss_name(c.miss);
  j["pareto"] = c.pareto;
  return j;
}

nlohmann::ordered_json recheck_json(const PlanReport& r, const Recheck& k) {
  nlohmann::ordered_json j;
  j["deployment"] = label_of(r, r.result.candidates[k.candidate]);
  j["command"] = command_text(k.args);
  const std::string p = "p" + fmt("%g", r.request.targets.percentile);
  j["simulated"] = {{"ttft_" + p + "_ms", k.ttft * 1e3},
                    {"tpot_" + p + "_ms", k.tpot * 1e3},
                    {"output_tokens_per_s", k.output_throughput},
                    {"output_tokens_per_s_per_gpu", k.throughput_per_gpu},
                    {"finished", k.finished},
                    {"requests", k.requests},
                    {"overloaded", k.overloaded},
                    {"meets_targets", k.meets}};
  const Candidate& c = r.result.candidates[k.candidate];
  j["planned"] = {{"ttft_" + p + "_ms", c.ttft * 1e3},
                  {"tpot_" + p + "_ms", c.tpot * 1e3},
                  {"output_tokens_per_s_per_gpu", c.throughput_per_gpu}};
  return j;
}

std::string family_of(const PlanReport& r, const plan::Rejection& x) {
  std::string s = r.evals[x.config].config.label();
  if (x.mode == Mode::disaggregated) s = r.evals[x.prefill_config].config.label() + " (prefill) + " + s + " (decode)";
  return s;
}

}  // namespace

std::string command_text(const std::vector<std::string>& args) {
  std::string s = "genz";
  for (const auto& a : args) {
    const bool plain = !a.empty() && a.find_first_not_of(
                                         "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                         "0123456789-_=.,/:@+") == std::string::npos;
    if (plain) {
      s += " " + a;
      continue;
    }
    std::string q = "'";
    for (char ch : a) q += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    s += " " + q + "'";
  }
  return s;
}

std::string plan_json(const PlanReport& r) {
  nlohmann::ordered_json j;
  const plan::PlanRequest& q = r.request;
  j["model"] = r.model;
  j["traffic"] = {{"description", r.traffic},
                  {"mean_input_tokens", q.traffic.input},
                  {"mean_output_tokens", q.traffic.output},
                  {"input_tokens_at_percentile", q.traffic.input_at_percentile},
                  {"rate", q.traffic.rate},
                  {"concurrency", q.traffic.concurrency},
                  {"mean_shared_prefix_tokens", q.traffic.prefix},
                  {"distinct_prefix_tokens", q.traffic.prefix_resident}};
  j["targets"] = {
      {"ttft_ms", q.targets.ttft * 1e3}, {"tpot_ms", q.targets.tpot * 1e3}, {"percentile", q.targets.percentile}};
  j["budget"] = {{"gpus", q.budget.gpus}, {"max_cost_per_hour", q.budget.max_cost}, {"prices", r.prices}};
  std::size_t met = r.result.ranked.size();
  j["searched"] = {
      {"configurations", r.configurations}, {"candidates", r.result.candidates.size()}, {"meeting_targets", met}};
  if (r.chosen >= 0) {
    j["chosen"] = candidate_json(r, static_cast<std::size_t>(r.chosen));
    for (const Recheck& k : r.rechecks)
      if (k.candidate == static_cast<std::size_t>(r.chosen)) j["chosen"]["rechecked"] = recheck_json(r, k);
  }
  if (!r.result.unreachable.empty()) j["unreachable"] = r.result.unreachable;
  j["rechecked"] = nlohmann::ordered_json::array();
  for (const Recheck& k : r.rechecks) j["rechecked"].push_back(recheck_json(r, k));
  if (!r.recheck_note.empty()) j["recheck_note"] = r.recheck_note;
  j["ranked"] = nlohmann::ordered_json::array();
  for (std::size_t n = 0; n < std::min(kListed, met); ++n) j["ranked"].push_back(candidate_json(r, r.result.ranked[n]));
  j["pareto"] = nlohmann::ordered_json::array();
  for (std::size_t i : r.result.pareto) j["pareto"].push_back(candidate_json(r, i));
  j["rejected"] = nlohmann::ordered_json::array();
  for (const plan::Rejection& x : r.result.rejections)
    j["rejected"].push_back({{"mode", plan::mode_name(x.mode)},
                             {"configuration", family_of(r, x)},
                             {"why", plan::miss_name(x.why)},
                             {"detail", x.detail}});
  return j.dump(2) + "\n";
}

std::string plan_csv(const PlanReport& r) {
  using reports::csv_field;
  std::ostringstream out;
  out << "Rank,Mode,Deployment,GPUs,Replicas,Prefill_Workers,Max_Batch,Running_per_Replica,TTFT(ms),TPOT(ms),"
         "Request_Rate(req/s),Output_Tokens_per_s_per_GPU,Output_Tokens_per_s_per_User,Cost($/h),Tokens_per_Dollar,"
         "Pareto,Status\n";
  std::vector<long> rank(r.result.candidates.size(), 0);
  for (std::size_t n = 0; n < r.result.ranked.size(); ++n) rank[r.result.ranked[n]] = static_cast<long>(n + 1);
  for (std::size_t i = 0; i < r.result.candidates.size(); ++i) {
    const Candidate& c = r.result.candidates[i];
    out << (rank[i] ? std::to_string(rank[i]) : "") << "," << plan::mode_name(c.mode) << ","
        << csv_field(label_of(r, c)) << "," << c.gpus << "," << c.replicas << "," << c.prefill_workers << ","
        << c.max_batch << "," << fmt("%.2f", c.batch) << "," << fmt("%.3f", c.ttft * 1e3) << ","
        << fmt("%.3f", c.tpot * 1e3) << "," << fmt("%.4f", c.request_rate) << "," << fmt("%.2f", c.throughput_per_gpu)
        << "," << fmt("%.2f", c.tokens_per_user) << "," << fmt("%.2f", c.cost_per_hour) << ","
        << fmt("%.0f", c.tokens_per_dollar) << "," << (c.pareto ? "yes" : "no") << "," << plan::miss_name(c.miss)
        << "\n";
  }
  return out.str();
}

void print_plan(std::ostream& os, const PlanReport& r) {
  const plan::PlanRequest& q = r.request;
  os << r.model << ", " << r.traffic << "; targets TTFT p" << q.targets.percentile << " "
     << (q.targets.ttft > 0 ? fmt("%.0f ms", q.targets.ttft * 1e3) : "none") << ", TPOT p" << q.targets.percentile
     << " " << (q.targets.tpot > 0 ? fmt("%.1f ms", q.targets.tpot * 1e3) : "none") << "\n";
  os << r.configurations << " configurations, " << r.result.candidates.size() << " candidate deployments, "
     << r.result.ranked.size() << " meet the targets\n";
  if (!r.result.unreachable.empty()) os << r.result.unreachable << "\n";
  const bool priced = q.budget.priced;
  char line[512];
  std::snprintf(line, sizeof line, "\n%4s %-70s %5s %9s %9s %10s %9s%s\n", "rank", "deployment", "GPUs", "TTFT ms",
                "TPOT ms", "tok/s/GPU", "tok/s/usr", priced ? "   tok/$" : "");
  os << line;
  for (std::size_t n = 0; n < std::min(kListed, r.result.ranked.size()); ++n) {
    const Candidate& c = r.result.candidates[r.result.ranked[n]];
    std::string label = label_of(r, c) + " b" + std::to_string(c.max_batch);
    if (label.size() > 70) label = label.substr(0, 67) + "...";
    std::snprintf(line, sizeof line, "%4zu %-70s %5u %9.1f %9.2f %10.1f %9.1f%s%s\n", n + 1, label.c_str(), c.gpus,
                  c.ttft * 1e3, c.tpot * 1e3, c.throughput_per_gpu, c.tokens_per_user,
                  priced ? fmt(" %8.0f", c.tokens_per_dollar).c_str() : "", c.pareto ? " *" : "");
    os << line;
  }
  if (!r.result.ranked.empty()) os << "(* on the Pareto front of tokens/s per GPU against tokens/s per user)\n";
  if (!r.rechecks.empty()) os << "\nre-checked with the serving simulation (planned -> simulated):\n";
  for (const Recheck& k : r.rechecks) {
    const Candidate& c = r.result.candidates[k.candidate];
    std::snprintf(line, sizeof line, "  %s b%u: TTFT %.1f -> %.1f ms, TPOT %.2f -> %.2f ms, tok/s/GPU %.1f -> %.1f%s\n",
                  label_of(r, c).c_str(), c.max_batch, c.ttft * 1e3, k.ttft * 1e3, c.tpot * 1e3, k.tpot * 1e3,
                  c.throughput_per_gpu, k.throughput_per_gpu, k.meets ? "" : "  (misses in simulation)");
    os << line << "    " << command_text(k.args) << "\n";
  }
  if (!r.recheck_note.empty()) os << "  " << r.recheck_note << "\n";
  if (r.chosen >= 0)
    os << "\nchosen: " << label_of(r, r.result.candidates[static_cast<std::size_t>(r.chosen)]) << ", batch limit "
       << r.result.candidates[static_cast<std::size_t>(r.chosen)].max_batch << "\n";
  std::vector<std::pair<std::string, std::size_t>> why;
  for (const plan::Rejection& x : r.result.rejections) {
    const std::string w = plan::miss_name(x.why);
    auto it = std::find_if(why.begin(), why.end(), [&](const auto& p) { return p.first == w; });
    if (it == why.end())
      why.emplace_back(w, 1);
    else
      ++it->second;
  }
  if (!why.empty())
    os << "\nrejected families (each configuration or prefill/decode pair; --out or --json for each):\n";
  for (const auto& [w, n] : why) os << "  " << n << " " << w << "\n";
}

}  // namespace genz::cli
