#include "genz/engine/gemm_model.hpp"

#include <algorithm>
#include <cmath>

#include "genz/sdk/hardware_json.hpp"

namespace genz {
namespace {

GemmDispatch read_dispatch(const JsonView& d) {
  d.only_keys({"m_max", "n_max", "tile_m", "tile_n", "cluster_m", "cluster_n"});
  GemmDispatch out;
  out.m_max = d.number_or("m_max", 0, 1, 1e9);
  out.n_max = d.number_or("n_max", 0, 1, 1e9);
  out.tile.m = d.number("tile_m", 1, 1024);
  out.tile.n = d.number("tile_n", 1, 1024);
  out.tile.cluster_m = d.number_or("cluster_m", 1, 1, 16);
  out.tile.cluster_n = d.number_or("cluster_n", 1, 1, 16);
  out.tile.split_k = false;  // persistent CUTLASS 3 kernels walk all of K
  return out;
}

// No "dispatch": the kernels' library picks the fastest tile and may split K,
// as the hardware's descriptions do (gemm_kernel_seconds).
std::vector<GemmDispatch> read_dispatch_list(const JsonView& v) {
  if (!v.has("dispatch")) return {};
  const auto& list = v.raw()["dispatch"];
  if (!list.is_array() || list.empty())
    v.fail("dispatch", "a non-empty list of kernel configurations", type_name(list));
  std::vector<GemmDispatch> out;
  for (std::size_t i = 0; i < list.size(); ++i)
    out.push_back(read_dispatch(JsonView(list[i], v.source(), v.path() + "/dispatch/" + std::to_string(i))));
  if (out.back().m_max > 0 || out.back().n_max > 0)
    v.fail("dispatch", "a last entry without m_max and n_max (it takes every other shape)", "bounds on it");
  return out;
}

EngineGemm read_engine_gemm(const JsonView& v, const std::string& architecture, const std::string& format) {
  v.only_keys({"kernel", "dispatch"});
  EngineGemm g;
  g.architecture = architecture;
  g.format = format;
  hw_json::read_gemm_kernel(v.object("kernel"), g.kernel);
  g.dispatch = read_dispatch_list(v);
  return g;
}

const GemmTile& pick(const EngineGemm& g, const Op& op) {
  for (const auto& d : g.dispatch)
    if ((d.m_max <= 0 || op.m <= d.m_max) && (d.n_max <= 0 || op.n <= d.n_max)) return d.tile;
  return g.dispatch.back().tile;
}

}  // namespace

GemmProfile read_gemm_profile(const JsonView& v) {
  GemmProfile p;
  for (auto arch = v.raw().begin(); arch != v.raw().end(); ++arch) {
    const JsonView formats = v.object(arch.key().c_str());
    formats.only_keys({"fp8", "fp8_block", "bf16", "fp16"});
    for (auto f = formats.raw().begin(); f != formats.raw().end(); ++f)
      p.push_back(read_engine_gemm(formats.object(f.key().c_str()), arch.key(), f.key()));
  }
  return p;
}

std::string_view gemm_format(const Op& op) {
  if (op.block_scaled && op.compute_dtype == DType::fp8) return "fp8_block";
  return name_of(op.compute_dtype);
}

std::optional<OpCost> engine_gemm_cost(const GemmProfile& p, const Op& op, const HardwareSpec& hw) {
  // Batched products (MoE experts, MLA's absorbed BMMs) run grouped kernels
  // of their own, not the engine's dense GEMM.
  if (p.empty() || op.kind != OpKind::gemm || op.batch != 1 || is_block_format(op.w_dtype) || hw.architecture.empty())
    return std::nullopt;
  const std::string_view format = gemm_format(op);
  const auto g = std::find_if(
      p.begin(), p.end(), [&](const EngineGemm& e) { return e.architecture == hw.architecture && e.format == format; });
  const double peak = hw.peak_for(op.compute_dtype);
  if (g == p.end() || peak <= 0 || hw.memory_bandwidth <= 0) return std::nullopt;
  const double seconds = g->dispatch.empty() ? gemm_kernel_seconds(g->kernel, hw, op, peak)
                                             : gemm_kernel_seconds_with(g->kernel, hw, op, peak, pick(*g, op)) +
                                                   gemm_quantize_seconds(g->kernel, hw, op);
  return gemm_op_cost(g->kernel, hw, op, peak, seconds);
}

}  // namespace genz
