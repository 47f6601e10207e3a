#include "genz/io/operator_tables.hpp"

#include <charconv>
#include <filesystem>
#include <map>

#include "genz/host/error.hpp"
#include "genz/io/column_table.hpp"
#include "genz/sdk/op_resources.hpp"

namespace genz {
std::vector<GemmSample> read_vidur_gemms(const std::string& path) {
  ColumnTable t(path);
  std::vector<GemmSample> out;
  const std::string model = std::filesystem::path(path).stem().string();
  while (t.next()) {
    const double tp = t.number("num_tensor_parallel_workers"), tokens = t.number("num_tokens");
    const double h = t.number("n_embd"), heads = t.number("n_head"), kv = t.number("n_kv_head");
    const double inter = t.number("n_expanded_embd");
    const bool gated = t.text_or_empty("use_gated_mlp") != "False";
    const double hd = h / heads;
    const struct {
      const char* op;
      double n, k;
    } shapes[] = {{"attn_pre_proj", (heads + 2 * kv) * hd / tp, h},
                  {"attn_post_proj", h, h / tp},
                  {"mlp_up_proj", (gated ? 2 : 1) * inter / tp, h},
                  {"mlp_down_proj", h, inter / tp}};
    for (const auto& s : shapes) {
      GemmSample g;
      g.m = tokens;
      g.n = s.n;
      g.k = s.k;
      g.seconds = t.number("time_stats." + std::string(s.op) + ".median") * 1e-3;
      g.op = s.op;
      g.model = model;
      g.tp = static_cast<unsigned>(tp);
      if (g.seconds > 0) out.push_back(g);
    }
  }
  if (out.empty()) throw InputError(path + ": no GEMM timings found");
  return out;
}

std::vector<CollectiveSample> read_vidur_collectives(const std::string& path) {
  ColumnTable t(path);
  std::vector<CollectiveSample> out;
  const std::string stem = std::filesystem::path(path).stem().string();
  const bool send_recv = stem == "send_recv";
  const std::string column = "time_stats." + stem + ".median";
  while (t.next()) {
    CollectiveSample c;
    c.kind = send_recv ? CollectiveKind::send_recv : CollectiveKind::all_reduce;
    c.ranks = static_cast<unsigned>(t.number("num_workers"));
    c.ranks_per_node = static_cast<unsigned>(t.number("devices_per_node"));
    c.bytes = t.number("size");
    c.seconds = t.number(column) * 1e-3;
    if (c.seconds > 0) out.push_back(c);
  }
  if (out.empty()) throw InputError(path + ": no collective timings found");
  return out;
}

Op gemm_op(const GemmSample& g) {
  Op op;
  op.kind = OpKind::gemm;
  op.set_name(g.op);
  op.m = g.m;
  op.n = g.n;
  op.k = g.k;
  op.a_dtype = op.w_dtype = op.out_dtype = DType::fp16;
  resolve_defaults(op);
  return op;
}

CollectiveQuery collective_query(const CollectiveSample& c, const LinkSpec& intra, const LinkSpec& inter) {
  CollectiveQuery q;
  q.kind = c.kind;
  q.bytes = c.bytes;
  q.ranks = c.ranks;
  q.ranks_per_node = c.ranks_per_node;
  q.intra = intra;
  q.inter = inter;
  return q;
}

}  // namespace genz
