#include "genz/io/kernel_tables.hpp"

#include <algorithm>
#include <filesystem>

#include "genz/host/error.hpp"
#include "genz/io/column_table.hpp"

namespace genz {
namespace {

// Formats of the tables' dtype columns genz computes in; others (nvfp4,
// w4a16_mxfp4, int4_wo, ...) are skipped and counted.
std::optional<DType> table_dtype(std::string_view s, bool& block_scaled) {
  block_scaled = false;
  if (s == "bfloat16") return DType::bf16;
  if (s == "float16" || s == "half") return DType::fp16;
  if (s == "fp8" || s == "float8" || s == "fp8_e4m3") return DType::fp8;
  if (s == "fp8_block") {
    block_scaled = true;
    return DType::fp8;
  }
  if (s == "int8") return DType::int8;
  return std::nullopt;
}

std::optional<CollectiveKind> nccl_kind(std::string_view s) {
  if (s == "all_reduce") return CollectiveKind::all_reduce;
  if (s == "all_gather") return CollectiveKind::all_gather;
  if (s == "reduce_scatter") return CollectiveKind::reduce_scatter;
  if (s == "alltoall") return CollectiveKind::all_to_all;
  return std::nullopt;
}

double positive(const ColumnTable& t, const char* column) {
  const double v = t.number(column);
  if (!(v > 0)) throw InputError(t.where() + ", column " + column + ": expected a positive number");
  return v;
}

// Reads `column` as a dtype into s; false (row skipped) for a format genz lacks.
bool read_dtype(const ColumnTable& t, std::size_t column, DType& out, KernelSample& s) {
  const auto d = table_dtype(t.text(column), s.block_scaled);
  if (!d) return false;
  out = *d;
  return true;
}

struct Reader {
  ColumnTable& t;
  KernelSample s;
  std::size_t source = t.has("kernel_source") ? t.index("kernel_source") : SIZE_MAX;

  bool row(KernelClass cls) {
    s.cls = cls;
    s.source = source == SIZE_MAX ? std::string() : std::string(t.text(source));
    s.seconds = positive(t, "latency_ms") * 1e-3;
    switch (cls) {
      case KernelClass::gemm:
        return gemm();
      case KernelClass::context_attention:
      case KernelClass::generation_attention:
        return attention();
      case KernelClass::custom_all_reduce:
        return all_reduce();
      case KernelClass::nccl:
        return nccl();
      case KernelClass::moe:
        return moe();
      case KernelClass::mla_context:
      case KernelClass::mla_generation:
        return mla();
    }
    return false;
  }

  bool gemm() {
    const std::size_t d = t.index("gemm_dtype");
    s.variant = std::string(t.text(d));
    s.m = positive(t, "m");
    s.n = positive(t, "n");
    s.k = positive(t, "k");
    return read_dtype(t, d, s.dtype, s);
  }

  // Sequences, their new tokens (isl), the tokens already cached (step) and
  // the query heads on this GPU: attention and MLA tables alike.
  void sequences() {
    s.batch = positive(t, "batch_size");
    s.isl = positive(t, "isl");
    s.step = t.number("step");
    if (s.step < 0) throw InputError(t.where() + ", column step: expected the cached tokens, >= 0");
    s.heads = positive(t, "num_heads");
  }

  bool attention() {
    sequences();
    s.kv_heads = positive(t, "num_key_value_heads");
    s.head_dim = positive(t, "head_dim");
    s.window = t.has("window_size") ? t.number("window_size") : 0;  // older tables: full attention only
    if (s.window < 0) throw InputError(t.where() + ", column window_size: expected >= 0");
    s.variant.clear();
    return read_dtype(t, t.index("attn_dtype"), s.dtype, s) && read_dtype(t, t.index("kv_cache_dtype"), s.kv_dtype, s);
  }

  bool all_reduce() {
    s.collective = CollectiveKind::all_reduce;
    s.gpus = static_cast<unsigned>(positive(t, "num_gpus"));
    s.elements = positive(t, "message_size");
    s.variant = std::string(t.text_or_empty("backend"));
    return read_dtype(t, t.index("allreduce_dtype"), s.dtype, s);
  }

  bool nccl() {
    const std::string_view op = t.text(t.index("op_name"));
    const auto kind = nccl_kind(op);
    if (!kind)
      throw InputError(t.where() +
                       ", column op_name: expected all_reduce, all_gather, reduce_scatter or "
                       "alltoall, found '" +
                       std::string(op) + "'");
    s.collective = *kind;
    s.variant = std::string(op);
    s.gpus = static_cast<unsigned>(positive(t, "num_gpus"));
    s.elements = positive(t, "message_size");
    return read_dtype(t, t.index("nccl_dtype"), s.dtype, s);
  }

  bool moe() {
    s.tokens = positive(t, "num_tokens");
    s.hidden = positive(t, "hidden_size");
    s.inter = positive(t, "inter_size");
    s.topk = positive(t, "topk");
    s.experts = positive(t, "num_experts");
    s.moe_tp = positive(t, "moe_tp_size");
    s.moe_ep = positive(t, "moe_ep_size");
    const std::size_t d = t.index("moe_dtype");
    s.variant = std::string(t.text(d));
    if (t.has("distribution") && t.text(t.index("distribution")) != "balanced") return false;
    return read_dtype(t, d, s.dtype, s);
  }

  bool mla() {
    sequences();
    s.moe_tp = positive(t, "tp_size");
    s.variant.clear();
    return read_dtype(t, t.index("mla_dtype"), s.dtype, s) && read_dtype(t, t.index("kv_cache_dtype"), s.kv_dtype, s);
  }
};

}  // namespace

std::string_view name_of(KernelClass c) noexcept {
  switch (c) {
    case KernelClass::gemm:
      return "GEMM";
    case KernelClass::context_attention:
      return "prefill attention";
    case KernelClass::generation_attention:
      return "decode attention";
    case KernelClass::custom_all_reduce:
      return "custom all-reduce";
    case KernelClass::nccl:
      return "NCCL";
    case KernelClass::moe:
      return "MoE (balanced)";
    case KernelClass::mla_context:
      return "MLA prefill";
    case KernelClass::mla_generation:
      return "MLA decode";
  }
  return "?";
}

std::optional<KernelClass> kernel_class_of_file(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  if (name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0) name.resize(name.size() - 3);
  const auto ends = [&](std::string_view suffix) {
    return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends("mla_context.csv")) return KernelClass::mla_context;
  if (ends("mla_generation.csv")) return KernelClass::mla_generation;
  if (ends("gemm.csv")) return KernelClass::gemm;
  if (ends("context_attention.csv")) return KernelClass::context_attention;
  if (ends("generation_attention.csv")) return KernelClass::generation_attention;
  if (ends("custom_allreduce.csv")) return KernelClass::custom_all_reduce;
  if (name == "nccl.csv") return KernelClass::nccl;
  if (ends("moe_balanced.csv")) return KernelClass::moe;
  return std::nullopt;
}

std::size_t for_each_kernel_sample(const std::string& path, KernelClass cls,
                                   const std::function<void(const KernelSample&)>& fn) {
  ColumnTable table(path);
  Reader r{table, {}};
  std::size_t skipped = 0;
  while (table.next()) {
    if (r.row(cls))
      fn(r.s);
    else
      ++skipped;
  }
  return skipped;
}

namespace {

void add_sample(MeasuredKernels& m, const KernelSample& s) {
  switch (s.cls) {
    case KernelClass::gemm:
      m.add_gemm(s.dtype, s.m, s.n, s.k, s.seconds, s.block_scaled);
      break;
    case KernelClass::context_attention:
      if (s.window == 0 && s.step == 0)
        m.add_attention(false, s.heads, s.kv_heads, s.head_dim, s.kv_dtype, s.batch, s.isl, s.seconds);
      break;
    case KernelClass::generation_attention:
      if (s.window == 0) m.add_attention(true, s.heads, s.kv_heads, s.head_dim, s.kv_dtype, s.batch, s.step, s.seconds);
      break;
    case KernelClass::custom_all_reduce:
    case KernelClass::nccl:
      if (s.collective == CollectiveKind::all_reduce && s.variant.find("eager") == std::string::npos)
        m.add_all_reduce(s.gpus, s.elements * bytes_of(s.dtype), s.seconds);
      break;
    default:
      break;
  }
}

}  // namespace

std::shared_ptr<const MeasuredKernels> read_measured_kernels(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw InputError("--kernels " + dir +
                     ": not a directory; expected a folder of kernel tables (gemm.csv, "
                     "generation_attention.csv, ... as in aiconfigurator's format, plain or .gz)");
  std::vector<std::string> files;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (it->is_regular_file() && kernel_class_of_file(it->path().string())) files.push_back(it->path().string());
  if (ec) throw InputError("--kernels " + dir + ": cannot be listed (" + ec.message() + ")");
  std::sort(files.begin(), files.end());
  auto m = std::make_shared<MeasuredKernels>();
  for (const std::string& f : files)
    for_each_kernel_sample(f, *kernel_class_of_file(f), [&](const KernelSample& s) { add_sample(*m, s); });
  if (m->points() == 0)
    throw InputError("--kernels " + dir +
                     ": no GEMM, attention or all-reduce timings found; expected tables named "
                     "gemm.csv, context_attention.csv, generation_attention.csv, custom_allreduce.csv or nccl.csv");
  m->finish();
  return m;
}

}  // namespace genz
