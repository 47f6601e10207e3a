// genz sweep: predict one request shape on every configuration of a cartesian
// product (hardware x layout x precision x batch ...), for sizing hardware.
//
//   genz sweep hw=rtx4090,h100 tp=1,2,4,8 batch=1,16,64 --model llama3_70b --out sweep.csv
//
// Plugins are loaded once and every configuration is composed from them, so a
// configuration costs microseconds. A configuration that cannot run (does not
// fit, TP does not divide the heads) is a row saying why, not an error.
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "commands.hpp"
#include "genz/engine/gguf_mix.hpp"
#include "genz/host/error.hpp"
#include "genz/io/output_dir.hpp"
#include "genz/sdk/text_format.hpp"
#include "session.hpp"
#include "sweep.hpp"

namespace genz::cli {
namespace {

using reports::csv_field;
using reports::fixed;

// An axis replaces its flag in every configuration; both given is ambiguous.
// (batch, beam and the token counts have defaults, so a flag cannot be told
// from its default: their axis simply wins.)
const char* flag_also_given(const std::string& key, const Options& o) {
  if (key == "hw" && (!o.hw.empty() || !o.hw_file.empty() || !o.system.empty())) return "--hw/--hw-file/--system";
  if (key == "model" && (!o.model.empty() || !o.model_config.empty())) return "--model/--model-config";
  if (key == "engine" && (!o.engine.empty() || !o.engine_file.empty())) return "--engine/--engine-file";
  if (key == "comm" && !o.comm.empty()) return "--comm";
  if (key == "dtype" && !o.dtype.empty()) return "--dtype";
  if (key == "kv-dtype" && !o.kv_dtype.empty()) return "--kv-dtype";
  if (key == "tp" && o.tp) return "--tp";
  if (key == "pp" && o.pp) return "--pp";
  if (key == "ep" && o.ep) return "--ep";
  return nullptr;
}

void check_axes_against_flags(const std::vector<SweepAxis>& axes, const Options& o) {
  for (const auto& a : axes)
    if (const char* flag = flag_also_given(a.key, o))
      throw InputError("sweep " + a.key + "=: also given as " + flag + "; give it once");
}

// A name that no plugin provides is the same mistake in every configuration:
// refuse it once, with the names that exist.
void check_names(const std::vector<SweepAxis>& axes, const PluginRegistry& registry) {
  for (const auto& a : axes)
    for (const auto& v : a.values) {
      if (a.key == "hw" && !registry.find(PluginKind::hardware, v))
        throw InputError("sweep hw=" + v + ": no such hardware; " + registry.available(PluginKind::hardware));
      if (a.key == "comm" && !registry.find(PluginKind::comm, v))
        throw InputError("sweep comm=" + v + ": no such comm backend; " + registry.available(PluginKind::comm));
      if (a.key == "engine" && !find_engine(v))
        throw InputError("sweep engine=" + v + ": unknown engine; built-in engines: " + engine_names());
      if ((a.key == "dtype" || a.key == "kv-dtype") && !parse_dtype(v) && !(a.key == "dtype" && find_gguf_ftype(v)))
        throw InputError("sweep " + a.key + "=" + v + ": expected one of fp32, bf16, fp16, fp8, int8, int4" +
                         (a.key == "dtype" ? " or a GGUF type (" + gguf_ftype_names() + ")" : std::string()));
    }
}

// Layout degrees a failed row was not given are 0: an empty field.
std::string count(unsigned n) {
  return n ? std::to_string(n) : "";
}

const char* const kCsvHeader =
    "Config,Model,Hardware,GPUs,TP,PP,EP,Dtype,KV_Dtype,Engine,Batch,Beam,Input_Tokens,Output_Tokens,Fits,"
    "Memory_per_GPU(GiB),GPU_Capacity(GiB),TTFT(ms),TPOT(ms),E2E(ms),Prefill_Throughput(tokens/s),"
    "Decode_Throughput(tokens/s),Decode_Throughput_per_GPU(tokens/s),Notes\n";

std::string csv_row(std::size_t i, const SweepRow& r) {
  std::ostringstream out;
  out << i << "," << csv_field(r.model) << "," << csv_field(r.hw) << "," << count(r.gpus) << "," << count(r.tp) << ","
      << count(r.pp) << "," << count(r.ep) << "," << r.dtype << "," << r.kv_dtype << "," << r.engine << "," << r.batch
      << "," << r.beam << "," << r.input_tokens << "," << r.output_tokens << "," << (r.ok ? "yes" : "no") << ",";
  if (r.ok)
    out << fixed(r.mem_gib, 2) << "," << fixed(r.capacity_gib, 2) << "," << fixed(r.p.ttft * 1e3, 3) << ","
        << fixed(r.p.tpot * 1e3, 3) << "," << fixed(r.p.e2e * 1e3, 3) << "," << fixed(r.p.prefill_throughput, 1) << ","
        << fixed(r.p.decode_throughput, 1) << "," << fixed(r.p.decode_throughput / r.gpus, 1) << ",";
  else
    out << ",,,,,,,,";
  out << csv_field(r.note) << "\n";
  return out.str();
}

nlohmann::ordered_json json_row(const SweepRow& r) {
  nlohmann::ordered_json j;
  j["model"] = r.model;
  j["hardware"] = r.hw;
  j["batch"] = r.batch;
  j["beam"] = r.beam;
  j["input_tokens"] = r.input_tokens;
  j["output_tokens"] = r.output_tokens;
  j["fits"] = r.ok;
  if (r.ok) {
    j["layout"] = {{"gpus", r.gpus}, {"tp", r.tp}, {"pp", r.pp}, {"ep", r.ep}, {"description", r.layout}};
    j["dtype"] = r.dtype;
    j["kv_dtype"] = r.kv_dtype;
    j["engine"] = r.engine;
    j["memory_per_gpu_gib"] = r.mem_gib;
    j["gpu_capacity_gib"] = r.capacity_gib;
    j["predicted"] = {{"TTFT", r.p.ttft * 1e3},
                      {"TPOT", r.p.tpot * 1e3},
                      {"E2E", r.p.e2e * 1e3},
                      {"prefill_throughput", r.p.prefill_throughput},
                      {"decode_throughput", r.p.decode_throughput},
                      {"decode_throughput_per_gpu", r.p.decode_throughput / r.gpus}};
  } else {
    j["why"] = r.note;
  }
  return j;
}

// One element of the top-level array, as an indented dump of the whole array
// would print it (two more spaces on every line).
void print_json_element(std::ostream& out, std::size_t i, const SweepRow& r) {
  out << (i == 0 ? "[\n" : ",\n");
  const std::string text = json_row(r).dump(2);
  std::size_t begin = 0;
  while (begin < text.size()) {
    const std::size_t end = text.find('\n', begin);
    out << "  " << text.substr(begin, end == std::string::npos ? std::string::npos : end - begin + 1);
    begin = end == std::string::npos ? text.size() : end + 1;
  }
}

// The table is for reading at a glance; --out and --json carry the whole note.
std::string shortened(const std::string& note) {
  constexpr std::size_t kWidth = 110;
  return note.size() <= kWidth ? note : note.substr(0, kWidth - 3) + "...";
}

void print_table_header() {
  char line[512];
  std::snprintf(line, sizeof line, "%-14s %-10s %5s %-10s %-5s %6s %9s %10s %10s %12s %11s\n", "model", "hardware",
                "GPUs", "TPxPPxEP", "dtype", "batch", "mem GiB", "TTFT ms", "TPOT ms", "decode tok/s", "tok/s/GPU");
  std::cout << line;
}

void print_table_row(const SweepRow& r) {
  if (!r.ok) {
    std::cout << "  - " << r.hw << (r.tp ? " tp " + count(r.tp) : "") << (r.pp ? " pp " + count(r.pp) : "") << " batch "
              << r.batch << ": " << shortened(r.note) << "\n";
    return;
  }
  char line[512];
  const std::string par = std::to_string(r.tp) + "x" + std::to_string(r.pp) + "x" + std::to_string(r.ep);
  std::snprintf(line, sizeof line, "%-14s %-10s %5u %-10s %-5s %6.0f %9.2f %10.2f %10.3f %12.1f %11.1f\n",
                r.model.c_str(), r.hw.c_str(), r.gpus, par.c_str(), r.dtype.c_str(), r.batch, r.mem_gib, r.p.ttft * 1e3,
                r.p.tpot * 1e3, r.p.decode_throughput, r.p.decode_throughput / r.gpus);
  std::cout << line;
}

// --out DIR/ (or an existing directory) gets DIR/sweep.csv; anything else is the file.
std::filesystem::path sweep_file(const std::string& out) {
  const std::filesystem::path p(out);
  if (out.back() != '/' && !std::filesystem::is_directory(p)) return p;
  std::error_code ec;
  std::filesystem::create_directories(p, ec);
  if (ec) throw InputError("--out " + out + ": cannot create the directory: " + ec.message());
  return p / "sweep.csv";
}

}  // namespace

// Rows are written as they are predicted (CSV to a temporary file, the
// table or JSON to stdout), so memory stays flat however large the sweep.
int run_sweep(const Options& o) {
  const std::vector<SweepAxis> axes = parse_sweep_axes(o.args);
  check_axes_against_flags(axes, o);
  auto registry = std::make_shared<PluginRegistry>();
  load_plugins(*registry, o);
  check_names(axes, *registry);

  std::optional<OutputDirectory> dir;
  int csv = -1;
  std::filesystem::path file;
  if (!o.out_dir.empty()) {
    file = sweep_file(o.out_dir);
    check_output_file(file, input_paths(o));
    dir.emplace(file.has_parent_path() ? file.parent_path() : std::filesystem::path("."),
                std::vector<std::filesystem::path>{});
    csv = dir->open(file.filename().c_str());
    if (csv < 0 || !dir->write(csv, std::string(kCsvHeader)))
      throw Error("cannot write " + file.string() + ": " + dir->last_error());
  }
  if (!o.json) print_table_header();
  const auto start = std::chrono::steady_clock::now();
  std::size_t n = 0, ok = 0;
  for_each_sweep_row(registry, o, axes, [&](std::size_t i, const SweepRow& r) {
    ++n;
    ok += r.ok ? 1 : 0;
    if (dir && !dir->write(csv, csv_row(i, r))) throw Error("cannot write " + file.string() + ": " + dir->last_error());
    if (o.json)
      print_json_element(std::cout, i, r);
    else
      print_table_row(r);
  });
  if (o.json) std::cout << (n == 0 ? "[]\n" : "\n]\n");
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  spdlog::info("{} configurations predicted in {:.1f} ms; {} run, {} cannot (see their notes)", n, ms, ok, n - ok);
  if (dir) {
    dir->commit();
    spdlog::info("wrote {}", file.string());
  }
  if (ok == 0) {
    spdlog::error("none of the {} configurations can run (each row says why)", n);
    return 1;
  }
  return 0;
}

std::string sweep_json(const Options& o, std::shared_ptr<const PluginRegistry> registry) {
  const std::vector<SweepAxis> axes = parse_sweep_axes(o.args);
  check_axes_against_flags(axes, o);
  check_names(axes, *registry);
  std::ostringstream out;
  std::size_t n = 0;
  for_each_sweep_row(registry, o, axes, [&](std::size_t i, const SweepRow& r) {
    print_json_element(out, i, r);
    ++n;
  });
  out << (n == 0 ? "[]\n" : "\n]\n");
  return out.str();
}

}  // namespace genz::cli
