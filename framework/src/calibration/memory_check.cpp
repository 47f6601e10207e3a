#include "genz/calibration/memory_check.hpp"

#include <charconv>
#include <cmath>

#include "genz/io/csv_reader.hpp"
#include "genz/host/error.hpp"

namespace genz {
namespace {

constexpr double kMiB = 1048576.0;

int column(const std::vector<std::string>& header, const std::string& name, const std::string& path) {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return static_cast<int>(i);
  throw InputError(path + ": line 1: expected a column '" + name + "'");
}

double number(std::string_view s, const std::string& path, std::size_t line, const std::string& col) {
  double v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  // A measured amount of memory is positive and finite; zero would make the
  // relative error infinite. 1e9 MiB (a petabyte) bounds unit mistakes.
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v) || !(v > 0) || v > 1e9)
    throw InputError(path + ": line " + std::to_string(line) + ", column " + col +
                     ": expected a positive number of MiB up to 1e9, found '" + std::string(s.substr(0, 30)) + "'");
  return v;
}

}  // namespace

std::vector<MeasuredMemory> read_measured_memory(const std::string& path) {
  CsvReader csv = CsvReader::open_file(path, "--measured");
  std::vector<std::string_view> f;
  if (!csv.next(f)) throw InputError(path + ": empty file");
  std::vector<std::string> header(f.begin(), f.end());
  const char* names[] = {"Input_Tokens",    "Output_Tokens", "Weights (MB)",
                         "KV Prefill (MB)", "KV Total (MB)", "KV Decode Delta (MB)"};
  int idx[6];
  for (int i = 0; i < 6; ++i) idx[i] = column(header, names[i], path);
  std::vector<MeasuredMemory> out;
  while (csv.next(f)) {
    if (f.size() == 1 && f[0].empty()) continue;
    if (f.size() != header.size())
      throw InputError(path + ": line " + std::to_string(csv.line()) + ": expected " + std::to_string(header.size()) +
                       " fields, found " + std::to_string(f.size()));
    double v[6];
    for (int i = 0; i < 6; ++i) v[i] = number(f[idx[i]], path, csv.line(), names[i]);
    MeasuredMemory m;
    m.line = csv.line();
    m.request.input = v[0];
    m.request.output = v[1];
    m.weights_mib = v[2];
    m.after_prefill_mib = v[3];
    m.after_decode_mib = v[4];
    m.growth_mib = v[5];
    check_request(m.request, ModelInfo{});
    out.push_back(m);
  }
  if (out.empty()) throw InputError(path + ": no measurements after the header");
  return out;
}

std::vector<MemoryComparison> compare_memory(const MemoryEstimate& m, const MeasuredMemory& row,
                                             const std::string& source) {
  auto item = [&](const std::string& q, double measured, double predicted_bytes) {
    const double p = predicted_bytes / kMiB;
    return MemoryComparison{source, q, measured, p, measured != 0 ? (p - measured) / measured * 100 : 0};
  };
  const std::string req = " (" + std::to_string(static_cast<long long>(row.request.input)) + "+" +
                          std::to_string(static_cast<long long>(row.request.output)) + ")";
  return {item("weights" + req, row.weights_mib, m.weights()),
          item("after prefill, beyond weights" + req, row.after_prefill_mib, m.after_prefill() - m.weights()),
          item("after decode, beyond weights" + req, row.after_decode_mib, m.after_decode() - m.weights()),
          item("growth during decode" + req, row.growth_mib, m.after_decode() - m.after_prefill())};
}

}  // namespace genz
