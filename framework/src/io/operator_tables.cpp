#include "genz/io/operator_tables.hpp"

#include <charconv>
#include <filesystem>
#include <map>

#include "genz/io/csv_reader.hpp"
#include "genz/host/error.hpp"
#include "genz/sdk/op_resources.hpp"

namespace genz {
namespace {

class Table {
 public:
  explicit Table(const std::string& path) : csv_(CsvReader::open_file(path, "table")), path_(path) {
    std::vector<std::string_view> f;
    if (!csv_.next(f)) throw InputError(path + ": empty file");
    for (std::size_t i = 0; i < f.size(); ++i) columns_[std::string(f[i])] = i;
  }
  bool next() { return csv_.next(fields_); }
  double number(const std::string& column) const {
    const auto it = columns_.find(column);
    if (it == columns_.end()) throw InputError(path_ + ": expected a column " + column);
    if (it->second >= fields_.size())
      throw InputError(path_ + ": line " + std::to_string(csv_.line()) + ": too few fields");
    const std::string_view s = fields_[it->second];
    double v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size())
      throw InputError(path_ + ": line " + std::to_string(csv_.line()) + ", column " + column +
                       ": expected a number, found '" + std::string(s.substr(0, 30)) + "'");
    return v;
  }
  std::string text(const std::string& column) const {
    const auto it = columns_.find(column);
    return it == columns_.end() || it->second >= fields_.size() ? "" : std::string(fields_[it->second]);
  }

 private:
  CsvReader csv_;
  std::string path_;
  std::map<std::string, std::size_t> columns_;
  std::vector<std::string_view> fields_;
};

}  // namespace

std::vector<GemmSample> read_vidur_gemms(const std::string& path) {
  Table t(path);
  std::vector<GemmSample> out;
  const std::string model = std::filesystem::path(path).stem().string();
  while (t.next()) {
    const double tp = t.number("num_tensor_parallel_workers"), tokens = t.number("num_tokens");
    const double h = t.number("n_embd"), heads = t.number("n_head"), kv = t.number("n_kv_head");
    const double inter = t.number("n_expanded_embd");
    const bool gated = t.text("use_gated_mlp") != "False";
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
      g.seconds = t.number(std::string("time_stats.") + s.op + ".median") * 1e-3;
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
  Table t(path);
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
