#include "genz/calibration/validation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "genz/calibration/accuracy.hpp"
#include "genz/calibration/calibration.hpp"
#include "genz/calibration/memory_check.hpp"
#include "genz/calibration/published.hpp"
#include "genz/engine/composition.hpp"
#include "genz/engine/memory_model.hpp"
#include "genz/host/error.hpp"
#include "genz/io/operator_tables.hpp"

namespace genz {
namespace {

namespace fs = std::filesystem;

ValidationRow row_of(const std::string& dataset, const std::string& metric, std::size_t n, double mape, double median,
                     double p90, double max) {
  ValidationRow r;
  r.dataset = dataset;
  r.metric = metric;
  r.n = n;
  r.mape = mape;
  r.median = median;
  r.p90 = p90;
  r.max = max;
  return r;
}

ValidationRow with_target(ValidationRow r, Stat s, double threshold) {
  r.has_target = true;
  r.target_stat = s;
  r.threshold = threshold;
  return r;
}

ValidationRow from_stat(const std::string& dataset, const ErrorStat& e) {
  return row_of(dataset, e.metric, e.n, e.mape, e.median, e.p90, e.max);
}

// What the RTX 3090 traces were measured with (../shared/data/README.md):
// HF transformers, eager PyTorch, fp16, over PCIe.
std::unique_ptr<Composition> rtx3090_stack(const std::shared_ptr<const PluginRegistry>& reg) {
  Recipe r;
  r.model = "llama2_7b";
  r.hardware = "rtx3090";
  r.comm = "pcie_like";
  r.engine = "hf";
  r.precision = {DType::fp16, DType::fp16, DType::fp16};
  return compose(reg, r);
}

TraceSet read_set(const std::string& path, unsigned tp) {
  TraceSet t;
  t.path = path;
  t.parallel.tp = tp;
  TraceReader reader(CsvReader::open_file(path, "validate"));
  TraceRow row;
  while (reader.next(row)) t.rows.push_back(row);
  return t;
}

void trace_rows(const Composition& st, const TraceSet& t, const std::string& label, std::vector<ValidationRow>& out) {
  Predictor predictor(st.view(st.layout_for(t.parallel), st.precision));
  predictor.enable_tables(true);
  AccuracyAccumulator all, consistent;
  for (const auto& row : t.rows) {
    const Prediction p = predictor.predict(row.request);
    all.add(p, row.measured);
    if (inconsistency(row.measured, row.request.output) == 0) consistent.add(p, row.measured);
  }
  for (const auto& a : all.summarize()) {
    const ValidationRow r = row_of(label, a.metric, a.n, a.mape, a.median, a.p90, a.max);
    out.push_back(with_target(r, Stat::mape, a.metric == "TTFT" ? 5 : 3));
    if (a.metric == "TTFT")
      out.push_back(
          with_target(row_of(label, "TTFT (single request)", a.n, a.mape, a.median, a.p90, a.max), Stat::max, 15));
  }
  for (const auto& a : consistent.summarize())
    if (a.metric == "TTFT") {
      ValidationRow r = row_of(label, "TTFT, rows with E2E = TTFT + (n-1) TPOT", a.n, a.mape, a.median, a.p90, a.max);
      r.note = "excludes rows whose own measurements disagree";
      out.push_back(r);
    }
}

void memory_rows(const Composition& st, const std::string& path, std::vector<ValidationRow>& out) {
  for (const auto& m : read_measured_memory(path)) {
    const Layout layout = st.layout_for(Parallelism{}, 1, 1);
    const MemoryEstimate e =
        estimate_memory(*st.model, layout, st.precision, st.engine, st.hardware->spec(), m.request);
    for (const auto& c : compare_memory(e, m, path)) {
      const double err = std::fabs(c.error_pct);
      ValidationRow r = row_of("memory rtx3090 llama2-7b", c.quantity, 1, err, err, err, err);
      if (c.quantity.rfind("weights", 0) == 0)
        r = with_target(r, Stat::max, 1);
      else if (c.quantity.rfind("after", 0) == 0)
        r = with_target(r, Stat::max, 5);
      out.push_back(r);
    }
  }
}

void vidur_rows(const PluginRegistry& reg, const std::string& vidur, const char* gpu, const char* hw,
                std::vector<ValidationRow>& out) {
  const auto hardware = reg.create<Hardware>(PluginKind::hardware, hw);
  const auto comm = reg.create<CommBackend>(PluginKind::comm, "nv_like");
  // Vidur timed eager PyTorch calls, launch gaps included: the part's
  // roofline was calibrated on them. Its GEMM kernel description (graph
  // replay, fitted on aiconfigurator's tables) is shown beside, for reference.
  HardwareSpec eager = hardware->spec();
  eager.achieved.gemm_kernels = {};
  const RooflineHardware roofline(eager);
  std::vector<double> pred, kernels, meas;
  for (const char* m : {"Llama-2-7b-hf-mlp.csv", "Llama-2-70b-hf-mlp.csv"})
    for (const auto& g : read_vidur_gemms(vidur + "/compute/" + gpu + "/" + m)) {
      const Op op = gemm_op(g);
      pred.push_back(roofline.time(op).seconds);
      kernels.push_back(hardware->time(op).seconds);
      meas.push_back(g.seconds);
    }
  const std::string label = std::string("vidur ") + gpu + " GEMMs (" + hw + " roofline)";
  const MetricAccuracy a = summarize_metric("GEMM time", pred, meas);
  const ValidationRow r = row_of(label, "GEMM time", a.n, a.mape, a.median, a.p90, a.max);
  out.push_back(with_target(r, Stat::median, 10));
  out.push_back(with_target(r, Stat::p90, 25));
  const MetricAccuracy k = summarize_metric("GEMM time", kernels, meas);
  ValidationRow info = row_of(std::string("vidur ") + gpu + " GEMMs (" + hw + " GEMM kernels)", "GEMM time", k.n,
                              k.mape, k.median, k.p90, k.max);
  std::vector<double> signed_pct;
  for (std::size_t i = 0; i < meas.size(); ++i) signed_pct.push_back((kernels[i] / meas[i] - 1) * 100);
  std::nth_element(signed_pct.begin(), signed_pct.begin() + signed_pct.size() / 2, signed_pct.end());
  char note[160];
  std::snprintf(note, sizeof note,
                "graph-replay kernels against eager calls (launch gaps included): signed median %+.1f %%",
                signed_pct[signed_pct.size() / 2]);
  info.note = note;
  out.push_back(info);
  pred.clear();
  meas.clear();
  for (const auto& c : read_vidur_collectives(vidur + "/network/" + gpu + "_dgx/all_reduce.csv")) {
    if (c.ranks_per_node < c.ranks) continue;  // the hardware describes one node
    pred.push_back(comm->time(collective_query(c, hardware->spec().intra_node)).seconds);
    meas.push_back(c.seconds);
  }
  const MetricAccuracy b = summarize_metric("all-reduce time", pred, meas);
  out.push_back(with_target(row_of(std::string("vidur ") + gpu + " all-reduce, one DGX (nv_like)", b.metric, b.n,
                                   b.mape, b.median, b.p90, b.max),
                            Stat::median, 15));
}

void holdout_rows(const std::shared_ptr<const PluginRegistry>& reg, const std::string& data, const std::string& vidur,
                  unsigned folds, std::vector<ValidationRow>& out) {
  const auto stack = rtx3090_stack(reg);
  const Composition& st = *stack;
  CalibrationContext ctx{st.model.get(),
                         st.comm.get(),
                         &st.engine,
                         st.precision,
                         {st.model.plugin(), st.hardware.plugin(), st.comm.plugin()}};
  CalibrationData d;
  for (unsigned tp : {1u, 2u})
    d.traces.push_back(read_set(data + "/rtx3090-llama2-7b/tp" + std::to_string(tp) + "/chat.csv", tp));
  HardwareSpec start = st.hardware->spec();
  start.achieved = AchievedSpec{};
  start.engine_hosts.clear();
  const CalibrationResult r = calibrate(start, ctx, d, folds);
  for (const auto& e : r.holdout) {
    const std::string label =
        "held out (" + std::to_string(folds) + "-fold) " + fs::path(e.dataset).parent_path().filename().string();
    out.push_back(with_target(from_stat(label, e), Stat::mape, e.metric == "TTFT" ? 5 : 3));
  }
  for (const auto& e : r.cross_layout) {
    const std::string tp = fs::path(e.dataset).parent_path().filename().string();
    ValidationRow row = from_stat("fitted without " + tp + ", predicts " + tp, e);
    row.note = "the other layout alone cannot place every parameter";
    out.push_back(row);
  }
  for (const auto& [gpu, hw] : {std::pair{"h100", "h100"}, {"a100", "a100_80gb"}}) {
    CalibrationData g;
    for (const char* m : {"Llama-2-7b-hf-mlp.csv", "Llama-2-70b-hf-mlp.csv"}) {
      auto v = read_vidur_gemms(vidur + "/compute/" + gpu + "/" + m);
      g.gemms.insert(g.gemms.end(), v.begin(), v.end());
    }
    HardwareSpec s = reg->create<Hardware>(PluginKind::hardware, hw)->spec();
    s.achieved = AchievedSpec{};
    const CalibrationResult c = calibrate(s, CalibrationContext{}, g, folds);
    for (const auto& e : c.cross_layout) {
      const auto open = e.dataset.find('['), close = e.dataset.find(']');
      const std::string which = e.dataset.substr(open + 1, close - open - 1);
      const ValidationRow row = from_stat(std::string("vidur ") + gpu + " GEMMs, " + which, e);
      out.push_back(with_target(row, Stat::median, 10));
      out.push_back(with_target(row, Stat::p90, 25));
    }
  }
}

double stat_value(const ValidationRow& r, Stat s) {
  switch (s) {
    case Stat::mape:
      return r.mape;
    case Stat::median:
      return r.median;
    case Stat::p90:
      return r.p90;
    case Stat::max:
      return r.max;
  }
  return r.mape;
}

const char* stat_name(Stat s) {
  switch (s) {
    case Stat::mape:
      return "MAPE";
    case Stat::median:
      return "median";
    case Stat::p90:
      return "p90";
    case Stat::max:
      return "max";
  }
  return "";
}

std::string key_of(const ValidationRow& r) {
  return r.dataset + " | " + r.metric + (r.has_target ? std::string(" | ") + stat_name(r.target_stat) : "");
}

}  // namespace

bool ValidationRow::passed() const {
  return !has_target || (available && stat_value(*this, target_stat) <= threshold);
}

std::vector<ValidationRow> run_validation(const std::shared_ptr<const PluginRegistry>& registry,
                                          const std::string& data_dir, unsigned folds) {
  std::vector<ValidationRow> out;
  const auto stack = rtx3090_stack(registry);
  const Composition& st = *stack;
  for (unsigned tp : {1u, 2u})
    trace_rows(st, read_set(data_dir + "/rtx3090-llama2-7b/tp" + std::to_string(tp) + "/chat.csv", tp),
               "rtx3090 llama2-7b tp" + std::to_string(tp), out);
  memory_rows(st, data_dir + "/rtx3090-llama2-7b/memory/measured.csv", out);
  const std::string vidur = data_dir + "/vidur-profiling";
  vidur_rows(*registry, vidur, "h100", "h100", out);
  vidur_rows(*registry, vidur, "a100", "a100_80gb", out);
  holdout_rows(registry, data_dir, vidur, folds, out);
  published_rows(registry, out);
  ValidationRow device = row_of("h100/h200 measured on a lent GPU", "GEMM, bandwidth, prefill, decode", 0, 0, 0, 0, 0);
  device.available = false;
  device.note = "no GPU was lent to this task: nothing measured";
  out.push_back(device);
  return out;
}

void print_validation(std::ostream& os, const std::vector<ValidationRow>& rows) {
  char line[512];
  std::snprintf(line, sizeof line, "%-44s %-40s %5s %8s %8s %8s %8s  %-14s %s\n", "dataset", "metric", "n", "MAPE",
                "median", "p90", "max", "target", "result");
  os << line;
  for (const auto& r : rows) {
    if (!r.available) {
      std::snprintf(line, sizeof line, "%-44s %-40s %5s %8s %8s %8s %8s  %-14s %s\n", r.dataset.c_str(),
                    r.metric.c_str(), "-", "-", "-", "-", "-", "-", ("n/a: " + r.note).c_str());
      os << line;
      continue;
    }
    char target[32] = "-";
    if (r.has_target) std::snprintf(target, sizeof target, "%s <= %g%%", stat_name(r.target_stat), r.threshold);
    const std::string verdict = !r.has_target ? "info" : r.passed() ? "pass" : "FAIL";
    const std::string result = r.note.empty() ? verdict : verdict + ": " + r.note;
    std::snprintf(line, sizeof line, "%-44s %-40s %5zu %7.2f%% %7.2f%% %7.2f%% %7.2f%%  %-14s %s\n", r.dataset.c_str(),
                  r.metric.c_str(), r.n, r.mape, r.median, r.p90, r.max, target, result.c_str());
    os << line;
  }
}

ValidationVerdict judge(const std::vector<ValidationRow>& rows, const std::string& known_failures) {
  ValidationVerdict v;
  std::set<std::string> known;
  if (!known_failures.empty()) {
    std::ifstream in(known_failures);
    if (!in) throw InputError("--known " + known_failures + ": cannot be read");
    for (std::string l; std::getline(in, l);) {
      if (l.empty() || l[0] == '#') continue;
      known.insert(l);
    }
  }
  std::set<std::string> seen;
  for (const auto& r : rows) {
    if (!r.has_target) continue;
    const std::string key = key_of(r);
    seen.insert(key);
    if (r.passed() && known.count(key)) {
      v.ok = false;
      v.messages.push_back("listed as a known failure but now passes: " + key + " (remove it from " + known_failures +
                           ")");
    } else if (!r.passed() && !known.count(key)) {
      v.ok = false;
      v.messages.push_back("misses its target: " + key);
    } else if (!r.passed()) {
      v.messages.push_back("known failure (explained in the README): " + key);
    }
  }
  for (const auto& k : known)
    if (!seen.count(k)) {
      v.ok = false;
      v.messages.push_back("listed as a known failure but no such check exists: " + k);
    }
  return v;
}

}  // namespace genz
