#include "genz/calibration/calibration.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <functional>
#include <future>
#include <set>

#include "genz/calibration/accuracy.hpp"
#include "genz/calibration/least_squares.hpp"
#include "genz/host/error.hpp"
#include "genz/sdk/hardware.hpp"

namespace genz {
namespace {

EngineHostSpec& host_of(HardwareSpec& s, const std::string& engine) {
  for (auto& h : s.engine_hosts)
    if (h.engine == engine) return h;
  s.engine_hosts.push_back({engine, 0, 0});
  return s.engine_hosts.back();
}

struct ParamDef {
  const char* name;
  double lo, hi;  // in the parameter's display unit
  std::function<double&(HardwareSpec&, const std::string&)> ref;
  double unit;  // SI value = display value * unit
};

// Weak priors, for parameters a dataset may leave undetermined (a flat
// valley of equally good fits). Weighted like one measurement with 2 %
// noise, they pick a point in such a valley and cannot override data that
// does place the parameter.
struct Prior {
  const char* name;
  double mean, sigma;
  const char* source;
};
constexpr double kMeasurementNoise = 0.02;
constexpr Prior kPriors[] = {
    // Large single-token GEMVs (m = 1) in ../shared/data/vidur-profiling stream
    // at 90 % of the data-sheet bandwidth on H100 and 80 % on A100.
    {"bandwidth_fraction", 0.85, 0.05, "GEMV bandwidth measured on H100 and A100 (Vidur)"},
};

const std::vector<ParamDef>& param_defs() {
  static const std::vector<ParamDef> defs = {
      {"compute_fraction", 0.05, 1.5,
       [](HardwareSpec& s, const std::string&) -> double& { return s.achieved.compute_fraction; }, 1},
      {"bandwidth_fraction", 0.05, 1.0,
       [](HardwareSpec& s, const std::string&) -> double& { return s.achieved.bandwidth_fraction; }, 1},
      {"kernel_overhead_us", 0, 30,
       [](HardwareSpec& s, const std::string&) -> double& { return s.achieved.kernel_overhead; }, 1e-6},
      {"overlap_exponent", 1, 8,
       [](HardwareSpec& s, const std::string&) -> double& { return s.achieved.overlap_exponent; }, 1},
      {"cta_bandwidth_GBps", 0.5, 200,
       [](HardwareSpec& s, const std::string&) -> double& { return s.achieved.cta_bandwidth; }, 1e9},
      {"host_per_kernel_us", 0, 100,
       [](HardwareSpec& s, const std::string& e) -> double& { return host_of(s, e).per_kernel; }, 1e-6},
      {"host_per_request_ms", 0, 100,
       [](HardwareSpec& s, const std::string& e) -> double& { return host_of(s, e).per_request; }, 1e-3},
      {"link_latency_us", 0, 1000, [](HardwareSpec& s, const std::string&) -> double& { return s.intra_node.latency; },
       1e-6},
      {"link_efficiency", 0.01, 1.0,
       [](HardwareSpec& s, const std::string&) -> double& { return s.intra_node.efficiency; }, 1},
  };
  return defs;
}

std::vector<std::size_t> select_params(const CalibrationData& d) {
  std::vector<std::size_t> p;
  auto add = [&](std::size_t i) {
    if (std::find(p.begin(), p.end(), i) == p.end()) p.push_back(i);
  };
  if (!d.gemms.empty() || !d.traces.empty())
    for (std::size_t i : {0, 1, 2, 3}) add(i);
  bool multi_gpu = false;
  for (const auto& t : d.traces) multi_gpu = multi_gpu || t.parallel.tp * t.parallel.pp > 1;
  if (!d.traces.empty())
    for (std::size_t i : {4, 5, 6}) add(i);
  if (!d.collectives.empty() || multi_gpu)
    for (std::size_t i : {7, 8}) add(i);
  return p;
}

// Everything the model predicts for the data, for one set of parameters.
struct Predicted {
  std::vector<double> gemm, coll;
  std::vector<std::vector<Prediction>> traces;
};

Predicted predict_all(const HardwareSpec& spec, const CalibrationContext& ctx, const CalibrationData& d) {
  Predicted out;
  RooflineHardware hw(spec);
  for (const auto& g : d.gemms) out.gemm.push_back(hw.time(gemm_op(g)).seconds);
  for (const auto& c : d.collectives) out.coll.push_back(ctx.comm->time(collective_query(c, spec.intra_node)).seconds);
  for (const auto& t : d.traces) {
    const Layout layout = make_layout(t.parallel, 0, 0, spec.intra_node, LinkSpec{}, ctx.model->info().layers);
    Components c{ctx.model, &hw, ctx.comm, ctx.engine, layout, ctx.precision, ctx.names, {}};
    Predictor predictor(std::move(c));
    predictor.enable_tables(true);
    auto& preds = out.traces.emplace_back();
    for (const auto& row : t.rows) preds.push_back(predictor.predict(row.request));
  }
  return out;
}

// A sample is one GEMM, one collective or one request; folds split samples.
struct SampleMask {
  std::vector<bool> gemm, coll;
  std::vector<std::vector<bool>> trace;
};

SampleMask all_samples(const CalibrationData& d, bool value) {
  SampleMask m{std::vector<bool>(d.gemms.size(), value), std::vector<bool>(d.collectives.size(), value), {}};
  for (const auto& t : d.traces) m.trace.emplace_back(t.rows.size(), value);
  return m;
}

bool trace_ttft_usable(const TraceRow& row) {
  return row.measured.has_ttft && inconsistency(row.measured, row.request.output) == 0;
}

void residuals(const Predicted& p, const CalibrationData& d, const SampleMask& m, std::vector<double>& r) {
  r.clear();
  for (std::size_t i = 0; i < d.gemms.size(); ++i)
    if (m.gemm[i]) r.push_back(p.gemm[i] / d.gemms[i].seconds - 1);
  for (std::size_t i = 0; i < d.collectives.size(); ++i)
    if (m.coll[i]) r.push_back(p.coll[i] / d.collectives[i].seconds - 1);
  for (std::size_t t = 0; t < d.traces.size(); ++t)
    for (std::size_t i = 0; i < d.traces[t].rows.size(); ++i) {
      if (!m.trace[t][i]) continue;
      const TraceRow& row = d.traces[t].rows[i];
      const Prediction& pr = p.traces[t][i];
      if (trace_ttft_usable(row)) r.push_back(pr.ttft / row.measured.ttft - 1);
      if (row.measured.has_tpot) r.push_back(pr.tpot / row.measured.tpot - 1);
    }
}

ErrorStat stat_of(const std::string& dataset, const std::string& metric, const std::vector<double>& pred,
                  const std::vector<double>& meas) {
  const MetricAccuracy a = summarize_metric(metric, pred, meas);
  return {dataset, metric, a.n, a.mape, a.median, a.p90, a.max};
}

std::vector<ErrorStat> stats(const Predicted& p, const CalibrationData& d, const SampleMask& m) {
  std::vector<ErrorStat> out;
  auto pick = [](const auto& values, const std::vector<bool>& mask, auto get) {
    std::vector<double> v;
    for (std::size_t i = 0; i < values.size(); ++i)
      if (mask[i]) v.push_back(get(values[i], i));
    return v;
  };
  if (!d.gemms.empty()) {
    auto pred = pick(d.gemms, m.gemm, [&](const GemmSample&, std::size_t i) { return p.gemm[i]; });
    auto meas = pick(d.gemms, m.gemm, [](const GemmSample& g, std::size_t) { return g.seconds; });
    if (!meas.empty()) out.push_back(stat_of(d.gemm_source, "GEMM time", pred, meas));
  }
  if (!d.collectives.empty()) {
    auto pred = pick(d.collectives, m.coll, [&](const CollectiveSample&, std::size_t i) { return p.coll[i]; });
    auto meas = pick(d.collectives, m.coll, [](const CollectiveSample& c, std::size_t) { return c.seconds; });
    if (!meas.empty()) out.push_back(stat_of(d.collective_source, "collective time", pred, meas));
  }
  for (std::size_t t = 0; t < d.traces.size(); ++t) {
    std::vector<double> pv[3], mv[3];
    for (std::size_t i = 0; i < d.traces[t].rows.size(); ++i) {
      if (!m.trace[t][i]) continue;
      const Measurement& me = d.traces[t].rows[i].measured;
      const Prediction& pr = p.traces[t][i];
      if (me.has_ttft) {
        pv[0].push_back(pr.ttft);
        mv[0].push_back(me.ttft);
      }
      if (me.has_tpot) {
        pv[1].push_back(pr.tpot);
        mv[1].push_back(me.tpot);
      }
      if (me.has_e2e) {
        pv[2].push_back(pr.e2e);
        mv[2].push_back(me.e2e);
      }
    }
    const char* names[] = {"TTFT", "TPOT", "E2E"};
    for (int k = 0; k < 3; ++k)
      if (!mv[k].empty()) out.push_back(stat_of(d.traces[t].path, names[k], pv[k], mv[k]));
  }
  return out;
}

struct Fit {
  HardwareSpec spec;
  LsqResult lsq;
};

Fit fit(const HardwareSpec& start, const CalibrationContext& ctx, const CalibrationData& d, const SampleMask& mask,
        const std::vector<std::size_t>& params, bool multi_start = false) {
  const auto& defs = param_defs();
  const std::string engine = ctx.engine ? ctx.engine->name : "";
  HardwareSpec base = start;
  LsqProblem prob;
  for (std::size_t i : params) {
    const ParamDef& def = defs[i];
    prob.start.push_back(std::clamp(def.ref(base, engine) / def.unit, def.lo, def.hi));
    prob.lower.push_back(def.lo);
    prob.upper.push_back(def.hi);
  }
  auto apply = [&](const std::vector<double>& x) {
    HardwareSpec s = base;
    for (std::size_t j = 0; j < params.size(); ++j) defs[params[j]].ref(s, engine) = x[j] * defs[params[j]].unit;
    return s;
  };
  prob.residuals = [&](const std::vector<double>& x, std::vector<double>& r) {
    residuals(predict_all(apply(x), ctx, d), d, mask, r);
    for (std::size_t j = 0; j < params.size(); ++j)
      for (const Prior& pr : kPriors)
        if (std::string(defs[params[j]].name) == pr.name) r.push_back((x[j] - pr.mean) / pr.sigma * kMeasurementNoise);
  };
  prob.huber = 0.1;
  Fit f;
  f.lsq = solve_least_squares(prob);
  // Other starting points along the direction the data often leave open
  // (bandwidth against per-kernel overhead): each fit's basin is long and
  // flat, and a gradient method keeps to the basin it starts in.
  if (multi_start)
    for (const auto& [bw, overhead_us] : {std::pair{0.95, 1.0}, {0.9, 2.0}, {0.8, 4.0}, {0.7, 6.0}}) {
      LsqProblem alt = prob;
      for (std::size_t j = 0; j < params.size(); ++j) {
        const std::string name = defs[params[j]].name;
        if (name == "bandwidth_fraction") alt.start[j] = bw;
        if (name == "kernel_overhead_us") alt.start[j] = overhead_us;
      }
      LsqResult r = solve_least_squares(alt);
      if (r.cost < f.lsq.cost) f.lsq = std::move(r);
    }
  f.spec = apply(f.lsq.x);
  return f;
}

std::size_t fold_of(std::size_t i, unsigned folds) {
  return (i * 2654435761u) % folds;
}

SampleMask fold_mask(const CalibrationData& d, unsigned folds, unsigned k, bool train) {
  SampleMask m = all_samples(d, false);
  std::size_t n = 0;
  for (std::size_t i = 0; i < m.gemm.size(); ++i) m.gemm[i] = (fold_of(n++, folds) == k) != train;
  for (std::size_t i = 0; i < m.coll.size(); ++i) m.coll[i] = (fold_of(n++, folds) == k) != train;
  for (auto& t : m.trace)
    for (std::size_t i = 0; i < t.size(); ++i) t[i] = (fold_of(n++, folds) == k) != train;
  return m;
}

// Held-out predictions of every fold, gathered into one prediction set. The
// folds' fits are independent (every model they call is const), so each runs
// on a thread of its own.
std::vector<ErrorStat> cross_validate(const Fit& full, const CalibrationContext& ctx, const CalibrationData& d,
                                      const std::vector<std::size_t>& params, unsigned folds) {
  std::vector<std::future<Predicted>> fits;
  for (unsigned k = 0; k < folds; ++k)
    fits.push_back(std::async(std::launch::async, [&, k] {
      return predict_all(fit(full.spec, ctx, d, fold_mask(d, folds, k, true), params).spec, ctx, d);
    }));
  Predicted held = predict_all(full.spec, ctx, d);
  for (unsigned k = 0; k < folds; ++k) {
    const Predicted p = fits[k].get();
    const SampleMask test = fold_mask(d, folds, k, false);
    for (std::size_t i = 0; i < d.gemms.size(); ++i)
      if (test.gemm[i]) held.gemm[i] = p.gemm[i];
    for (std::size_t i = 0; i < d.collectives.size(); ++i)
      if (test.coll[i]) held.coll[i] = p.coll[i];
    for (std::size_t t = 0; t < d.traces.size(); ++t)
      for (std::size_t i = 0; i < d.traces[t].rows.size(); ++i)
        if (test.trace[t][i]) held.traces[t][i] = p.traces[t][i];
  }
  return stats(held, d, all_samples(d, true));
}

// Fit without one dataset (a trace, or one model's GEMM table), predict it;
// each such fit on a thread of its own, the results in the order started.
std::vector<ErrorStat> cross_dataset(const HardwareSpec& start, const CalibrationContext& ctx, const CalibrationData& d,
                                     const std::vector<std::size_t>& params) {
  std::vector<std::future<std::vector<ErrorStat>>> runs;
  auto run = [&](SampleMask train, SampleMask test, std::string label) {
    runs.push_back(
        std::async(std::launch::async, [&, train = std::move(train), test = std::move(test), label = std::move(label)] {
          auto out = stats(predict_all(fit(start, ctx, d, train, params, true).spec, ctx, d), d, test);
          if (!label.empty())
            for (auto& s : out) s.dataset = label;
          return out;
        }));
  };
  if (d.traces.size() >= 2)
    for (std::size_t t = 0; t < d.traces.size(); ++t) {
      SampleMask train = all_samples(d, true), test = all_samples(d, false);
      std::fill(train.trace[t].begin(), train.trace[t].end(), false);
      test.trace[t].assign(d.traces[t].rows.size(), true);
      run(std::move(train), std::move(test), "");
    }
  std::vector<std::string> models;
  for (const auto& g : d.gemms)
    if (std::find(models.begin(), models.end(), g.model) == models.end()) models.push_back(g.model);
  if (models.size() >= 2)
    for (const auto& m : models) {
      SampleMask train = all_samples(d, true), test = all_samples(d, false);
      for (std::size_t i = 0; i < d.gemms.size(); ++i) {
        train.gemm[i] = d.gemms[i].model != m;
        test.gemm[i] = !train.gemm[i];
      }
      run(std::move(train), std::move(test), d.gemm_source + " [" + m + " held out]");
    }
  std::vector<ErrorStat> out;
  for (auto& r : runs)
    for (auto& s : r.get()) out.push_back(std::move(s));
  return out;
}

// Measured values at distinct points: repeating a measurement (40 identical
// requests, a GEMM shape listed twice) adds no information about the shape
// of the curve the parameters describe, so it counts once.
std::size_t distinct_count(const CalibrationData& d) {
  std::set<std::array<double, 4>> gemms, colls;
  for (const auto& g : d.gemms) gemms.insert({g.m, g.n, g.k, static_cast<double>(g.tp)});
  for (const auto& c : d.collectives)
    colls.insert(
        {static_cast<double>(c.kind), static_cast<double>(c.ranks), static_cast<double>(c.ranks_per_node), c.bytes});
  std::set<std::array<double, 8>> ttft, tpot;
  for (const auto& t : d.traces)
    for (const auto& r : t.rows) {
      const std::array<double, 8> point{r.request.input,
                                        r.request.output,
                                        r.request.batch,
                                        r.request.beam,
                                        static_cast<double>(t.parallel.tp),
                                        static_cast<double>(t.parallel.pp),
                                        static_cast<double>(t.parallel.ep),
                                        0};
      if (trace_ttft_usable(r)) ttft.insert(point);
      if (r.measured.has_tpot) tpot.insert(point);
    }
  return gemms.size() + colls.size() + ttft.size() + tpot.size();
}

// A fit that still misses the data it was fitted to by this much (median) is
// not a calibration but a sign of wrong input: a trace fitted with the wrong
// layout or engine. Correct inputs leave medians under 7 % on every shipped
// dataset (RTX 3090 traces 2.4 %, Vidur GEMMs 6.7 %); a TP2 trace fitted as
// TP1 leaves 22 %.
constexpr double kFarFitMedianPct = 15;

std::string far_fit_message(const ErrorStat& s, const CalibrationData& d) {
  char median[32];
  std::snprintf(median, sizeof median, "%.1f", s.median);
  std::string msg = "calibrate: the fit stays far from " + s.dataset + " (" + s.metric + " median error " + median +
                    " % after fitting)";
  for (const auto& t : d.traces)
    if (t.path == s.dataset)
      return msg + ": it was fitted as TP " + std::to_string(t.parallel.tp) + ", PP " + std::to_string(t.parallel.pp) +
             ", EP " + std::to_string(t.parallel.ep) + "; if it was measured with another layout say so with " +
             t.path + "@tp=N[,pp=N,ep=N], and check --engine, --dtype and --model" +
             (d.traces.size() > 1 ? " (one trace given the wrong layout pulls the fit away from the others too)" : "");
  return msg + ": check that the data was measured on this hardware";
}

}  // namespace

std::vector<ErrorStat> evaluate(const HardwareSpec& spec, const CalibrationContext& ctx, const CalibrationData& data) {
  return stats(predict_all(spec, ctx, data), data, all_samples(data, true));
}

CalibrationResult calibrate(const HardwareSpec& start, const CalibrationContext& ctx, const CalibrationData& data,
                            unsigned folds) {
  const std::vector<std::size_t> params = select_params(data);
  if (params.empty()) throw InputError("calibrate: no data given (--trace, --operators or --network)");
  const std::size_t n = distinct_count(data);
  if (n < 3 * params.size())
    throw InputError("calibrate: too little data: " + std::to_string(n) +
                     " measured values at distinct points (requests of the same shape, or repeated table rows, "
                     "count once) for " +
                     std::to_string(params.size()) + " parameters (at least " + std::to_string(3 * params.size()) +
                     " needed)");
  for (const auto& t : data.traces)
    if (t.rows.size() < folds)
      throw InputError("calibrate: " + t.path + " has " + std::to_string(t.rows.size()) + " requests, fewer than the " +
                       std::to_string(folds) + " cross-validation folds");
  HardwareSpec seeded = start;
  // Calibration fits the roofline: a part's GEMM kernel descriptions (fitted
  // on kernel tables by data/calibration/fit_gemm.py) would leave its
  // compute and bandwidth fractions without GEMMs to fit them on.
  seeded.achieved.gemm_kernels = {};
  if (ctx.engine && !seeded.host_for(ctx.engine->name))
    seeded.engine_hosts.push_back({ctx.engine->name, ctx.engine->host_per_kernel, ctx.engine->host_per_request});
  if (seeded.achieved.cta_bandwidth <= 0)
    seeded.achieved.cta_bandwidth = seeded.compute_units ? seeded.memory_bandwidth / seeded.compute_units : 10e9;

  const Fit full = fit(seeded, ctx, data, all_samples(data, true), params, true);
  CalibrationResult r;
  r.spec = full.spec;
  const auto& defs = param_defs();
  const std::string engine = ctx.engine ? ctx.engine->name : "";
  for (std::size_t j = 0; j < params.size(); ++j) {
    const ParamDef& def = defs[params[j]];
    r.params.push_back({def.name, full.lsq.x[j], full.lsq.at_bound[j]});
    if (full.lsq.at_bound[j])
      r.warnings.push_back(std::string(def.name) +
                           " ended on its bound: the data cannot place it, or the model does not fit");
  }
  r.fit = evaluate(r.spec, ctx, data);
  for (const auto& s : r.fit)
    if (s.median > kFarFitMedianPct) throw InputError(far_fit_message(s, data));
  r.holdout = cross_validate(full, ctx, data, params, folds);
  r.cross_layout = cross_dataset(seeded, ctx, data, params);
  return r;
}

}  // namespace genz
