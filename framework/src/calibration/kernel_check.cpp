#include "genz/calibration/kernel_check.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <future>
#include <map>
#include <type_traits>

#include "genz/calibration/accuracy.hpp"
#include "genz/engine/lowering.hpp"
#include "genz/host/error.hpp"

namespace genz {
namespace {

namespace fs = std::filesystem;

// aiconfigurator's GPU folders and genz's descriptions of those parts.
constexpr struct {
  const char* folder;
  const char* hardware;
  bool primary;      // a TensorRT-LLM target GPU (tighter targets)
  bool fitted;       // the engine profiles' kernels were fitted on half of its head configurations
  bool gemm_fitted;  // its GEMM kernels were fitted on half of its (n, k) shapes (the H200 has the H100's)
} kGpus[] = {{"h100_sxm", "h100", true, true, true},
             {"h200_sxm", "h200", true, false, false},
             {"b200_sxm", "b200", true, false, true},
             {"a100_sxm", "a100_80gb", false, false, true},
             {"l40s", "l40s", false, false, true}};

// Rows of an eager-call table this much slower than the host's time per call
// are the kernel's (EagerCall).
constexpr double kKernelBound = 1.5;
constexpr const char* kKernelBoundNote = "rows over 1.5x the host's time per eager call: the kernel model alone";

// The split data/calibration/fit_attention.py fits on (even) and holds out
// (odd): whole head configurations, never rows of one shape (MLA's context
// and decode kernels: head counts whose log2 is odd).
bool held_out_heads(const KernelSample& s) {
  if (s.cls == KernelClass::mla_context || s.cls == KernelClass::mla_generation)
    return static_cast<long long>(std::lround(std::log2(s.heads))) % 2 != 0;
  if (s.cls != KernelClass::context_attention && s.cls != KernelClass::generation_attention) return false;
  const auto parity = static_cast<long long>(s.heads * 31 + s.kv_heads * 7 + s.head_dim) % 2;
  return parity != 0;
}

// The split data/calibration/fit_gemm.py fits on (bit clear) and holds out
// (bit set): whole (n, k) weight shapes, by one bit of a multiplicative hash.
bool held_out_gemm(const KernelSample& s) {
  if (s.cls != KernelClass::gemm) return false;
  const auto n = static_cast<std::uint64_t>(s.n), k = static_cast<std::uint64_t>(s.k);
  return (((n * 2654435761u + k * 40503u) & 0xFFFFFFFFu) >> 16 & 1u) != 0;
}

// Whether the target's own kernel for this class (fitted on half of its
// GPU's head configurations) replaces the profile's default there.
bool own_kernel(const AttentionProfile& a, const std::string& arch, KernelClass cls) {
  AttentionKernel AttentionKernels::*phase = nullptr;
  switch (cls) {
    case KernelClass::context_attention:
      phase = &AttentionKernels::prefill;
      break;
    case KernelClass::generation_attention:
      phase = &AttentionKernels::decode;
      break;
    case KernelClass::mla_context:
      phase = &AttentionKernels::mla_prefill;
      break;
    case KernelClass::mla_generation:
      phase = &AttentionKernels::mla_decode;
      break;
    default:
      return false;
  }
  return &a.kernel(phase, arch) != &(a.*phase);
}

Op gemm(const char* name, double batch, double m, double n, double k, DType dtype) {
  Op op;
  op.kind = OpKind::gemm;
  op.set_name(name);
  op.batch = batch;
  op.m = m;
  op.n = n;
  op.k = k;
  op.a_dtype = op.w_dtype = dtype;
  op.out_dtype = DType::bf16;
  return op;
}

// A bf16 element-wise operator over `elements` (its traffic from the engine).
Op elementwise(const char* name, EwKind kind, double elements) {
  Op op;
  op.kind = OpKind::elementwise;
  op.ew = kind;
  op.set_name(name);
  op.elements = elements;
  op.a_dtype = DType::bf16;
  return op;
}

// The sequences of an attention or MLA row: prefill (its new tokens after
// `step` cached ones, causal) or one decode token over step + 1.
Op attention_over(const KernelSample& s, const char* name, bool prefill) {
  Op op;
  op.kind = OpKind::attention;
  op.set_name(name);
  op.batch = s.batch;
  op.heads = s.heads;
  op.a_dtype = s.dtype;
  op.kv_dtype = s.kv_dtype;
  op.q_len = prefill ? s.isl : 1;
  op.kv_len = prefill ? s.isl + s.step : s.step + 1;
  op.causal = prefill;
  op.context_dependent = !prefill;
  return op;
}

Op attention(const KernelSample& s) {
  Op op = attention_over(s, "attention", s.cls == KernelClass::context_attention);
  op.kv_heads = s.kv_heads;
  op.head_dim_qk = op.head_dim_v = s.head_dim;
  return op;
}

// DeepSeek-V3's MLA dimensions (config.json: kv_lora_rank 512,
// qk_nope_head_dim 128, qk_rope_head_dim 64, v_head_dim 128), the shapes
// aiconfigurator measured. Prefill runs ordinary attention over the expanded
// per-head keys (192) and values (128); decode attends, per query head, over
// the shared latent cache (512 + 64, its first 512 the values): the same
// operators the deepseek_v3 graph builds (graph_builder.cpp, mla_attention).
Op mla_attention(const KernelSample& s) {
  constexpr double kLatent = 512, kNope = 128, kRope = 64, kValue = 128;
  const bool prefill = s.cls == KernelClass::mla_context;
  Op op = attention_over(s, "mla_attention", prefill);
  op.kv_heads = prefill ? s.heads : 1;
  op.head_dim_qk = prefill ? kNope + kRope : kLatent + kRope;
  op.head_dim_v = prefill ? kValue : kLatent;
  op.kv_shared = !prefill;
  return op;
}

// One rank of a fused MoE layer under balanced routing: its experts share
// the rank's token-expert pairs evenly, each active expert runs its slice of
// gate/up and down as one group of a grouped GEMM; routing copies the pairs'
// rows to the experts and writes every token's output (as the model graph's
// moe_permute, graph_builder.cpp).
std::vector<Op> moe(const KernelSample& s) {
  const double local_experts = s.experts / s.moe_ep;
  const double pairs = s.tokens * s.topk / s.moe_ep;
  const double active = std::max(1.0, std::min(local_experts, pairs));
  const double rows = pairs / active;
  const double inter = s.inter / s.moe_tp;
  std::vector<Op> ops{gemm("experts_gate_up", active, rows, 2 * inter, s.hidden, s.dtype),
                      gemm("experts_down", active, rows, s.hidden, inter, s.dtype)};
  for (Op& g : ops) {
    g.a_quantized = true;  // the routing copies quantized rows to the experts
    g.block_scaled = s.block_scaled;
  }
  ops.push_back(elementwise("act_mul", EwKind::gated_activation, pairs * inter));
  ops.push_back(elementwise("moe_permute", EwKind::moe_permute, (s.tokens + 3 * pairs) * s.hidden));
  return ops;
}

std::string engine_of(const std::string& folder) {
  const auto cut = folder.find('_');
  return cut == std::string::npos ? folder : folder.substr(0, cut);
}

}  // namespace

std::vector<Op> kernel_ops(const KernelSample& s, const EngineProfile& engine) {
  std::vector<Op> ops;
  switch (s.cls) {
    case KernelClass::gemm:
      ops.push_back(gemm("gemm", 1, s.m, s.n, s.k, s.dtype));
      ops.back().block_scaled = s.block_scaled;
      break;
    case KernelClass::context_attention:
    case KernelClass::generation_attention:
      ops.push_back(attention(s));
      break;
    case KernelClass::moe:
      ops = moe(s);
      break;
    case KernelClass::mla_context:
    case KernelClass::mla_generation:
      ops.push_back(mla_attention(s));
      break;
    default:
      return ops;
  }
  // The tables replay one kernel on the same buffers (Op::replayed).
  for (Op& op : ops) {
    lower(op, engine);
    op.replayed = true;
  }
  return ops;
}

std::optional<double> predict_kernel(const KernelSample& s, const KernelModel& m, std::string* why) {
  const auto refuse = [&](const char* reason) -> std::optional<double> {
    if (why) *why = reason;
    return std::nullopt;
  };
  if (s.window > 0 && s.window < s.isl + s.step) return refuse("sliding-window attention is not modelled");
  if (s.cls == KernelClass::custom_all_reduce || s.cls == KernelClass::nccl) {
    CollectiveQuery q;
    q.kind = s.collective;
    q.bytes = s.elements * bytes_of(s.dtype);
    q.ranks = q.ranks_per_node = s.gpus;
    q.intra = m.hardware->spec().intra_node;
    // NCCL rows: NCCL's own protocols; the engine's all-reduce rows: what the
    // engine runs for that message (its kernels, NCCL above their limit).
    if (const auto t = engine_collective_seconds(m.engine->collectives, q, s.cls == KernelClass::nccl)) return *t;
    return m.comm->time(q).seconds;
  }
  double seconds = 0;
  for (const Op& op : kernel_ops(s, *m.engine)) {
    const auto engine = engine_op_cost(*m.engine, op, m.hardware->spec());
    seconds += (engine ? *engine : m.hardware->time(op)).seconds;
  }
  // A kernel the table timed as eager calls: the host's call hides a shorter kernel.
  if (const auto host = m.engine->eager_call_seconds(m.hardware->spec().architecture, s.source))
    return std::max(seconds, *host);
  return seconds;
}

namespace {

using Gpu = std::remove_extent_t<decltype(kGpus)>;

std::vector<fs::path> table_files(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& sub : fs::directory_iterator(dir))
    if (sub.is_directory())
      for (const auto& f : fs::directory_iterator(sub.path())) files.push_back(f.path());
  std::sort(files.begin(), files.end());
  return files;
}

// One GPU's tables, by engine and class in the order they first appear.
std::vector<KernelClassErrors> compare_gpu(const Gpu& gpu, const fs::path& dir, const Hardware& hardware,
                                           const CommBackend& comm) {
  std::vector<KernelClassErrors> out;
  std::map<std::string, std::size_t> index;  // "engine|class" -> position in out
  for (const fs::path& f : table_files(dir)) {
    const auto cls = kernel_class_of_file(f.string());
    if (!cls) continue;
    const std::string folder = f.parent_path().filename().string();
    const std::string engine = folder == "other_backends" ? engine_of(f.filename().string()) : engine_of(folder);
    const EngineProfile* profile = find_engine(engine == "nccl" ? "trtllm" : engine);
    if (!profile) throw InputError(f.string() + ": no engine profile '" + engine + "' for this table");
    const KernelModel model{&hardware, &comm, profile};
    const std::string& arch = hardware.spec().architecture;
    std::string why;
    const auto at_label = [&](const std::string& label, bool targeted) -> KernelClassErrors& {
      const auto [it, added] = index.emplace(engine + "|" + label, out.size());
      if (added) out.push_back({gpu.hardware, engine, label, {}, 0, {}, targeted});
      return out[it->second];
    };
    const auto at = [&](const KernelSample& s) -> KernelClassErrors& {
      std::string label(name_of(s.cls));
      if (!s.variant.empty()) label += " " + s.variant;
      if ((gpu.fitted || own_kernel(profile->attention, arch, s.cls)) && held_out_heads(s))
        label += " (held-out heads)";
      if (gpu.gemm_fitted && held_out_gemm(s)) label += " (held-out shapes)";
      return at_label(label, s.variant.find("eager") == std::string::npos);
    };
    // Rows of formats genz has no type for (fp4 MoE) are skipped by the
    // reader: not a class genz claims.
    for_each_kernel_sample(f.string(), *cls, [&](const KernelSample& s) {
      KernelClassErrors& e = at(s);
      const auto p = predict_kernel(s, model, &why);
      if (!p) {
        ++e.skipped;
        e.note = why;
        return;
      }
      const double error = (*p - s.seconds) / s.seconds * 100;
      e.errors_pct.push_back(error);
      // Where an eager call's host time bounds the table, the rows well above
      // it show the kernel model alone (reported, no target: a row's class
      // is chosen by its measured time here).
      const auto host = profile->eager_call_seconds(arch, s.source);
      if (host && s.seconds > kKernelBound * *host) {
        KernelClassErrors& k = at_label(e.cls + " (kernel-bound rows)", false);  // may move e
        k.note = kKernelBoundNote;
        k.errors_pct.push_back(error);
      }
    });
  }
  return out;
}

}  // namespace

// The GPUs' tables are independent and the models const, so each GPU runs on
// a thread of its own (the plugin objects are made here first, on this one).
std::vector<KernelClassErrors> compare_kernel_tables(const std::shared_ptr<const PluginRegistry>& registry,
                                                     const std::string& tables_dir) {
  struct Job {
    const Gpu* gpu;
    fs::path dir;
    Handle<Hardware> hardware;
    Handle<CommBackend> comm;
  };
  std::vector<Job> jobs;
  for (const auto& gpu : kGpus) {
    const fs::path dir = fs::path(tables_dir) / gpu.folder;
    if (!fs::is_directory(dir)) continue;
    auto hardware = registry->create<Hardware>(PluginKind::hardware, gpu.hardware);
    const bool nvlink = hardware->spec().intra_node.kind == "nvlink";
    auto comm = registry->create<CommBackend>(PluginKind::comm, nvlink ? "nv_like" : "pcie_like");
    jobs.push_back({&gpu, dir, std::move(hardware), std::move(comm)});
  }
  std::vector<std::future<std::vector<KernelClassErrors>>> results;
  for (const Job& j : jobs)
    results.push_back(
        std::async(std::launch::async, [&j] { return compare_gpu(*j.gpu, j.dir, *j.hardware, *j.comm); }));
  std::vector<KernelClassErrors> out;
  for (auto& r : results)
    for (auto& e : r.get()) out.push_back(std::move(e));
  return out;
}

std::vector<ValidationRow> kernel_table_rows(const std::shared_ptr<const PluginRegistry>& registry,
                                             const std::string& tables_dir) {
  std::vector<ValidationRow> rows;
  for (const KernelClassErrors& e : compare_kernel_tables(registry, tables_dir)) {
    ValidationRow r;
    r.dataset = "kernels " + e.gpu + " " + e.engine;
    r.metric = e.cls;
    if (e.errors_pct.empty()) {
      r.available = false;
      r.note = e.note;
      rows.push_back(r);
      continue;
    }
    std::vector<double> predicted, measured;
    predicted.reserve(e.errors_pct.size());
    for (double err : e.errors_pct) {
      predicted.push_back(1 + err / 100);
      measured.push_back(1);
    }
    const MetricAccuracy a = summarize_metric(e.cls, predicted, measured);
    r.n = a.n;
    r.mape = a.mape;
    r.median = a.median;
    r.p90 = a.p90;
    r.max = a.max;
    if (e.skipped > 0) r.note = std::to_string(e.skipped) + " rows not compared: " + e.note;
    if (!e.targeted) {
      r.note = e.note.empty() ? "eager launches: the engines capture their collectives in CUDA graphs" : e.note;
      rows.push_back(r);
      continue;
    }
    const bool primary = std::any_of(std::begin(kGpus), std::end(kGpus),
                                     [&](const auto& g) { return g.primary && e.gpu == g.hardware; }) &&
                         (e.engine == "trtllm" || e.engine == "nccl");
    r.has_target = true;
    r.target_stat = Stat::median;
    r.threshold = primary ? 8 : 12;
    rows.push_back(r);
    r.target_stat = Stat::p90;
    r.threshold = primary ? 20 : 25;
    rows.push_back(r);
  }
  return rows;
}

}  // namespace genz
