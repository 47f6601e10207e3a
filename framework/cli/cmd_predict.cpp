// genz [predict]: one request from the flags, or every request of a trace.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>

#include "commands.hpp"
#include "genz/calibration/accuracy.hpp"
#include "genz/host/error.hpp"
#include "genz/io/output_dir.hpp"
#include "genz/io/report_run.hpp"
#include "genz/io/trace_reader.hpp"
#include "genz/sdk/version.hpp"
#include "run_info.hpp"
#include "session.hpp"
#include "speculation.hpp"
#include "text_output.hpp"

namespace genz::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

void check_context(const Options& o, const Request& r, const ModelInfo& info) {
  check_request(r, info);
  if (info.max_context == 0 || r.input + r.output <= info.max_context) return;
  const std::string msg = "prompt + output = " + std::to_string(static_cast<long long>(r.input + r.output)) +
                          " tokens exceeds " + info.name + "'s context window of " + std::to_string(info.max_context);
  if (o.context_policy == "error") throw InputError(msg + " (--context-limit error)");
  spdlog::warn("{}; predicting anyway (--context-limit error refuses)", msg);
}

void log_notes(const Session& s) {
  spdlog::info("{} on {} ({}), engine {}, comm {}, weights {} / activations {} / KV {}", s.model->info().name,
               s.hardware->spec().name, describe(s.layout), s.engine.name, s.comm.name(), s.weights_name(),
               name_of(s.precision.activations), name_of(s.precision.kv_cache));
  for (const auto& n : s.notes) spdlog::info("{}", n);
}

RequestRecord make_record(std::uint64_t index, std::string id, const Request& r, const Prediction& p, double seconds) {
  RequestRecord rec;
  rec.index = index;
  rec.id = std::move(id);
  rec.batch = r.batch;
  rec.input_tokens = r.input;
  rec.output_tokens = r.output;
  rec.beam = r.beam;
  rec.predicted = p;
  rec.simulation_seconds = seconds;
  return rec;
}

// The --json document of one request, from an opened session.
std::string single_json(const Session& s, const Options& o, const Request& r, const Prediction& p, double secs) {
  ReportRun run(*s.registry, {{"json", R"({"file": "stdout.json"})"}});
  MemorySink sink;
  run.begin(run_info(s, o, ""), sink);
  run.add(make_record(0, "0", r, p, secs));
  RunSummary summary;
  summary.requests = 1;
  summary.memory = to_report(s.memory, r);
  summary.notes = s.notes;
  run.end(summary);
  return sink.text();
}

// The request the flags describe, predicted on the session they ask for.
struct SinglePrediction {
  std::unique_ptr<Session> session;
  std::unique_ptr<Speculation> speculation;  // --spec-draft/--spec-eagle/--mtp
  Request request;
  Prediction prediction;
  double seconds = 0;  // wall clock of the prediction alone
};

SinglePrediction predict_single(const Options& o, std::shared_ptr<const PluginRegistry> registry) {
  SinglePrediction out;
  out.request = Request{o.input_tokens, o.output_tokens, o.batch, o.beam, o.prefix_cached.value_or(0)};
  if (out.request.cached > out.request.input)
    throw InputError("--prefix-cached " + std::to_string(static_cast<long long>(out.request.cached)) +
                     ": longer than the prompt of " + std::to_string(static_cast<long long>(out.request.input)) +
                     " tokens (--input-tokens)");
  check_request(out.request, ModelInfo{});
  out.session = open_session(registry, o, out.request);
  check_context(o, out.request, out.session->model->info());
  out.speculation = open_speculation(o, registry, *out.session, out.request);
  if (out.speculation) time_speculation(*out.speculation, *out.session, out.request);
  const auto t0 = Clock::now();
  out.prediction = out.session->predictor->predict(out.request);
  if (out.speculation) apply_speculation(out.prediction, out.request, out.speculation->step);
  out.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return out;
}

int run_single(const Options& o) {
  auto registry = std::make_shared<PluginRegistry>();
  load_plugins(*registry, o);
  SinglePrediction one = predict_single(o, registry);
  Session& s = *one.session;
  const Request& r = one.request;
  const Prediction& p = one.prediction;
  log_notes(s);
  if (o.json) {
    std::cout << single_json(s, o, r, p, one.seconds);
    return 0;
  }
  std::cout << s.model->info().name << " on " << s.hardware->spec().name << " (" << describe(s.layout) << "), engine "
            << s.engine.name << ", comm " << s.comm.name() << "\n";
  print_prediction(std::cout, r, p);
  if (one.speculation) print_speculation(std::cout, *one.speculation);
  if (s.layout.world() > 1) {
    const double mid = r.input + std::floor((r.output - 1) / 2);
    print_comm_split(std::cout, s.predictor->prefill_breakdown(r),
                     r.output > 1 ? s.predictor->decode_breakdown(r, mid) : std::vector<OpLine>{});
  }
  if (o.breakdown) {
    print_breakdown(std::cout, "prefill of " + std::to_string(static_cast<long long>(r.input)) + " tokens",
                    s.predictor->prefill_breakdown(r));
    if (r.output > 1 && one.speculation) {
      print_speculation_breakdown(std::cout, s, *one.speculation, r);
    } else if (r.output > 1) {
      const double ctx = r.input + std::floor((r.output - 1) / 2);
      print_breakdown(std::cout,
                      "decode step at " + std::to_string(static_cast<long long>(ctx + 1)) + " tokens of context",
                      s.predictor->decode_breakdown(r, ctx));
    }
  }
  if (o.memory) print_memory(std::cout, to_report(s.memory, r));
  return 0;
}

struct TraceScan {
  Request largest;
  std::size_t rows = 0;
  bool measured = false;
};

// A first pass validates every row before anything is written, and finds the
// largest request (the one that must fit in memory).
TraceScan scan_trace(const std::string& path) {
  TraceReader reader(CsvReader::open_file(path, "--trace"));
  TraceScan scan;
  TraceRow row;
  double worst = -1;
  while (reader.next(row)) {
    const double size = (row.request.input + row.request.output) * row.request.batch * row.request.beam;
    if (size > worst) {
      worst = size;
      scan.largest = row.request;
    }
  }
  scan.rows = reader.rows();
  scan.measured = reader.has_measurements();
  if (scan.rows == 0) throw InputError(path + ": the trace has a header but no requests");
  return scan;
}

std::vector<std::pair<std::string, std::string>> chosen_reports(const Options& o, bool summary_dir) {
  std::vector<std::string> names = o.reports;
  if (names.empty())
    names = summary_dir ? std::vector<std::string>{"csv"} : std::vector<std::string>{"csv", "html", "json"};
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& n : names) {
    if (n == "none") continue;
    std::string config = "{}";
    if (n == "csv" && summary_dir) config = R"({"predictions_file": "chat-sim.csv"})";
    out.emplace_back(n, config);
  }
  return out;
}

class Progress {
 public:
  Progress(std::size_t total, bool enabled)
      : total_(total), on_(enabled && ::isatty(STDERR_FILENO) && total >= 20000) {}
  void tick(std::size_t done) {
    if (!on_ || (done % 4096 != 0 && done != total_)) return;
    const int pct = static_cast<int>(100.0 * static_cast<double>(done) / static_cast<double>(total_));
    const int bar = pct / 4;
    std::fprintf(stderr, "\r  [%.*s%*s] %3d%% %zu/%zu", bar, "=========================", 25 - bar, "", pct, done,
                 total_);
    if (done == total_) std::fprintf(stderr, "\n");
  }

 private:
  std::size_t total_;
  bool on_;
};

// Predicts every request of the trace; writes the chosen reports into the
// output directory (none: no directory is touched) and, with json_out, the
// --json document there.
// print_summary: the CLI's accuracy table on stderr (a library caller reads
// the accuracy from the document instead).
void trace_run(const Options& o, std::shared_ptr<const PluginRegistry> registry, std::string* json_out,
               bool print_summary) {
  const bool summary_dir = !o.summary_dir.empty();
  const std::string trace = summary_dir ? (fs::path(o.summary_dir) / "chat.csv").string() : o.trace;
  const fs::path out_dir = summary_dir ? fs::path(o.summary_dir) : fs::path(o.out_dir.empty() ? "genz-out" : o.out_dir);
  const auto wall0 = Clock::now();
  const TraceScan scan = scan_trace(trace);
  auto session = open_session(std::move(registry), o, scan.largest);
  Session& s = *session;
  check_context(o, scan.largest, s.model->info());
  log_notes(s);
  s.predictor->enable_tables(true);

  ReportRun reports(*s.registry, chosen_reports(o, summary_dir));
  std::optional<OutputDirectory> files;
  MemorySink no_files;
  if (!reports.empty()) files.emplace(out_dir, std::vector<fs::path>{fs::path(trace)});
  OutputSink& sink = files ? static_cast<OutputSink&>(*files) : no_files;
  const RunInfo info = run_info(s, o, trace, scan.measured);
  reports.begin(info, sink);
  // --json: the json reporter's document on stdout as well (kept in memory).
  std::optional<ReportRun> to_stdout;
  MemorySink stdout_sink;
  if (json_out != nullptr) {
    to_stdout.emplace(*s.registry,
                      std::vector<std::pair<std::string, std::string>>{{"json", R"({"file": "stdout.json"})"}});
    to_stdout->begin(info, stdout_sink);
  }
  AccuracyAccumulator accuracy;
  TraceReader reader(CsvReader::open_file(trace, "--trace"));
  Progress progress(scan.rows, o.progress);
  TraceRow row;
  std::size_t inconsistent = 0;
  while (reader.next(row)) {
    const auto t0 = Clock::now();
    const Prediction p = s.predictor->predict(row.request);
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    RequestRecord rec = make_record(reader.rows() - 1, row.id, row.request, p, secs);
    rec.measured = row.measured;
    if (const double d = inconsistency(row.measured, row.request.output); d != 0) {
      ++inconsistent;
      char note[160];
      std::snprintf(note, sizeof note, "measured TTFT+(n-1)*TPOT differs from measured E2E by %+.1f ms", d * 1e3);
      rec.notes = note;
    }
    accuracy.add(p, row.measured);
    reports.add(rec);
    if (to_stdout) to_stdout->add(rec);
    progress.tick(reader.rows());
  }
  RunSummary summary;
  summary.requests = reader.rows();
  summary.accuracy = accuracy.summarize();
  summary.memory = to_report(s.memory, scan.largest);
  summary.notes = s.notes;
  std::string inconsistency_warning;
  if (inconsistent > 0) {
    inconsistency_warning = std::to_string(inconsistent) +
                            " trace rows have a measured TTFT that disagrees with their own E2E - (n-1) * TPOT (by "
                            "more than 2 % of the TTFT)";
    summary.notes.push_back(inconsistency_warning);
  }
  summary.wall_seconds = std::chrono::duration<double>(Clock::now() - wall0).count();
  reports.end(summary);
  if (to_stdout) to_stdout->end(summary);
  const auto written = files ? files->commit() : std::vector<fs::path>{};
  if (to_stdout) *json_out = stdout_sink.text();
  spdlog::info("{} requests predicted in {:.3f} s", summary.requests, summary.wall_seconds);
  if (!inconsistency_warning.empty()) spdlog::warn("{}", inconsistency_warning);
  if (print_summary && !summary.accuracy.empty()) {
    std::cerr << "accuracy against the measurements in " << trace << ":\n";
    print_accuracy(std::cerr, summary.accuracy);
  }
  for (const auto& f : written) spdlog::info("wrote {}", f.string());
}

int run_trace(const Options& o) {
  auto registry = std::make_shared<PluginRegistry>();
  load_plugins(*registry, o);
  std::string json;
  trace_run(o, registry, o.json ? &json : nullptr, true);
  std::cout << json;
  return 0;
}

}  // namespace

std::string predict_json(const Options& o, std::shared_ptr<const PluginRegistry> registry) {
  const SinglePrediction one = predict_single(o, std::move(registry));
  return single_json(*one.session, o, one.request, one.prediction, one.seconds);
}

std::string trace_json(const Options& o, std::shared_ptr<const PluginRegistry> registry) {
  std::string json;
  trace_run(o, std::move(registry), &json, false);
  return json;
}

int run_predict(const Options& o) {
  if (!o.trace.empty() || !o.summary_dir.empty()) return run_trace(o);
  return run_single(o);
}

}  // namespace genz::cli
