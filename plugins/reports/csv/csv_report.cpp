// CSV reports, all streamed:
//   <predictions>        the original tool's columns, one row per request
//                        (predictions.csv, or chat-sim.csv for --summary_dir)
//   breakdown.csv        prefill and decode time by group per request
//   accuracy.csv         measured vs predicted and signed errors per request
//   accuracy_summary.csv MAPE, median, p90, max, share over 20 %, Pearson, bias
//   memory.csv           memory breakdown of the largest request
// (the accuracy files only when the trace has measurements). A serving
// simulation (genz simulate) writes instead:
//   requests.csv         arrival, queueing, TTFT, TPOT, max ITL, E2E, preemptions, state
//   serving_summary.csv  metric, value, unit
//   series.csv           series, x, y (time series and latency CDFs)
//   memory.csv
#include <memory>
#include <string>

#include "genz/sdk/json_view.hpp"
#include "genz/sdk/plugin.hpp"
#include "genz/sdk/report.hpp"
#include "genz/sdk/text_format.hpp"

namespace {

using genz::reports::csv_field;
using genz::reports::num;

constexpr const char* kPredictionHeader =
    "Request_ID,Model,Batch,Input_Tokens,Output_Tokens,Beam_Size,TTFT(ms),TPOT(ms),E2E(ms),"
    "Prefill_Throughput(tokens/s),Decode_Throughput(tokens/s),Simulation_Time(s),Notes\n";

std::string breakdown_header() {
  std::string h = "Request_ID,Input_Tokens,Output_Tokens";
  for (const char* phase : {"prefill", "decode_per_token"})
    for (const char* g : {"gemm", "attention", "communication", "other"})
      h += std::string(",") + phase + "_" + g + "(ms)";
  return h + ",decode_host_bound_share\n";
}

constexpr const char* kServingHeader =
    "Request_ID,Arrival(s),Input_Tokens,Output_Tokens,State,Queueing(ms),TTFT(ms),TPOT(ms),Max_ITL(ms),E2E(ms),"
    "Preemptions\n";

constexpr const char* kAccuracyHeader =
    "Request_ID,Input_Tokens,Output_Tokens,TTFT_measured(ms),TTFT_predicted(ms),TTFT_error(%),"
    "TPOT_measured(ms),TPOT_predicted(ms),TPOT_error(%),E2E_measured(ms),E2E_predicted(ms),E2E_error(%)\n";

class CsvReport final : public genz::Reporter {
 public:
  explicit CsvReport(std::string predictions_file) : predictions_file_(std::move(predictions_file)) {}

  genz::Status begin(const genz::RunInfo& run, genz::OutputSink& sink) noexcept override {
    sink_ = &sink;
    for (const auto& [k, v] : run.config)
      if (k == "model") model_ = v;
    if (run.serving) {
      serving_ = open("requests.csv", kServingHeader);
      return ok_ ? genz::Status::success() : failure();
    }
    predictions_ = open(predictions_file_, kPredictionHeader);
    breakdown_ = open("breakdown.csv", breakdown_header());
    if (run.has_measurements) accuracy_ = open("accuracy.csv", kAccuracyHeader);
    return ok_ ? genz::Status::success() : failure();
  }

  genz::Status add(const genz::RequestRecord& r) noexcept override {
    if (r.serving != nullptr) {
      put(serving_, serving_row(r, *r.serving));
      return ok_ ? genz::Status::success() : failure();
    }
    const genz::Prediction& p = r.predicted;
    line_.clear();
    line_.csv(r.id).ch(',').csv(model_).ch(',').num(r.batch).ch(',').num(r.input_tokens).ch(',');
    line_.num(r.output_tokens).ch(',').num(r.beam).ch(',').num(p.ttft * 1e3).ch(',').num(p.tpot * 1e3).ch(',');
    line_.num(p.e2e * 1e3).ch(',').num(p.prefill_throughput).ch(',').num(p.decode_throughput).ch(',');
    line_.num(r.simulation_seconds).ch(',').csv(r.notes).ch('\n');
    put(predictions_, line_.str());
    line_.clear();
    line_.csv(r.id).ch(',').num(r.input_tokens).ch(',').num(r.output_tokens);
    for (double v : p.prefill) line_.ch(',').num(v * 1e3);
    for (double v : p.decode) line_.ch(',').num(v * 1e3);
    line_.ch(',').num(p.host_bound_share).ch('\n');
    put(breakdown_, line_.str());
    if (accuracy_ >= 0) put(accuracy_, accuracy_row(r));
    return ok_ ? genz::Status::success() : failure();
  }

  genz::Status end(const genz::RunSummary& summary) noexcept override {
    const int mem = open("memory.csv", "component,after_prefill(MiB),after_decode(MiB),capacity(MiB)\n");
    for (const auto& l : summary.memory.lines)
      put(mem, csv_field(l.component) + "," + num(l.after_prefill / 1048576.0) + "," + num(l.after_decode / 1048576.0) +
                   "," + num(summary.memory.capacity / 1048576.0) + "\n");
    if (serving_ >= 0) write_serving_summary(summary);
    if (accuracy_ >= 0) {
      const int f =
          open("accuracy_summary.csv", "metric,n,mape(%),median(%),p90(%),max(%),over_20pct(%),pearson,bias(%)\n");
      for (const auto& a : summary.accuracy)
        put(f, a.metric + "," + num(static_cast<double>(a.n)) + "," + num(a.mape) + "," + num(a.median) + "," +
                   num(a.p90) + "," + num(a.max) + "," + num(a.over_20pct) + "," + num(a.pearson) + "," + num(a.bias) +
                   "\n");
    }
    return ok_ ? genz::Status::success() : failure();
  }

 private:
  int open(const std::string& name, const std::string& header) {
    const int f = sink_->open(name.c_str());
    if (f < 0) {
      ok_ = false;
      failed_ = name;
    }
    put(f, header);
    return f;
  }
  void put(int f, const std::string& text) {
    if (ok_ && !sink_->write(f, text)) ok_ = false;
  }
  genz::Status failure() const {
    return genz::Status::error("could not write " + (failed_.empty() ? "a CSV file" : failed_));
  }

  const std::string& serving_row(const genz::RequestRecord& r, const genz::ServingRecord& s) {
    const bool done = s.state == "finished";
    line_.clear();
    line_.csv(r.id).ch(',').num(s.arrival).ch(',').num(r.input_tokens).ch(',').num(r.output_tokens).ch(',');
    line_.csv(s.state).ch(',').num(s.queueing * 1e3).ch(',');
    if (done) {
      line_.num(r.predicted.ttft * 1e3).ch(',').num(r.predicted.tpot * 1e3).ch(',').num(s.max_itl * 1e3).ch(',');
      line_.num(r.predicted.e2e * 1e3);
    } else {
      line_.raw(",,,");
    }
    line_.ch(',').num(static_cast<double>(s.preemptions)).ch('\n');
    return line_.str();
  }

  void write_serving_summary(const genz::RunSummary& summary) {
    const int m = open("serving_summary.csv", "metric,value,unit\n");
    for (const auto& x : summary.metrics)
      put(m, csv_field(x.name) + "," + num(x.value) + "," + csv_field(x.unit) + "\n");
    const int f = open("series.csv", "series,x,y\n");
    for (const auto& c : summary.series)
      for (std::size_t i = 0; i < c.x.size() && i < c.y.size(); ++i)
        put(f, csv_field(c.title) + "," + num(c.x[i]) + "," + num(c.y[i]) + "\n");
  }

  const std::string& accuracy_row(const genz::RequestRecord& r) {
    const genz::Measurement& m = r.measured;
    const genz::Prediction& p = r.predicted;
    line_.clear();
    line_.csv(r.id).ch(',').num(r.input_tokens).ch(',').num(r.output_tokens);
    auto cols = [&](bool has, double pred, double meas) {
      if (!has) {
        line_.raw(",,,");
        return;
      }
      line_.ch(',').num(meas * 1e3).ch(',').num(pred * 1e3).ch(',').num(genz::relative_error_pct(pred, meas));
    };
    cols(m.has_ttft, p.ttft, m.ttft);
    cols(m.has_tpot, p.tpot, m.tpot);
    cols(m.has_e2e, p.e2e, m.e2e);
    line_.ch('\n');
    return line_.str();
  }

  std::string predictions_file_;
  std::string model_;
  genz::OutputSink* sink_ = nullptr;
  int predictions_ = -1, breakdown_ = -1, accuracy_ = -1, serving_ = -1;
  bool ok_ = true;
  std::string failed_;
  genz::reports::Line line_;
};

std::unique_ptr<genz::Reporter> make(const void*, std::string_view config) {
  const auto doc = genz::parse_json(config, "csv report configuration");
  const genz::JsonView v(doc, "csv report configuration");
  return std::make_unique<CsvReport>(v.string_or("predictions_file", "predictions.csv"));
}

void register_report(genz::Registrar& r) {
  r.add("csv", "per-request predictions (the original tool's columns), breakdown, accuracy and memory CSVs",
        genz::factory<genz::Reporter, make>());
}

}  // namespace

GENZ_PLUGIN(GENZ_KIND_REPORT, "csv", "1.0.0", register_report)
