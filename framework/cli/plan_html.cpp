// plan.html: one self-contained page (no scripts, no downloads): the Pareto
// chart of output tokens/s per GPU against tokens/s per user, the chosen and
// re-checked deployments, the best ranked ones and the rejections.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "genz/sdk/text_format.hpp"
#include "plan_output.hpp"

namespace genz::cli {
namespace {

using plan::Candidate;
using reports::html_escape;

constexpr double kWidth = 760, kHeight = 420, kLeft = 70, kRight = 20, kTop = 20, kBottom = 50;
constexpr std::size_t kMostPoints = 4000;  // drawn; every candidate is in plan.csv

std::string num(double v, const char* f = "%.1f") {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// A round step giving about `n` ticks over [0, hi].
double tick_step(double hi, int n) {
  const double raw = hi / n, p = std::pow(10, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * p >= raw) return m * p;
  return 10 * p;
}

struct Axes {
  double xmax = 1, ymax = 1;
  double x(double v) const { return kLeft + v / xmax * (kWidth - kLeft - kRight); }
  double y(double v) const { return kHeight - kBottom - v / ymax * (kHeight - kTop - kBottom); }
};

void draw_axes(std::ostream& s, const Axes& a) {
  s << "<line x1='" << kLeft << "' y1='" << kHeight - kBottom << "' x2='" << kWidth - kRight << "' y2='"
    << kHeight - kBottom << "' stroke='#333'/>\n<line x1='" << kLeft << "' y1='" << kTop << "' x2='" << kLeft
    << "' y2='" << kHeight - kBottom << "' stroke='#333'/>\n";
  for (double v = 0, st = tick_step(a.xmax, 8); v <= a.xmax + 1e-9; v += st)
    s << "<text x='" << num(a.x(v)) << "' y='" << kHeight - kBottom + 16 << "' text-anchor='middle'>" << num(v, "%g")
      << "</text>\n";
  for (double v = 0, st = tick_step(a.ymax, 6); v <= a.ymax + 1e-9; v += st)
    s << "<text x='" << kLeft - 6 << "' y='" << num(a.y(v) + 4) << "' text-anchor='end'>" << num(v, "%g")
      << "</text>\n<line x1='" << kLeft << "' y1='" << num(a.y(v)) << "' x2='" << kWidth - kRight << "' y2='"
      << num(a.y(v)) << "' stroke='#eee'/>\n";
  s << "<text x='" << (kLeft + kWidth - kRight) / 2 << "' y='" << kHeight - 10
    << "' text-anchor='middle'>output tokens/s per user (1 / TPOT)</text>\n<text transform='translate(16 "
    << (kTop + kHeight - kBottom) / 2 << ") rotate(-90)' text-anchor='middle'>output tokens/s per GPU</text>\n";
}

void chart(std::ostream& s, const PlanReport& r) {
  const auto& all = r.result.candidates;
  Axes a;
  for (std::size_t i : r.result.ranked) {
    a.xmax = std::max(a.xmax, all[i].tokens_per_user * 1.05);
    a.ymax = std::max(a.ymax, all[i].throughput_per_gpu * 1.05);
  }
  s << "<svg xmlns='http://www.w3.org/2000/svg' width='" << kWidth << "' height='" << kHeight
    << "' font-family='sans-serif' font-size='11' role='img' aria-label='Pareto chart'>\n";
  draw_axes(s, a);
  const std::size_t stride = std::max<std::size_t>(1, r.result.ranked.size() / kMostPoints);
  for (std::size_t n = 0; n < r.result.ranked.size(); n += stride) {
    const Candidate& c = all[r.result.ranked[n]];
    s << "<circle cx='" << num(a.x(c.tokens_per_user)) << "' cy='" << num(a.y(c.throughput_per_gpu))
      << "' r='2.5' fill='" << (c.mode == plan::Mode::aggregated ? "#9ab" : "#db9") << "'><title>"
      << html_escape(label_of(r, c)) << "</title></circle>\n";
  }
  s << "<polyline fill='none' stroke='#c33' stroke-width='2' points='";
  for (std::size_t i : r.result.pareto)
    s << num(a.x(all[i].tokens_per_user)) << "," << num(a.y(all[i].throughput_per_gpu)) << " ";
  s << "'/>\n";
  if (r.chosen >= 0) {
    const Candidate& c = all[static_cast<std::size_t>(r.chosen)];
    s << "<circle cx='" << num(a.x(c.tokens_per_user)) << "' cy='" << num(a.y(c.throughput_per_gpu))
      << "' r='7' fill='none' stroke='#000' stroke-width='2'><title>chosen: " << html_escape(label_of(r, c))
      << "</title></circle>\n";
  }
  s << "</svg>\n<p class='legend'><span style='color:#9ab'>&#9679;</span> aggregated "
       "<span style='color:#db9'>&#9679;</span> disaggregated <span style='color:#c33'>&#9472;</span> Pareto front "
       "&#9711; chosen</p>\n";
}

void candidate_rows(std::ostream& s, const PlanReport& r, const std::vector<std::size_t>& which) {
  s << "<table><tr><th>#</th><th>deployment</th><th>batch limit</th><th>GPUs</th><th>TTFT ms</th><th>TPOT "
       "ms</th><th>tok/s/GPU</th><th>tok/s/user</th><th>$/h</th></tr>\n";
  for (std::size_t n = 0; n < which.size(); ++n) {
    const Candidate& c = r.result.candidates[which[n]];
    s << "<tr><td>" << n + 1 << "</td><td>" << html_escape(label_of(r, c)) << "</td><td>" << c.max_batch << "</td><td>"
      << c.gpus << "</td><td>" << num(c.ttft * 1e3) << "</td><td>" << num(c.tpot * 1e3, "%.2f") << "</td><td>"
      << num(c.throughput_per_gpu) << "</td><td>" << num(c.tokens_per_user) << "</td><td>"
      << (c.cost_per_hour > 0 ? num(c.cost_per_hour, "%.2f") : "") << "</td></tr>\n";
  }
  s << "</table>\n";
}

void rechecks(std::ostream& s, const PlanReport& r) {
  if (r.rechecks.empty()) return;
  s << "<h2>Re-checked with the serving simulation</h2>\n<table><tr><th>deployment</th><th>TTFT ms planned / "
       "simulated</th><th>TPOT ms planned / simulated</th><th>tok/s/GPU planned / simulated</th><th>meets</th>"
       "<th>command</th></tr>\n";
  for (const Recheck& k : r.rechecks) {
    const Candidate& c = r.result.candidates[k.candidate];
    s << "<tr><td>" << html_escape(label_of(r, c)) << "</td><td>" << num(c.ttft * 1e3) << " / " << num(k.ttft * 1e3)
      << "</td><td>" << num(c.tpot * 1e3, "%.2f") << " / " << num(k.tpot * 1e3, "%.2f") << "</td><td>"
      << num(c.throughput_per_gpu) << " / " << num(k.throughput_per_gpu) << "</td><td>" << (k.meets ? "yes" : "no")
      << "</td><td><code>" << html_escape(command_text(k.args)) << "</code></td></tr>\n";
  }
  s << "</table>\n";
  if (!r.recheck_note.empty()) s << "<p>" << html_escape(r.recheck_note) << "</p>\n";
}

void rejections(std::ostream& s, const PlanReport& r) {
  if (r.result.rejections.empty()) return;
  s << "<h2>Rejected (" << r.result.rejections.size()
    << ")</h2>\n<details><summary>each configuration or "
       "prefill/decode pair without an answer, with its closest miss</summary><table><tr><th>mode</th><th>why</th>"
       "<th>detail</th></tr>\n";
  for (const plan::Rejection& x : r.result.rejections)
    s << "<tr><td>" << plan::mode_name(x.mode) << "</td><td>" << plan::miss_name(x.why) << "</td><td>"
      << html_escape(x.detail) << "</td></tr>\n";
  s << "</table></details>\n";
}

}  // namespace

std::string plan_html(const PlanReport& r) {
  std::ostringstream s;
  const plan::Targets& t = r.request.targets;
  s << "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>genz plan: " << html_escape(r.model)
    << "</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;"
       "font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:left}code{font-size:11px}"
       ".legend{font-size:12px}</style></head><body>\n<h1>genz plan: "
    << html_escape(r.model) << "</h1>\n<p>" << html_escape(r.traffic) << "; targets at p" << num(t.percentile, "%g")
    << ": TTFT " << (t.ttft > 0 ? num(t.ttft * 1e3, "%g") + " ms" : "none") << ", TPOT "
    << (t.tpot > 0 ? num(t.tpot * 1e3, "%g") + " ms" : "none") << ". " << r.configurations << " configurations, "
    << r.result.candidates.size() << " candidate deployments, " << r.result.ranked.size() << " meet the targets.</p>\n";
  if (!r.result.unreachable.empty()) s << "<p><strong>" << html_escape(r.result.unreachable) << "</strong></p>\n";
  if (!r.prices.empty()) s << "<p>Prices: " << html_escape(r.prices) << "</p>\n";
  s << "<h2>Pareto front</h2>\n";
  chart(s, r);
  if (r.chosen >= 0) {
    s << "<h2>Chosen</h2>\n";
    candidate_rows(s, r, {static_cast<std::size_t>(r.chosen)});
  }
  rechecks(s, r);
  s << "<h2>Best ranked</h2>\n";
  std::vector<std::size_t> top(r.result.ranked.begin(),
                               r.result.ranked.begin() + std::min<std::size_t>(20, r.result.ranked.size()));
  candidate_rows(s, r, top);
  s << "<h2>Pareto front (" << r.result.pareto.size() << ")</h2>\n";
  candidate_rows(s, r, r.result.pareto);
  rejections(s, r);
  s << "</body></html>\n";
  return s.str();
}

}  // namespace genz::cli
