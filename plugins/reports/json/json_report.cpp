// One JSON document, streamed (requests are written as they come):
//   {"config": {...}, "requests": [{...}, ...],
//    "accuracy": {"TTFT": {"n", "mape", "median", "p90", "max", "over_20pct",
//                          "pearson", "bias"}, "TPOT": {...}, "E2E": {...}},
//    "memory": {...}, "summary": {...}}
// A serving simulation (genz simulate) adds "serving" to each request
// (arrival_s, queueing_ms, max_itl_ms, preemptions, state) and "metrics"
// ([{name, value, unit}]) and "series" ([{title, x_label, y_label, x, y}])
// to the summary.
// Times in milliseconds, percentages as numbers (4.2 means 4.2 %). `genz --json`
// prints exactly this document on stdout.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "genz/sdk/json_view.hpp"
#include "genz/sdk/plugin.hpp"
#include "genz/sdk/report.hpp"
#include "genz/sdk/text_format.hpp"

namespace {

using nlohmann::json;

constexpr const char* kGroups[] = {"gemm", "attention", "communication", "other"};

void split_ms(genz::reports::Line& l, const char* key, const genz::GroupSplit& s) {
  l.raw(", \"").raw(key).raw("\": {");
  for (int g = 0; g < genz::kOpGroupCount; ++g) {
    if (g > 0) l.raw(", ");
    l.member(kGroups[g], s[g] * 1e3);
  }
  l.ch('}');
}

// One request as a JSON object, written field by field (the schema is fixed
// and a million of them must stream in seconds).
void request_json(genz::reports::Line& l, const genz::RequestRecord& r) {
  const genz::Prediction& p = r.predicted;
  l.raw("{\"id\": ").json(r.id).raw(", ");
  l.member("index", static_cast<double>(r.index)).raw(", ").member("input_tokens", r.input_tokens).raw(", ");
  l.member("output_tokens", r.output_tokens).raw(", ").member("batch", r.batch).raw(", ").member("beam", r.beam);
  l.raw(", \"predicted\": {").member("TTFT", p.ttft * 1e3).raw(", ").member("TPOT", p.tpot * 1e3).raw(", ");
  l.member("E2E", p.e2e * 1e3).raw(", ").member("prefill_throughput", p.prefill_throughput).raw(", ");
  l.member("decode_throughput", p.decode_throughput);
  split_ms(l, "prefill_split", p.prefill);
  split_ms(l, "decode_split", p.decode);
  l.raw(", ").member("decode_host_bound_share", p.host_bound_share).ch('}');
  const genz::Measurement& m = r.measured;
  if (m.has_ttft || m.has_tpot || m.has_e2e) {
    const bool has[] = {m.has_ttft, m.has_tpot, m.has_e2e};
    const double meas[] = {m.ttft, m.tpot, m.e2e}, pred[] = {p.ttft, p.tpot, p.e2e};
    const char* keys[] = {"TTFT", "TPOT", "E2E"};
    for (const char* section : {"measured", "error_pct"}) {
      l.raw(", \"").raw(section).raw("\": {");
      bool first = true;
      for (int k = 0; k < 3; ++k) {
        if (!has[k]) continue;
        if (!first) l.raw(", ");
        first = false;
        const double v = section[0] == 'm' ? meas[k] * 1e3 : genz::relative_error_pct(pred[k], meas[k]);
        l.member(keys[k], v);
      }
      l.ch('}');
    }
  }
  if (const genz::ServingRecord* s = r.serving) {
    l.raw(", \"serving\": {").member("arrival_s", s->arrival).raw(", ").member("queueing_ms", s->queueing * 1e3);
    l.raw(", ").member("max_itl_ms", s->max_itl * 1e3).raw(", ");
    l.member("preemptions", static_cast<double>(s->preemptions)).raw(", \"state\": ").json(s->state).ch('}');
  }
  l.raw(", ").member("simulation_seconds", r.simulation_seconds);
  if (!r.notes.empty()) l.raw(", \"notes\": ").json(r.notes);
  l.ch('}');
}

class JsonReport final : public genz::Reporter {
 public:
  explicit JsonReport(std::string file) : file_(std::move(file)) {}

  genz::Status begin(const genz::RunInfo& run, genz::OutputSink& sink) noexcept override {
    sink_ = &sink;
    f_ = sink.open(file_.c_str());
    if (f_ < 0) return genz::Status::error("could not open " + file_);
    nlohmann::ordered_json config = nlohmann::ordered_json::object();
    for (const auto& [k, v] : run.config) config[k] = v;
    return put("{\"title\": " + json(run.title).dump() + ",\n\"config\": " + config.dump() + ",\n\"requests\": [");
  }

  genz::Status add(const genz::RequestRecord& r) noexcept override {
    line_.clear();
    line_.raw(first_ ? "\n" : ",\n");
    first_ = false;
    request_json(line_, r);
    return put(line_.str());
  }

  genz::Status end(const genz::RunSummary& s) noexcept override {
    json acc = json::object();
    for (const auto& a : s.accuracy)
      acc[a.metric] = {{"n", a.n},
                       {"mape", a.mape},
                       {"median", a.median},
                       {"p90", a.p90},
                       {"max", a.max},
                       {"over_20pct", a.over_20pct},
                       {"pearson", a.pearson},
                       {"bias", a.bias}};
    json mem = {{"capacity_MiB", s.memory.capacity / 1048576.0},
                {"fits", s.memory.fits},
                {"request",
                 {{"input_tokens", s.memory.input_tokens},
                  {"output_tokens", s.memory.output_tokens},
                  {"batch", s.memory.batch},
                  {"beam", s.memory.beam}}}};
    for (const auto& l : s.memory.lines)
      mem["components"].push_back({{"component", l.component},
                                   {"after_prefill_MiB", l.after_prefill / 1048576.0},
                                   {"after_decode_MiB", l.after_decode / 1048576.0}});
    json summary = {{"requests", s.requests}, {"wall_seconds", s.wall_seconds}, {"notes", s.notes}};
    if (!s.metrics.empty()) {
      json metrics = json::array();
      for (const auto& m : s.metrics) metrics.push_back({{"name", m.name}, {"value", m.value}, {"unit", m.unit}});
      summary["metrics"] = std::move(metrics);
    }
    if (!s.series.empty()) {
      json series = json::array();
      for (const auto& c : s.series)
        series.push_back({{"title", c.title}, {"x_label", c.x_label}, {"y_label", c.y_label}, {"x", c.x}, {"y", c.y}});
      summary["series"] = std::move(series);
    }
    return put("\n],\n\"accuracy\": " + acc.dump() + ",\n\"memory\": " + mem.dump() +
               ",\n\"summary\": " + summary.dump() + "}\n");
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
  genz::reports::Line line_;
};

std::unique_ptr<genz::Reporter> make(const void*, std::string_view config) {
  const auto doc = genz::parse_json(config, "json report configuration");
  return std::make_unique<JsonReport>(
      genz::JsonView(doc, "json report configuration").string_or("file", "report.json"));
}

void register_report(genz::Registrar& r) {
  r.add("json", "one JSON document: config, per-request predictions and errors, accuracy, memory",
        genz::factory<genz::Reporter, make>());
}

}  // namespace

GENZ_PLUGIN(GENZ_KIND_REPORT, "json", "1.0.0", register_report)
