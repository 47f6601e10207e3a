// Reading and writing hardware descriptions as JSON (comments allowed).
//
// Two schemas are accepted. genz's own keeps data-sheet numbers and achieved
// (measured or fitted) numbers apart and names every unit:
//
//   { "name": "my_gpu", "vendor": "...",
//     "compute": { "units": 82, "tensor_tflops": {"fp16": 71, "bf16": 71},
//                  "tensor_tflops_acc16": {"fp16": 142}, "vector_tflops": 35.6 },
//     "memory": { "capacity_GiB": 24, "bandwidth_GBps": 936, "l2_MiB": 6 },
//     "interconnect": { "intra_node": { "kind": "pcie", "bandwidth_GBps": 31.5 } },
//     "achieved": { "compute_fraction": 0.8, "bandwidth_fraction": 0.86,
//                   "kernel_overhead_us": 1.5, "overlap_exponent": 1.2,
//                   "cta_bandwidth_GBps": 12, "attention_fraction": 0.65,
//                   "intra_node": { "latency_us": 18, "efficiency": 0.42 },
//                   "gemm": { "fp8": { "compute_fraction": 0.66, "bandwidth_fraction": 0.78,
//                                      "extra_kernels": 1 } },
//                   "gemm_kernels": { "bf16": { "floor_us": 2.6, "compute_fraction": 0.83, ... } } },
//     "engine_host": { "hf": { "per_kernel_us": 10.8, "per_request_ms": 3.1 } } }
//
// The original tool's keys are read too: Flops (TFLOP/s), Memory_size (GB),
// Memory_BW (GB/s), ICN (GB/s), ICN_LL (microseconds), L2_Cache_Size (MB).
#pragma once

#include <string>

#include "genz/sdk/hardware_spec.hpp"
#include "genz/sdk/json_view.hpp"
#include "genz/sdk/printable.hpp"

namespace genz {
inline namespace v1 {

namespace hw_json {
constexpr double kTera = 1e12, kGiga = 1e9, kGiB = 1073741824.0, kMiB = 1048576.0;
// Upper bounds that catch unit mistakes (a value in FLOP/s where TFLOP/s was
// meant) without rejecting any part on the market or announced.
constexpr double kMaxTflops = 1e5, kMaxGBps = 1e5, kMaxGiB = 1e5;

inline void read_peaks(const JsonView& table, std::array<double, kDTypeCount>& out) {
  for (auto it = table.raw().begin(); it != table.raw().end(); ++it) {
    const auto t = parse_dtype(it.key());
    if (!t || index_of(*t) >= kDTypeCount)
      table.fail(it.key(), "a format name (fp32, tf32, bf16, fp16, fp8, int8, int4)", "\"" + it.key() + "\"");
    out[index_of(*t)] = table.number(it.key().c_str(), 0, kMaxTflops) * kTera;
  }
}

inline void read_link(const JsonView& v, LinkSpec& link) {
  link.kind = v.string_or("kind", link.kind);
  link.bandwidth = v.number_or("bandwidth_GBps", link.bandwidth / kGiga, 0, kMaxGBps) * kGiga;
  link.latency = v.number_or("latency_us", link.latency * 1e6, 0, 1e5) * 1e-6;
  link.efficiency = v.number_or("efficiency", link.efficiency, 1e-3, 1.0);
}

// Calls f(format, its object) for each key of a table keyed by format name
// but `other` (a key the caller reads itself).
template <class F>
void for_each_format(const JsonView& table, F&& f, const char* other = nullptr) {
  for (auto it = table.raw().begin(); it != table.raw().end(); ++it) {
    if (other && it.key() == other) continue;
    const auto t = parse_dtype(it.key());
    if (!t || index_of(*t) >= kDTypeCount)
      table.fail(it.key(), "a format name (fp32, tf32, bf16, fp16, fp8, int8, int4)", "\"" + it.key() + "\"");
    f(*t, table.object(it.key().c_str()));
  }
}

// "gemm": {"fp8": {"compute_fraction": 0.66, "bandwidth_fraction": 0.78, "extra_kernels": 1}}
inline void read_gemm_achieved(const JsonView& table, AchievedSpec& a) {
  for_each_format(table, [&](DType t, const JsonView& g) {
    g.only_keys({"compute_fraction", "bandwidth_fraction", "extra_kernels"});
    GemmAchieved& out = a.gemm[index_of(t)];
    out.compute_fraction = g.number_or("compute_fraction", 0, 0, 1.5);
    out.bandwidth_fraction = g.number_or("bandwidth_fraction", 0, 0, 1.0);
    out.extra_kernels = g.number_or("extra_kernels", 0, 0, 100);
  });
}

// "gemm_kernels": {"bf16": {"floor_us": 2.4, "compute_fraction": 0.83, "bandwidth_fraction": 0.81,
//                            "iteration_ns": 62, "overlap_exponent": 4, "split_reduce_us": 1.6,
//                            "wave_us": 0.28, "quantize_us": 0, "quantize_row_ns": 0, "split_k_min": 2048,
//                            "l2_bandwidth_GBps": 0, "l2_fraction": 0},
//                  "fp8_block": {...}}   (block-scaled FP8, Op::block_scaled)
inline void read_gemm_kernel(const JsonView& g, GemmKernelSpec& out) {
  g.only_keys({"floor_us", "compute_fraction", "bandwidth_fraction", "iteration_ns", "overlap_exponent",
               "split_reduce_us", "wave_us", "quantize_us", "quantize_row_ns", "split_k_min", "l2_bandwidth_GBps",
               "l2_fraction"});
  out.floor = g.number("floor_us", 1e-3, 1e4) * 1e-6;
  out.compute_fraction = g.number("compute_fraction", 1e-3, 1.5);
  out.bandwidth_fraction = g.number("bandwidth_fraction", 1e-3, 2.0);
  out.iteration = g.number("iteration_ns", 0, 1e6) * 1e-9;
  out.overlap_exponent = g.number_or("overlap_exponent", 4, 1, 64);
  out.split_reduce = g.number_or("split_reduce_us", 0, 0, 1e4) * 1e-6;
  out.wave = g.number_or("wave_us", 0, 0, 1e4) * 1e-6;
  out.quantize = g.number_or("quantize_us", 0, 0, 1e4) * 1e-6;
  out.split_k_min = g.number_or("split_k_min", 2048, 1, 1e9);
  out.quantize_row = g.number_or("quantize_row_ns", 0, 0, 1e6) * 1e-9;
  out.l2_bandwidth = g.number_or("l2_bandwidth_GBps", 0, 0, 1e6) * 1e9;
  out.l2_fraction = g.number_or("l2_fraction", 0, 0, 1);
}

inline void read_gemm_kernels(const JsonView& table, AchievedSpec& a) {
  if (table.has("fp8_block")) read_gemm_kernel(table.object("fp8_block"), a.fp8_block_gemm);
  for_each_format(
      table, [&](DType t, const JsonView& g) { read_gemm_kernel(g, a.gemm_kernels[index_of(t)]); }, "fp8_block");
}

inline void read_achieved(const JsonView& v, HardwareSpec& s) {
  AchievedSpec& a = s.achieved;
  a.compute_fraction = v.number_or("compute_fraction", a.compute_fraction, 1e-3, 1.5);
  a.bandwidth_fraction = v.number_or("bandwidth_fraction", a.bandwidth_fraction, 1e-3, 1.0);
  a.kernel_overhead = v.number_or("kernel_overhead_us", a.kernel_overhead * 1e6, 0, 1e4) * 1e-6;
  a.overlap_exponent = v.number_or("overlap_exponent", a.overlap_exponent, 1.0, 64.0);
  a.cta_bandwidth = v.number_or("cta_bandwidth_GBps", a.cta_bandwidth / kGiga, 0, kMaxGBps) * kGiga;
  a.attention_fraction = v.number_or("attention_fraction", a.attention_fraction, 1e-3, 1.5);
  if (v.has("gemm")) read_gemm_achieved(v.object("gemm"), a);
  if (v.has("gemm_kernels")) read_gemm_kernels(v.object("gemm_kernels"), a);
  if (v.has("intra_node")) {
    const JsonView link = v.object("intra_node");
    link.only_keys({"latency_us", "efficiency", "collective_latency_scale", "collective_bandwidth_scale",
                    "step_latency_us", "ll_latency_us", "ll_fraction", "p2p_latency_us", "contention"});
    s.intra_node.latency = link.number_or("latency_us", s.intra_node.latency * 1e6, 0, 1e5) * 1e-6;
    s.intra_node.efficiency = link.number_or("efficiency", s.intra_node.efficiency, 1e-3, 1.0);
    s.intra_node.collective_latency_scale =
        link.number_or("collective_latency_scale", s.intra_node.collective_latency_scale, 0.1, 10);
    s.intra_node.collective_bandwidth_scale =
        link.number_or("collective_bandwidth_scale", s.intra_node.collective_bandwidth_scale, 0.1, 10);
    s.intra_node.step_latency = link.number_or("step_latency_us", s.intra_node.step_latency * 1e6, 0, 1e4) * 1e-6;
    s.intra_node.ll_latency = link.number_or("ll_latency_us", s.intra_node.ll_latency * 1e6, 0, 1e5) * 1e-6;
    s.intra_node.ll_fraction = link.number_or("ll_fraction", s.intra_node.ll_fraction, 1e-3, 1.0);
    s.intra_node.p2p_latency = link.number_or("p2p_latency_us", s.intra_node.p2p_latency * 1e6, 0, 1e5) * 1e-6;
    s.intra_node.contention = link.number_or("contention", s.intra_node.contention, 0, 8);
  }
}

inline void read_engine_hosts(const JsonView& v, HardwareSpec& s) {
  for (auto it = v.raw().begin(); it != v.raw().end(); ++it) {
    const JsonView e = v.object(it.key().c_str());
    EngineHostSpec h;
    h.engine = it.key();
    h.per_kernel = e.number_or("per_kernel_us", 0, 0, 1e4) * 1e-6;
    h.per_request = e.number_or("per_request_ms", 0, 0, 1e5) * 1e-3;
    s.engine_hosts.push_back(h);
  }
}

inline void read_seed_schema(const JsonView& v, HardwareSpec& s) {
  const double flops = v.number("Flops", 1e-3, kMaxTflops) * kTera;
  s.peak[index_of(DType::bf16)] = flops;
  s.peak[index_of(DType::fp16)] = flops;
  s.memory_bytes = v.number("Memory_size", 1e-3, kMaxGiB) * kGiB;
  s.memory_bandwidth = v.number("Memory_BW", 1e-3, kMaxGBps) * kGiga;
  s.intra_node.bandwidth = v.number_or("ICN", 0, 0, kMaxGBps) * kGiga;
  s.intra_node.latency = v.number_or("ICN_LL", 0, 0, 1e5) * 1e-6;
  s.l2_bytes = v.number_or("L2_Cache_Size", 0, 0, 1e5) * kMiB;
  s.vector_flops = flops / 8;
}

inline void read_genz_schema(const JsonView& v, HardwareSpec& s) {
  const JsonView compute = v.object("compute");
  s.compute_units = static_cast<unsigned>(compute.integer_or("units", 0, 0, 1000000));
  read_peaks(compute.object("tensor_tflops"), s.peak);
  if (compute.has("tensor_tflops_acc16")) read_peaks(compute.object("tensor_tflops_acc16"), s.peak_acc16);
  s.vector_flops = compute.number_or("vector_tflops", 0, 0, kMaxTflops) * kTera;
  const JsonView memory = v.object("memory");
  s.memory_bytes = memory.number("capacity_GiB", 1e-3, kMaxGiB) * kGiB;
  s.memory_bandwidth = memory.number("bandwidth_GBps", 1e-3, kMaxGBps) * kGiga;
  s.l2_bytes = memory.number_or("l2_MiB", 0, 0, 1e5) * kMiB;
  const JsonView icn = v.optional_object("interconnect");
  if (icn.has("intra_node")) read_link(icn.object("intra_node"), s.intra_node);
}
}  // namespace hw_json

/// Reads a hardware description. source names the file in error messages;
/// fallback_name is used when the document has no "name".
inline HardwareSpec hardware_from_json(const nlohmann::json& doc, const std::string& source,
                                       const std::string& fallback_name) {
  using namespace hw_json;
  const JsonView v(doc, source);
  if (!doc.is_object()) v.fail("(document)", "a JSON object", type_name(doc));
  HardwareSpec s;
  s.name = printable(v.string_or("name", fallback_name));
  if (s.name.empty()) v.fail("name", "a non-empty string", "\"\"");
  s.display_name = printable(v.string_or("display_name", s.name));
  s.vendor = v.string_or("vendor", "");
  s.notes = v.string_or("notes", "");
  s.architecture = printable(v.string_or("architecture", ""));
  if (v.has("Flops"))
    read_seed_schema(v, s);
  else
    read_genz_schema(v, s);
  bool any_peak = false;
  for (double p : s.peak) any_peak = any_peak || p > 0;
  if (!any_peak) v.fail("compute/tensor_tflops", "at least one positive peak", "none");
  if (v.has("achieved")) read_achieved(v.object("achieved"), s);
  if (v.has("engine_host")) read_engine_hosts(v.object("engine_host"), s);
  return s;
}

inline HardwareSpec hardware_from_text(std::string_view text, const std::string& source,
                                       const std::string& fallback_name) {
  return hardware_from_json(parse_json(text, source), source, fallback_name);
}

/// Writes genz's schema; numbers round-trip through hardware_from_json.
inline nlohmann::ordered_json hardware_to_json(const HardwareSpec& s) {
  using namespace hw_json;
  nlohmann::ordered_json j;
  j["name"] = s.name;
  j["display_name"] = s.display_name;
  j["vendor"] = s.vendor;
  if (!s.notes.empty()) j["notes"] = s.notes;
  if (!s.architecture.empty()) j["architecture"] = s.architecture;
  auto peaks = [](const std::array<double, kDTypeCount>& p) {
    nlohmann::ordered_json t = nlohmann::ordered_json::object();
    for (DType d : kAllDTypes)
      if (p[index_of(d)] > 0) t[std::string(name_of(d))] = p[index_of(d)] / kTera;
    return t;
  };
  j["compute"] = {
      {"units", s.compute_units}, {"tensor_tflops", peaks(s.peak)}, {"vector_tflops", s.vector_flops / kTera}};
  if (!peaks(s.peak_acc16).empty()) j["compute"]["tensor_tflops_acc16"] = peaks(s.peak_acc16);
  j["memory"] = {{"capacity_GiB", s.memory_bytes / kGiB},
                 {"bandwidth_GBps", s.memory_bandwidth / kGiga},
                 {"l2_MiB", s.l2_bytes / kMiB}};
  j["interconnect"]["intra_node"] = {{"kind", s.intra_node.kind}, {"bandwidth_GBps", s.intra_node.bandwidth / kGiga}};
  const AchievedSpec& a = s.achieved;
  j["achieved"] = {{"compute_fraction", a.compute_fraction},
                   {"bandwidth_fraction", a.bandwidth_fraction},
                   {"kernel_overhead_us", a.kernel_overhead * 1e6},
                   {"overlap_exponent", a.overlap_exponent},
                   {"cta_bandwidth_GBps", a.cta_bandwidth / kGiga},
                   {"attention_fraction", a.attention_fraction},
                   {"intra_node",
                    {{"latency_us", s.intra_node.latency * 1e6},
                     {"efficiency", s.intra_node.efficiency},
                     {"collective_latency_scale", s.intra_node.collective_latency_scale},
                     {"collective_bandwidth_scale", s.intra_node.collective_bandwidth_scale},
                     {"step_latency_us", s.intra_node.step_latency * 1e6},
                     {"ll_latency_us", s.intra_node.ll_latency * 1e6},
                     {"ll_fraction", s.intra_node.ll_fraction},
                     {"p2p_latency_us", s.intra_node.p2p_latency * 1e6},
                     {"contention", s.intra_node.contention}}}};
  for (std::size_t d = 0; d < a.gemm.size(); ++d) {
    const GemmAchieved& g = a.gemm[d];
    if (g.compute_fraction > 0 || g.bandwidth_fraction > 0 || g.extra_kernels > 0)
      j["achieved"]["gemm"][std::string(name_of(static_cast<DType>(d)))] = {
          {"compute_fraction", g.compute_fraction},
          {"bandwidth_fraction", g.bandwidth_fraction},
          {"extra_kernels", g.extra_kernels}};
  }
  const auto kernel_json = [](const GemmKernelSpec& g) {
    return nlohmann::ordered_json{{"floor_us", g.floor * 1e6},
                                  {"compute_fraction", g.compute_fraction},
                                  {"bandwidth_fraction", g.bandwidth_fraction},
                                  {"iteration_ns", g.iteration * 1e9},
                                  {"overlap_exponent", g.overlap_exponent},
                                  {"split_reduce_us", g.split_reduce * 1e6},
                                  {"wave_us", g.wave * 1e6},
                                  {"quantize_us", g.quantize * 1e6},
                                  {"quantize_row_ns", g.quantize_row * 1e9},
                                  {"l2_bandwidth_GBps", g.l2_bandwidth / 1e9},
                                  {"l2_fraction", g.l2_fraction},
                                  {"split_k_min", g.split_k_min}};
  };
  for (std::size_t d = 0; d < a.gemm_kernels.size(); ++d)
    if (a.gemm_kernels[d].described())
      j["achieved"]["gemm_kernels"][std::string(name_of(static_cast<DType>(d)))] = kernel_json(a.gemm_kernels[d]);
  if (a.fp8_block_gemm.described()) j["achieved"]["gemm_kernels"]["fp8_block"] = kernel_json(a.fp8_block_gemm);
  for (const auto& h : s.engine_hosts)
    j["engine_host"][h.engine] = {{"per_kernel_us", h.per_kernel * 1e6}, {"per_request_ms", h.per_request * 1e3}};
  return j;
}

}  // namespace v1
}  // namespace genz
