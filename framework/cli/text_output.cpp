#include "text_output.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

namespace genz::cli {
namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string pad(std::string s, std::size_t w, bool left = false) {
  if (s.size() >= w) return s;
  return left ? s + std::string(w - s.size(), ' ') : std::string(w - s.size(), ' ') + s;
}

std::string si(double v, const char* unit) {
  const char* prefixes[] = {"", "K", "M", "G", "T", "P", "E"};
  int i = 0;
  while (v >= 1000 && i < 6) {
    v /= 1000;
    ++i;
  }
  return fmt("%.2f ", v) + prefixes[i] + unit;
}

constexpr const char* kGroupNames[] = {"GEMM", "attention", "communication", "other"};

}  // namespace

std::string format_ms(double seconds) {
  return fmt("%.3f ms", seconds * 1e3);
}

void print_prediction(std::ostream& os, const Request& r, const Prediction& p) {
  os << "request: " << fmt("%.0f", r.input) << " input tokens, " << fmt("%.0f", r.output) << " output tokens, batch "
     << fmt("%.0f", r.batch) << ", beam " << fmt("%.0f", r.beam) << "\n\n";
  os << "  TTFT                " << pad(fmt("%.3f", p.ttft * 1e3), 12) << " ms\n";
  os << "  TPOT                " << pad(fmt("%.3f", p.tpot * 1e3), 12) << " ms\n";
  os << "  E2E                 " << pad(fmt("%.3f", p.e2e * 1e3), 12) << " ms\n";
  os << "  prefill throughput  " << pad(fmt("%.1f", p.prefill_throughput), 12) << " tokens/s\n";
  os << "  decode throughput   " << pad(fmt("%.1f", p.decode_throughput), 12) << " tokens/s\n\n";
  os << "  time split          " << pad("prefill", 12) << "   " << pad("decode/token", 14) << "\n";
  for (int g = 0; g < kOpGroupCount; ++g)
    os << "  " << pad(kGroupNames[g], 18, true) << pad(fmt("%.3f", p.prefill[g] * 1e3), 12) << " ms"
       << pad(fmt("%.3f", p.decode[g] * 1e3), 12) << " ms\n";
  if (p.host_bound_share > 0)
    os << "  (" << fmt("%.0f", p.host_bound_share * 100)
       << " % of decode steps wait for the CPU to launch kernels: the excess is under 'other')\n";
}

void print_breakdown(std::ostream& os, const std::string& title, const std::vector<OpLine>& lines) {
  os << "\n" << title << "\n";
  os << "  " << pad("operator", 24, true) << pad("count", 8) << pad("each", 12) << pad("total", 12) << pad("FLOPs", 14)
     << pad("bytes", 13) << "  bound\n";
  double grand = 0;
  for (const auto& l : lines) grand += l.seconds;
  for (int g = 0; g < kOpGroupCount; ++g) {
    double sum = 0;
    std::vector<const OpLine*> mine;
    for (const auto& l : lines)
      if (static_cast<int>(group_of(l.op)) == g && l.count > 0) {
        mine.push_back(&l);
        sum += l.seconds;
      }
    if (mine.empty()) continue;
    os << "  " << kGroupNames[g] << ": " << format_ms(sum) << fmt(" (%.1f %%)\n", grand > 0 ? sum / grand * 100 : 0);
    for (const OpLine* l : mine) {
      const double n = l->count;
      os << "    " << pad(std::string(l->op.name), 22, true) << pad(fmt("%.0f", n), 8)
         << pad(fmt("%.2f us", l->cost.seconds * 1e6), 12) << pad(fmt("%.3f ms", l->seconds * 1e3), 12)
         << pad(si(l->op.flops * n, "FLOP"), 14) << pad(si(l->op.bytes * n, "B"), 13) << "  "
         << (l->op.kind != OpKind::collective && l->op.kernels == 0 ? std::string_view("fused")
                                                                    : name_of(l->cost.bound))
         << "\n";
    }
  }
  os << "  GPU total: " << format_ms(grand) << "\n";
}

void print_comm_split(std::ostream& os, const std::vector<OpLine>& prefill, const std::vector<OpLine>& decode) {
  double p[kCollectiveKindCount] = {}, d[kCollectiveKindCount] = {};
  bool any = false;
  for (const auto& l : prefill)
    if (l.op.kind == OpKind::collective) p[static_cast<int>(l.op.collective)] += l.seconds, any = any || l.seconds > 0;
  for (const auto& l : decode)
    if (l.op.kind == OpKind::collective) d[static_cast<int>(l.op.collective)] += l.seconds, any = any || l.seconds > 0;
  if (!any) return;
  os << "\n  communication by collective  " << pad("prefill", 10) << "   " << pad("decode/token", 14) << "\n";
  for (int k = 0; k < kCollectiveKindCount; ++k) {
    if (p[k] == 0 && d[k] == 0) continue;
    os << "    " << pad(std::string(name_of(static_cast<CollectiveKind>(k))), 24, true)
       << pad(fmt("%.3f", p[k] * 1e3), 10) << " ms" << pad(fmt("%.3f", d[k] * 1e3), 12) << " ms\n";
  }
}

void print_memory(std::ostream& os, const MemoryReport& m) {
  os << "\nmemory on the busiest GPU (MiB), request of " << fmt("%.0f", m.input_tokens) << " + "
     << fmt("%.0f", m.output_tokens) << " tokens, batch " << fmt("%.0f", m.batch) << ", beam " << fmt("%.0f", m.beam)
     << "\n";
  os << "  " << pad("component", 40, true) << pad("after prefill", 15) << pad("after decode", 15) << "\n";
  for (const auto& l : m.lines)
    os << "  " << pad(l.component, 40, true) << pad(fmt("%.2f", l.after_prefill / 1048576.0), 15)
       << pad(fmt("%.2f", l.after_decode / 1048576.0), 15) << "\n";
  os << "  capacity " << fmt("%.0f MiB", m.capacity / 1048576.0) << (m.fits ? ": fits\n" : ": DOES NOT FIT\n");
  if (m.usable > 0 && m.usable < m.capacity)
    os << "  the engine may use " << fmt("%.0f MiB", m.usable / 1048576.0)
       << " of it (memory fraction minus the runtime reserve; --gpu-mem-util to change)\n";
}

void print_accuracy(std::ostream& os, const std::vector<MetricAccuracy>& acc) {
  if (acc.empty()) return;
  os << "  " << pad("metric", 8, true) << pad("n", 6) << pad("MAPE", 9) << pad("median", 9) << pad("p90", 9)
     << pad("max", 9) << pad(">20%", 8) << pad("pearson", 9) << pad("bias", 9) << "\n";
  for (const auto& a : acc)
    os << "  " << pad(a.metric, 8, true) << pad(fmt("%.0f", static_cast<double>(a.n)), 6)
       << pad(fmt("%.2f%%", a.mape), 9) << pad(fmt("%.2f%%", a.median), 9) << pad(fmt("%.2f%%", a.p90), 9)
       << pad(fmt("%.2f%%", a.max), 9) << pad(fmt("%.1f%%", a.over_20pct), 8) << pad(fmt("%.4f", a.pearson), 9)
       << pad(fmt("%+.2f%%", a.bias), 9) << "\n";
}

}  // namespace genz::cli
