// What genz plan prints and writes: the table on the terminal, and plan.json,
// plan.csv (every candidate) and plan.html (the Pareto chart and the chosen
// configurations) under --out.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "genz/planning/plan_search.hpp"
#include "genz/planning/price_table.hpp"

namespace genz::cli {

/// A candidate run through `genz simulate`.
struct Recheck {
  std::size_t candidate = 0;
  std::vector<std::string> args;  // genz simulate's arguments
  double ttft = 0, tpot = 0;      // s, at the targets' percentile
  double output_throughput = 0;   // tokens/s, the whole deployment
  double throughput_per_gpu = 0;
  unsigned long long finished = 0, requests = 0;
  bool overloaded = false, meets = false;
};

struct PlanReport {
  std::string model;
  plan::PlanRequest request;
  std::string traffic;  // described
  std::string prices;   // the table's origin ("" without prices)
  std::size_t configurations = 0;
  std::vector<plan::ConfigEval> evals;
  plan::PlanResult result;
  std::vector<Recheck> rechecks;
  std::string recheck_note;  // why some were not re-checked
  long chosen = -1;          // candidate index, -1: none
};

/// "2 x h100 TP4xPP1 fp8/kv bf16 trtllm", or the two pools of a disaggregated one.
std::string label_of(const PlanReport& r, const plan::Candidate& c);
/// "genz simulate --model ... " as a shell would take it.
std::string command_text(const std::vector<std::string>& args);

void print_plan(std::ostream& os, const PlanReport& r);
std::string plan_json(const PlanReport& r);
std::string plan_csv(const PlanReport& r);
std::string plan_html(const PlanReport& r);

}  // namespace genz::cli
