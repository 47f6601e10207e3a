// genz simulate: a serving deployment under a stream of requests (see
// framework/include/genz/serving/). Prints the summary; --out DIR writes the
// per-request records, the summary, time series and latency CDFs through
// the reporters; --json prints the json reporter's document.
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <optional>

#include "commands.hpp"
#include "genz/host/error.hpp"
#include "genz/io/output_dir.hpp"
#include "genz/io/report_run.hpp"
#include "genz/serving/kv_capacity.hpp"
#include "genz/serving/summary.hpp"
#include "run_info.hpp"
#include "serving_options.hpp"
#include "session.hpp"

namespace genz::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

void print_summary(std::ostream& os, const ServingSummary& s, const KvCapacity& kv) {
  char line[256];
  auto row = [&](const char* name, const Percentiles& p) {
    std::snprintf(line, sizeof line, "  %-22s %10.2f %10.2f %10.2f %10.2f %10.2f\n", name, p.mean * 1e3, p.p50 * 1e3,
                  p.p90 * 1e3, p.p99 * 1e3, p.max * 1e3);
    os << line;
  };
  std::snprintf(line, sizeof line,
                "requests %llu: finished %llu, rejected %llu, unfinished %llu; preemptions %llu; %llu steps\n",
                static_cast<unsigned long long>(s.requests), static_cast<unsigned long long>(s.finished),
                static_cast<unsigned long long>(s.rejected), static_cast<unsigned long long>(s.unfinished),
                static_cast<unsigned long long>(s.preemptions), static_cast<unsigned long long>(s.steps));
  os << line;
  for (const auto& [why, n] : s.reject_reasons)
    os << "  rejected " << n << " request" << (n == 1 ? "" : "s") << ": " << why << "\n";
  std::snprintf(line, sizeof line, "  %-22s %10s %10s %10s %10s %10s\n", "latency (ms)", "mean", "p50", "p90", "p99",
                "max");
  os << line;
  row("TTFT", s.ttft);
  row("TPOT", s.tpot);
  row("inter-token latency", s.itl);
  row("E2E", s.e2e);
  row("queueing", s.queueing);
  std::snprintf(line, sizeof line,
                "throughput: %.3f req/s (offered %.3f), %.1f output tok/s, %.1f total tok/s over %.2f s\n",
                s.request_throughput, s.offered_rate, s.output_throughput, s.total_throughput, s.duration);
  os << line;
  if (s.slo_ttft > 0 || s.slo_tpot > 0) {
    std::snprintf(line, sizeof line, "goodput: %.3f req/s (%.1f %% of requests meet TTFT <= %g ms, TPOT <= %g ms)\n",
                  s.goodput, s.slo_attainment * 100, s.slo_ttft * 1e3, s.slo_tpot * 1e3);
    os << line;
  }
  std::snprintf(line, sizeof line,
                "batch: mean %.1f running (max %.0f), mean decode batch %.1f; KV cache %.0f tokens (%.2f GiB, "
                "%.0f blocks), mean use %.1f %%, max %.1f %%\n",
                s.mean_running, s.max_running, s.mean_decode_batch, kv.tokens, kv.bytes / 1073741824.0, s.kv_blocks,
                s.mean_kv_use * 100, s.max_kv_use * 100);
  os << line;
  std::snprintf(line, sizeof line, "checks: Little's law L = %.3f, lambda W = %.3f (%+.3f %%); tokens %.0f of %.0f\n",
                s.little_l, s.little_lambda_w, s.little_error_pct, s.tokens_generated, s.tokens_expected);
  os << line;
  if (s.spec_tokens_per_step > 0) {
    std::snprintf(line, sizeof line, "speculative decoding: %.3f tokens per verify step, as drawn\n",
                  s.spec_tokens_per_step);
    os << line;
  }
  if (s.prefix_admissions > 0) {
    std::snprintf(line, sizeof line,
                  "prefix cache: %.1f %% of %.0f admissions with a shared prefix found it cached, %.1f %% of their "
                  "prompt tokens served from the cache; %.0f prefixes evicted\n",
                  s.prefix_request_hit_rate * 100, s.prefix_admissions, s.prefix_token_hit_rate * 100,
                  s.prefix_evictions);
    os << line;
  }
  if (s.overloaded) {
    std::snprintf(line, sizeof line,
                  "OVERLOADED: requests arrive faster than they are served; the queue grew by %.3f req/s%s\n",
                  s.queue_growth, s.hit_time_limit ? " and the run stopped at its simulated-time limit" : "");
    os << line;
  }
}

RequestRecord record_of(std::size_t i, const RequestResult& q, ServingRecord& serving,
                        const std::vector<std::string>& reasons) {
  RequestRecord rec;
  rec.index = i;
  rec.id = std::to_string(i);
  rec.input_tokens = q.input;
  rec.output_tokens = q.output;
  serving.arrival = q.arrival;
  serving.preemptions = q.preemptions;
  serving.max_itl = q.max_itl;
  serving.queueing = q.scheduled >= 0 ? q.queueing() : 0;
  if (q.state == RequestState::finished) {
    serving.state = "finished";
    rec.predicted.ttft = q.ttft();
    rec.predicted.tpot = q.tpot();
    rec.predicted.e2e = q.e2e();
  } else if (q.state == RequestState::rejected) {
    serving.state = "rejected: " + (q.reject_reason < reasons.size() ? reasons[q.reject_reason] : std::string());
  } else {
    serving.state = "unfinished";
  }
  rec.serving = &serving;
  return rec;
}

std::vector<std::pair<std::string, std::string>> chosen(const Options& o) {
  std::vector<std::string> names = o.reports.empty() ? std::vector<std::string>{"csv", "html", "json"} : o.reports;
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& n : names)
    if (n != "none") out.emplace_back(n, "{}");
  return out;
}

struct Outcome {
  RunInfo info;
  RunSummary summary;
};

void write_reports(const Options& o, const Session& s, const Outcome& run, const SimulationResult& r) {
  const bool files = !o.out_dir.empty();
  if (!files && !o.json) return;
  ReportRun reports(*s.registry, files ? chosen(o) : std::vector<std::pair<std::string, std::string>>{});
  std::optional<OutputDirectory> dir;
  if (files && !reports.empty()) dir.emplace(fs::path(o.out_dir), input_paths(o));
  MemorySink none, json;
  reports.begin(run.info, dir ? static_cast<OutputSink&>(*dir) : none);
  std::optional<ReportRun> to_stdout;
  if (o.json) {
    to_stdout.emplace(*s.registry,
                      std::vector<std::pair<std::string, std::string>>{{"json", R"({"file": "stdout.json"})"}});
    to_stdout->begin(run.info, json);
  }
  ServingRecord serving;
  for (std::size_t i = 0; i < r.requests.size(); ++i) {
    const RequestRecord rec = record_of(i, r.requests[i], serving, r.reject_reasons);
    reports.add(rec);
    if (to_stdout) to_stdout->add(rec);
  }
  reports.end(run.summary);
  if (to_stdout) to_stdout->end(run.summary);
  const auto written = dir ? dir->commit() : std::vector<fs::path>{};
  for (const auto& f : written) spdlog::info("wrote {}", f.string());
  if (o.json) std::cout << json.text();
}

}  // namespace

int run_simulate(const Options& o) {
  const auto wall0 = Clock::now();
  const SimulationRun sim = run_simulation(o, nullptr);
  const Session& s = *sim.session;
  const SimulationConfig& cfg = sim.config;
  const Workload& w = sim.workload;
  const SimulationResult& r = sim.result;
  const ServingSummary& sum = sim.summary;
  spdlog::info("{} on {} ({}) x {} replica{}, engine {}: {}", s.model->info().name, s.hardware->spec().name,
               describe(s.layout), cfg.replicas, cfg.replicas == 1 ? "" : "s", s.engine.name,
               scheduler_text(cfg.scheduler));
  if (sim.prefill_session)
    spdlog::info("disaggregated: {} prefill worker{} on {} ({}), each prompt's KV cache handed to a decode replica",
                 sim.prefill_config.replicas, sim.prefill_config.replicas == 1 ? "" : "s",
                 sim.prefill_session->hardware->spec().name, describe(sim.prefill_session->layout));
  spdlog::info("traffic: {} ({} requests)", w.description, w.requests.size());
  Outcome run;
  run.info = run_info(s, o, o.trace);
  run.info.serving = true;
  run.info.config.emplace_back("scheduler", scheduler_text(cfg.scheduler));
  run.info.config.emplace_back("replicas", std::to_string(cfg.replicas) + " (" + o.router + ")");
  if (sim.prefill_session)
    run.info.config.emplace_back("prefill workers", std::to_string(sim.prefill_config.replicas) + " on " +
                                                        sim.prefill_session->hardware->spec().name + " (" +
                                                        describe(sim.prefill_session->layout) + ")");
  run.info.config.emplace_back("traffic", w.description);
  run.info.config.emplace_back("prefix caching", prefix_caching_text(o, cfg.scheduler));
  if (sim.speculation) {
    run.info.config.emplace_back("speculative decoding", speculation_text(sim.speculation->config));
    spdlog::info("speculative decoding: {}", speculation_text(sim.speculation->config));
  }
  run.summary.requests = r.requests.size();
  run.summary.memory = to_report(s.memory, sim.largest);
  run.summary.notes = s.notes;
  run.summary.metrics = summary_metrics(sum);
  run.summary.series = summary_series(r);
  // The reports hold no wall time: the same seed writes the same bytes.
  const double wall = std::chrono::duration<double>(Clock::now() - wall0).count();
  if (!o.json) print_summary(std::cout, sum, sim.kv);
  for (const auto& [why, n] : sum.reject_reasons) spdlog::warn("{} request{} rejected: {}", n, n == 1 ? "" : "s", why);
  if (sum.overloaded)
    spdlog::warn("overloaded: the queue grew by {:.3f} req/s{}; {} requests unfinished", sum.queue_growth,
                 sum.hit_time_limit ? ", and the run stopped at its simulated-time limit (--max-sim-time)" : "",
                 sum.unfinished);
  write_reports(o, s, run, r);
  spdlog::info("{} requests simulated in {:.3f} s", r.requests.size(), wall);
  return 0;
}

}  // namespace genz::cli
