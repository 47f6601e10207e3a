#include "genz/calibration/published.hpp"

#include <cmath>
#include <cstdio>
#include <map>

#include "genz/engine/composition.hpp"
#include "genz/engine/memory_model.hpp"
#include "genz/engine/speculative.hpp"
#include "genz/host/error.hpp"
#include "genz/io/csv_reader.hpp"
#include "genz_embedded.hpp"

namespace genz_embedded {
extern const File published_files[];
extern const std::size_t published_files_count;
}  // namespace genz_embedded

namespace genz {
namespace {

struct Published {
  std::map<std::string, std::string> field;
  const std::string& operator[](const std::string& k) const {
    static const std::string empty;
    const auto it = field.find(k);
    return it == field.end() ? empty : it->second;
  }
};

std::vector<Published> read_published(const genz_embedded::File& f) {
  CsvReader csv = CsvReader::from_text(f.text, std::string("built-in ") + f.name);
  std::vector<std::string_view> fields;
  std::vector<std::string> header;
  std::vector<Published> out;
  while (csv.next(fields)) {
    if (header.empty()) {
      header.assign(fields.begin(), fields.end());
      continue;
    }
    Published p;
    for (std::size_t i = 0; i < header.size() && i < fields.size(); ++i) p.field[header[i]] = std::string(fields[i]);
    out.push_back(std::move(p));
  }
  return out;
}

// The row's stack: model, GPU, engine as that build ran, GGUF type, offload.
std::unique_ptr<Composition> stack_of(const std::shared_ptr<const PluginRegistry>& reg, const Published& p) {
  Recipe r;
  r.model = p["model"];
  r.hardware = p["hw"];
  r.comm = "pcie_like";
  r.engine = p["engine"];
  const GgufFtype* gguf = find_gguf_ftype(p["dtype"]);
  const DType w = gguf ? gguf->base : parse_dtype(p["dtype"]).value_or(DType::fp16);
  r.precision = {w, DType::fp16, DType::fp16};
  auto c = compose(reg, r);
  c->engine.cuda_graphs = p["cuda_graphs"] == "1";
  c->engine.host_per_request = 0;  // llama-bench and the tutorial time the model's forward passes only
  if (gguf) c->use_gguf(*gguf);
  if (!p["host"].empty()) {
    const HostSpec* h = find_host(p["host"]);
    if (!h) throw Error("published row names an unknown host '" + p["host"] + "'");
    c->set_host(*h);
  }
  c->layout.host_experts = p["offload"] == "experts";
  c->start();
  return c;
}

ValidationRow predicted_row(const std::shared_ptr<const PluginRegistry>& reg, const Published& p) {
  ValidationRow row;
  row.dataset = "published: " + p["gpu"] + (p["host"].empty() ? "" : " + " + p["host"]) + ", " + p["engine"];
  row.metric = p["note"].substr(0, p["note"].find(';')) + " " + p["test"] + " " + p["metric"] + " (" + p["role"] + ")";
  const auto c = stack_of(reg, p);
  Request q;
  q.input = std::stod(p["input"]);
  q.output = std::stod(p["output"]);
  const Prediction pr = c->predictor->predict(q);
  const double predicted = p["metric"] == "prefill tok/s" ? pr.prefill_throughput : pr.decode_throughput;
  const double measured = std::stod(p["measured"]);
  const double e = std::fabs(relative_error_pct(predicted, measured));
  row.n = 1;
  row.mape = row.median = row.p90 = row.max = e;
  char note[96];
  std::snprintf(note, sizeof note, "predicted %.4g, measured %.4g", predicted, measured);
  row.note = note;
  return row;
}

// Weights genz sizes for a GGUF type against the published file size.
ValidationRow file_size_row(const std::shared_ptr<const PluginRegistry>& reg, const Published& p) {
  Published q = p;
  q.field["hw"] = "h100";  // any GPU that holds the model: only the sizes matter
  q.field["engine"] = "llamacpp";
  const auto c = stack_of(reg, q);
  const MemoryEstimate m = estimate_memory(*c->model, c->layout, c->precision, c->engine, c->hardware->spec(), {1, 1});
  const double predicted = m.weights() / 1e9, measured = std::stod(p["file_GB"]);
  ValidationRow row;
  row.dataset = "published: GGUF file sizes, " + p["model"];
  row.metric = p["dtype"] + " weights GB";
  row.n = 1;
  row.mape = row.median = row.p90 = row.max = std::fabs(relative_error_pct(predicted, measured));
  row.has_target = true;  // the published sizes carry 3 digits
  row.target_stat = Stat::max;
  row.threshold = 1;
  char note[96];
  std::snprintf(note, sizeof note, "predicted %.3f, file %.2f", predicted, measured);
  row.note = note;
  return row;
}

// A speculative row's target, or its drafter (a head of the target's shape
// for EAGLE and MTP), on the row's GPUs.
std::unique_ptr<Composition> spec_stack(const std::shared_ptr<const PluginRegistry>& reg, const Published& p,
                                        bool drafter) {
  Recipe r;
  r.model = p["model"];
  r.hardware = p["hw"];
  r.comm = "nv_like";
  r.engine = p["engine"];
  r.parallel.tp = static_cast<unsigned>(std::stoul(p["tp"]));
  r.parallel.ep = static_cast<unsigned>(std::stoul(p["ep"]));
  const DType w = parse_dtype(p["dtype"]).value_or(DType::bf16);
  const DType a = w == DType::fp8 ? DType::fp8 : w;
  r.precision = {w, a, w == DType::fp8 ? DType::bf16 : w};
  if (drafter && (p["drafter"] == "eagle" || p["drafter"] == "mtp"))
    r.model_config = R"({"layers": 1})";
  else if (drafter)
    r.model = p["drafter"];
  return compose(reg, r);
}

// The published speed-up of speculative decoding against TPOT without and
// with the drafter, at the row's acceptance; inside a published range is 0 %.
ValidationRow speculative_row(const std::shared_ptr<const PluginRegistry>& reg, const Published& p) {
  const auto target = spec_stack(reg, p, false), drafter = spec_stack(reg, p, true);
  SpecConfig s;
  s.k = static_cast<unsigned>(std::stoul(p["k"]));
  s.accept = {std::stod(p["accept"])};
  const Request q{std::stod(p["input"]), std::stod(p["output"]), std::stod(p["batch"]), 1};
  const Prediction plain = target->predictor->predict(q);
  Prediction spec = plain;
  const double context = q.input + std::floor((q.output - 1) / 2);
  apply_speculation(spec, q, spec_step(*target->predictor, *drafter->predictor, s, q.batch, context));
  const double predicted = plain.tpot / spec.tpot;
  const double lo = std::stod(p["speedup_low"]), hi = std::stod(p["speedup_high"]);
  const double nearest = predicted < lo ? lo : predicted > hi ? hi : predicted;
  ValidationRow row;
  row.dataset = "published: speculative decoding, " + p["gpu"];
  row.metric = p["note"] + " TPOT speed-up";
  row.n = 1;
  row.mape = row.median = row.p90 = row.max = std::fabs(relative_error_pct(predicted, nearest));
  row.has_target = true;  // the conditions differ from the publication's (README): a loose target
  row.target_stat = Stat::max;
  row.threshold = 15;
  char note[160];
  std::snprintf(
      note, sizeof note, "predicted %.2fx (%s, k %s, batch %s on %s), published %s", predicted, p["drafter"].c_str(),
      p["k"].c_str(), p["batch"].c_str(), p["hw"].c_str(),
      lo == hi ? (p["speedup_low"] + "x").c_str() : (p["speedup_low"] + "-" + p["speedup_high"] + "x").c_str());
  row.note = note;
  return row;
}

}  // namespace

void published_rows(const std::shared_ptr<const PluginRegistry>& registry, std::vector<ValidationRow>& out) {
  for (std::size_t i = 0; i < genz_embedded::published_files_count; ++i)
    for (const Published& p : read_published(genz_embedded::published_files[i])) {
      if (!p["file_GB"].empty()) {
        out.push_back(file_size_row(registry, p));
        continue;
      }
      if (!p["speedup_low"].empty()) {
        out.push_back(speculative_row(registry, p));
        continue;
      }
      if (p["role"] != "not run") {
        out.push_back(predicted_row(registry, p));
        continue;
      }
      ValidationRow row;
      row.dataset = "published: " + p["gpu"] + (p["host"].empty() ? "" : " + " + p["host"]);
      row.metric = p["test"] + " " + p["metric"] + " " + p["measured"];
      row.available = false;
      row.note = p["note"];
      out.push_back(row);
    }
}

}  // namespace genz
