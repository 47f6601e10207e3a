// genz calibrate: fit a hardware description's achieved characteristics to
// measurements and write a hardware file that --hw-file loads.
//
//   genz calibrate --hw rtx3090 --engine hf --trace tp1/chat.csv@tp=1
//        --trace tp2/chat.csv@tp=2 --out my-rtx3090.json
//   genz calibrate --hw h100 --operators Llama-2-7b-hf-mlp.csv --network all_reduce.csv --out h100.json
//
// A trace's layout follows '@' (tp=, pp=, ep=); the default is --tp/--pp.
// The fit starts from the data sheet (previous calibrations are ignored), so
// the result depends only on the data given.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "commands.hpp"
#include "genz/calibration/calibration.hpp"
#include "genz/host/error.hpp"
#include "genz/io/output_dir.hpp"
#include "genz/io/text_file.hpp"
#include "genz/sdk/hardware_json.hpp"
#include "genz/sdk/version.hpp"
#include "session.hpp"

namespace genz::cli {
namespace {

TraceSet read_trace_set(const std::string& spec, const Options& o) {
  TraceSet t;
  t.path = spec;
  t.parallel.tp = o.tp.value_or(1);
  t.parallel.pp = o.pp.value_or(1);
  t.parallel.ep = o.ep.value_or(1);
  const auto at = spec.rfind('@');
  const bool layout_given = at != std::string::npos && spec.find('=', at) != std::string::npos;
  // Several traces usually come from several layouts (that is what makes the
  // link parameters identifiable); fitting them all with the default layout
  // is the easiest mistake to make.
  if (!layout_given && o.traces.size() > 1)
    spdlog::warn(
        "--trace {}: no layout given, fitted with --tp/--pp/--ep (write PATH@tp=N if it was measured with "
        "another layout)",
        spec);
  if (layout_given) {
    t.path = spec.substr(0, at);
    std::string rest = spec.substr(at + 1);
    std::set<std::string> seen;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const std::string kv = rest.substr(0, comma);
      rest = comma == std::string::npos ? "" : rest.substr(comma + 1);
      const auto eq = kv.find('=');
      const std::string key = kv.substr(0, eq);
      if (!seen.insert(key).second)
        throw InputError("--trace " + spec + ": '" + key + "' given twice in the layout; give each of tp, pp, ep once");
      unsigned value = 0;
      if (eq == std::string::npos || std::sscanf(kv.c_str() + eq + 1, "%u", &value) != 1 || value == 0)
        throw InputError("--trace " + spec + ": expected PATH@tp=N[,pp=N,ep=N], found '" + kv + "'");
      if (key == "tp")
        t.parallel.tp = value;
      else if (key == "pp")
        t.parallel.pp = value;
      else if (key == "ep")
        t.parallel.ep = value;
      else
        throw InputError("--trace " + spec + ": unknown layout key '" + key + "' (tp, pp, ep)");
    }
  }
  TraceReader reader(CsvReader::open_file(t.path, "--trace"));
  TraceRow row;
  while (reader.next(row)) t.rows.push_back(row);
  if (!reader.has_measurements()) throw InputError("--trace " + t.path + ": no measured TTFT/TPOT columns to fit to");
  return t;
}

HardwareSpec starting_spec(const PluginRegistry& registry, const Options& o) {
  HardwareSpec spec;
  if (!o.hw_file.empty()) {
    spec = hardware_from_text(read_text_file(o.hw_file, "--hw-file"), o.hw_file,
                              std::filesystem::path(o.hw_file).stem().string());
  } else {
    const std::string name = !o.system.empty() ? hardware_for_system(o.system) : o.hw;
    if (name.empty()) throw InputError("calibrate: give the hardware to start from (--hw or --hw-file)");
    spec = registry.create<Hardware>(PluginKind::hardware, name)->spec();
  }
  const LinkSpec datasheet_link = spec.intra_node;
  spec.achieved = AchievedSpec{};
  spec.engine_hosts.clear();
  spec.intra_node = LinkSpec{datasheet_link.kind, datasheet_link.bandwidth, 10e-6, 0.5};
  return spec;
}

CalibrationData read_data(const Options& o) {
  CalibrationData d;
  for (const auto& t : o.traces) d.traces.push_back(read_trace_set(t, o));
  for (const auto& f : o.operators) {
    auto g = read_vidur_gemms(f);
    d.gemms.insert(d.gemms.end(), g.begin(), g.end());
    d.gemm_source += (d.gemm_source.empty() ? "" : " + ") + f;
  }
  for (const auto& f : o.network)
    for (const auto& c : read_vidur_collectives(f))
      if (c.ranks_per_node >= c.ranks && c.kind == CollectiveKind::all_reduce) d.collectives.push_back(c);
  for (const auto& f : o.network) d.collective_source += (d.collective_source.empty() ? "" : " + ") + f;
  if (!o.network.empty() && d.collectives.empty())
    throw InputError("--network: no all-reduce timings inside one node in " + d.collective_source);
  return d;
}

nlohmann::ordered_json stats_json(const std::vector<ErrorStat>& v) {
  nlohmann::ordered_json a = nlohmann::ordered_json::array();
  for (const auto& s : v)
    a.push_back({{"dataset", s.dataset},
                 {"metric", s.metric},
                 {"n", s.n},
                 {"mape", s.mape},
                 {"median", s.median},
                 {"p90", s.p90},
                 {"max", s.max}});
  return a;
}

void print_stats(const std::string& title, const std::vector<ErrorStat>& v) {
  if (v.empty()) return;
  std::cout << title << "\n";
  for (const auto& s : v) {
    char line[512];
    std::snprintf(line, sizeof line, "  %-16s n=%-5zu MAPE %6.2f%%  median %6.2f%%  p90 %6.2f%%  max %7.2f%%  %s\n",
                  s.metric.c_str(), s.n, s.mape, s.median, s.p90, s.max, s.dataset.c_str());
    std::cout << line;
  }
}

}  // namespace

int run_calibrate(const Options& o) {
  if (o.calibration_out.empty()) throw InputError("calibrate: give the file to write with --out FILE.json");
  check_output_file(o.calibration_out, input_paths(o));
  PluginRegistry registry;
  load_plugins(registry, o);
  const HardwareSpec start = starting_spec(registry, o);
  const CalibrationData data = read_data(o);
  CalibrationContext ctx;
  Handle<Model> model;
  std::vector<std::string> notes;
  const EngineProfile engine = open_engine(o);
  ctx.engine = &engine;
  if (!data.traces.empty()) {
    model = open_model(registry, o);
    ctx.model = model.get();
    ctx.precision = choose_precision(model->info(), start, o, notes);
  }
  const std::string comm_name = o.comm.empty() ? default_comm(start.intra_node) : o.comm;
  const Handle<CommBackend> comm = registry.create<CommBackend>(PluginKind::comm, comm_name);
  ctx.comm = comm.get();
  ctx.names = {model ? model.plugin() : "", start.name, comm.plugin()};

  spdlog::info("calibrating {} ({} traces, {} GEMM timings, {} collective timings; {} folds)", start.name,
               data.traces.size(), data.gemms.size(), data.collectives.size(), o.folds);
  const CalibrationResult r = calibrate(start, ctx, data, o.folds);

  std::cout << "fitted parameters of " << start.name << ":\n";
  for (const auto& p : r.params)
    std::cout << "  " << p.name << " = " << p.value << (p.at_bound ? "   (on its bound)" : "") << "\n";
  print_stats("\nerror on the data fitted:", r.fit);
  print_stats("\nerror on held-out data (" + std::to_string(o.folds) + "-fold cross-validation over samples):",
              r.holdout);
  print_stats("\nerror on a whole dataset held out (fitted on the others):", r.cross_layout);
  for (const auto& w : r.warnings) spdlog::warn("{}", w);

  nlohmann::ordered_json doc = hardware_to_json(r.spec);
  nlohmann::ordered_json cal;
  cal["command"] = o.command_line;
  cal["genz"] = GENZ_SDK_VERSION_STRING;
  cal["engine"] = engine.name;
  cal["comm"] = comm_name;
  if (model) cal["model"] = model->info().name;
  nlohmann::ordered_json params = nlohmann::ordered_json::object();
  for (const auto& p : r.params) params[p.name] = p.value;
  cal["parameters"] = params;
  cal["fit"] = stats_json(r.fit);
  cal["holdout_kfold"] = stats_json(r.holdout);
  cal["holdout_dataset"] = stats_json(r.cross_layout);
  cal["warnings"] = r.warnings;
  doc["calibration"] = cal;
  write_file_atomically(o.calibration_out, doc.dump(2) + "\n", input_paths(o));
  spdlog::info("wrote {} (load it with --hw-file)", o.calibration_out);
  return 0;
}

}  // namespace genz::cli
