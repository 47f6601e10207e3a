// One JSON document, streamed (requests are written as they come):
//   {"config": {...}, "requests": [{...}, ...],
//    "accuracy": {"TTFT": {"n", "mape", "median", "p90", "max", "over_20pct",
//                          "pearson", "bias"}, "TPOT": {...}, "E2E": {...}},
//    "memory": {...}, "summary": {...}}
// Times in milliseconds, percentages as numbers (4.2 means 4.2 %). `genz --json`
// prints exactly this document on stdout.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "genz/sdk/json_view.hpp"
#include "genz/sdk/plugin.hpp"
#include "genz/sdk/report.hpp"

namespace {

using nlohmann::json;

constexpr const char* kGroups[] = {"gemm", "attention", "communication", "other"};

json split_ms(const genz::GroupSplit& s) {
  json j = json::object();
  for (int g = 0; g < genz::kOpGroupCount; ++g) j[kGroups[g]] = s[g] * 1e3;
  return j;
}

json request_json(const genz::RequestRecord& r) {
  const genz::Prediction& p = r.predicted;
  json j = {{"id", r.id},
            {"index", r.index},
            {"input_tokens", r.input_tokens},
            {"output_tokens", r.output_tokens},
            {"batch", r.batch},
            {"beam", r.beam}};
  j["predicted"] = {{"TTFT", p.ttft * 1e3},
                    {"TPOT", p.tpot * 1e3},
                    {"E2E", p.e2e * 1e3},
                    {"prefill_throughput", p.prefill_throughput},
                    {"decode_throughput", p.decode_throughput},
                    {"prefill_split", split_ms(p.prefill)},
                    {"decode_split", split_ms(p.decode)},
                    {"decode_host_bound_share", p.host_bound_share}};
  const genz::Measurement& m = r.measured;
  if (m.has_ttft || m.has_tpot || m.has_e2e) {
    json meas = json::object(), err = json::object();
    auto put = [&](bool has, const char* k, double pred, double v) {
      if (!has) return;
      meas[k] = v * 1e3;
      err[k] = genz::relative_error_pct(pred, v);
    };
    put(m.has_ttft, "TTFT", p.ttft, m.ttft);
    put(m.has_tpot, "TPOT", p.tpot, m.tpot);
    put(m.has_e2e, "E2E", p.e2e, m.e2e);
    j["measured"] = meas;
    j["error_pct"] = err;
  }
  j["simulation_seconds"] = r.simulation_seconds;
  if (!r.notes.empty()) j["notes"] = r.notes;
  return j;
}

class JsonReport final : public genz::Reporter {
 public:
  explicit JsonReport(std::string file) : file_(std::move(file)) {}

  genz::Status begin(const genz::RunInfo& run, genz::OutputSink& sink) noexcept override {
    sink_ = &sink;
    f_ = sink.open(file_.c_str());
    if (f_ < 0) return genz::Status::error("could not open " + file_);
    json config = json::object();
    for (const auto& [k, v] : run.config) config[k] = v;
    return put("{\"title\": " + json(run.title).dump() + ",\n\"config\": " + config.dump() + ",\n\"requests\": [");
  }

  genz::Status add(const genz::RequestRecord& r) noexcept override {
    const std::string sep = first_ ? "\n" : ",\n";
    first_ = false;
    return put(sep + request_json(r).dump());
  }

  genz::Status end(const genz::RunSummary& s) noexcept override {
    json acc = json::object();
    for (const auto& a : s.accuracy)
      acc[a.metric] = {{"n", a.n},          {"mape", a.mape}, {"median", a.median},   {"p90", a.p90},
                       {"max", a.max},      {"over_20pct", a.over_20pct}, {"pearson", a.pearson}, {"bias", a.bias}};
    json mem = {{"capacity_MiB", s.memory.capacity / 1048576.0},
                {"fits", s.memory.fits},
                {"request", {{"input_tokens", s.memory.input_tokens}, {"output_tokens", s.memory.output_tokens},
                             {"batch", s.memory.batch}, {"beam", s.memory.beam}}}};
    for (const auto& l : s.memory.lines)
      mem["components"].push_back({{"component", l.component},
                                   {"after_prefill_MiB", l.after_prefill / 1048576.0},
                                   {"after_decode_MiB", l.after_decode / 1048576.0}});
    json summary = {{"requests", s.requests}, {"wall_seconds", s.wall_seconds}, {"notes", s.notes}};
    return put("\n],\n\"accuracy\": " + acc.dump() + ",\n\"memory\": " + mem.dump() + ",\n\"summary\": " +
               summary.dump() + "}\n");
  }

 private:
  genz::Status put(const std::string& s) {
    if (!sink_->write(f_, s)) return genz::Status::error("could not write " + file_);
    return genz::Status::success();
  }

  std::string file_;
  genz::OutputSink* sink_ = nullptr;
  int f_ = -1;
  bool first_ = true;
};

std::unique_ptr<genz::Reporter> make(const void*, std::string_view config) {
  const auto doc = genz::parse_json(config, "json report configuration");
  return std::make_unique<JsonReport>(genz::JsonView(doc, "json report configuration").string_or("file", "report.json"));
}

void register_report(genz::Registrar& r) {
  r.add("json", "one JSON document: config, per-request predictions and errors, accuracy, memory",
        genz::factory<genz::Reporter, make>());
}

}  // namespace

GENZ_PLUGIN(GENZ_KIND_REPORT, "json", "1.0.0", register_report)
