#include "svg_chart.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "genz/sdk/text_format.hpp"

namespace genz::reports {
namespace {

constexpr int kLeft = 74, kRight = 20, kTop = 52, kBottom = 52;

std::string f2(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}

struct Frame {
  double x0, x1, y0, y1;  // data range
  int w, h;
  double px(double x) const { return kLeft + (x - x0) / (x1 - x0) * (w - kLeft - kRight); }
  double py(double y) const { return h - kBottom - (y - y0) / (y1 - y0) * (h - kTop - kBottom); }
};

std::string text(double x, double y, const std::string& s, const char* anchor, const char* extra = "") {
  return "<text x=\"" + f2(x) + "\" y=\"" + f2(y) + "\" text-anchor=\"" + anchor + "\" " + extra + ">" +
         html_escape(s) + "</text>";
}

std::string axes(const Frame& f, const std::string& title, const std::string& xl, const std::string& yl) {
  std::string s;
  s += text(f.w / 2.0, 18, title, "middle", "class=\"title\"");
  const double bx0 = kLeft, bx1 = f.w - kRight, by0 = kTop, by1 = f.h - kBottom;
  for (double t : nice_ticks(f.y0, f.y1, 6)) {
    const double y = f.py(t);
    s += "<line class=\"grid\" x1=\"" + f2(bx0) + "\" x2=\"" + f2(bx1) + "\" y1=\"" + f2(y) + "\" y2=\"" + f2(y) +
         "\"/>";
    s += text(bx0 - 6, y + 4, tick_label(t), "end", "class=\"tick\"");
  }
  for (double t : nice_ticks(f.x0, f.x1, 8)) {
    const double x = f.px(t);
    s += "<line class=\"axis\" x1=\"" + f2(x) + "\" x2=\"" + f2(x) + "\" y1=\"" + f2(by1) + "\" y2=\"" + f2(by1 + 5) +
         "\"/>";
    s += text(x, by1 + 18, tick_label(t), "middle", "class=\"tick\"");
  }
  s += "<rect class=\"frame\" x=\"" + f2(bx0) + "\" y=\"" + f2(by0) + "\" width=\"" + f2(bx1 - bx0) + "\" height=\"" +
       f2(by1 - by0) + "\"/>";
  s += text((bx0 + bx1) / 2, f.h - 10, xl, "middle", "class=\"label\"");
  s += text(16, (by0 + by1) / 2, yl, "middle",
            ("class=\"label\" transform=\"rotate(-90 16 " + f2((by0 + by1) / 2) + ")\"").c_str());
  return s;
}

// The legend gets its own row under the title, flowing left to right.
std::string legend(const std::vector<std::pair<std::string, std::string>>& items, int w) {
  std::string s;
  double x = kLeft;
  for (const auto& [name, color] : items) {
    const double width = 26 + 6.2 * static_cast<double>(name.size());
    if (x + width > w - kRight) break;
    s += "<rect x=\"" + f2(x) + "\" y=\"" + f2(kTop - 20) + "\" width=\"12\" height=\"12\" fill=\"" + color +
         "\" class=\"swatch\"/>";
    s += text(x + 16, kTop - 10, name, "start", "class=\"legend\"");
    x += width;
  }
  return s;
}

void extend(double& lo, double& hi) {
  if (!(hi > lo)) {
    const double pad = std::max(std::fabs(lo) * 0.1, 1.0);
    lo -= pad;
    hi += pad;
  }
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int count) {
  std::vector<double> t;
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return t;
  const double raw = (hi - lo) / std::max(count, 1);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (mag * m >= raw) {
      step = mag * m;
      break;
    }
  for (double v = std::ceil(lo / step) * step; v <= hi + step * 1e-9 && t.size() < 50; v += step)
    t.push_back(std::fabs(v) < step * 1e-9 ? 0.0 : v);
  return t;
}

std::string tick_label(double v) {
  char b[32];
  const double a = std::fabs(v);
  if (a >= 1e6)
    std::snprintf(b, sizeof b, "%.3gM", v / 1e6);
  else if (a >= 1e4)
    std::snprintf(b, sizeof b, "%.3gk", v / 1e3);
  else
    std::snprintf(b, sizeof b, "%g", v);
  return b;
}

std::string LineChart::svg(int width, int height) const {
  double x0 = std::numeric_limits<double>::max(), x1 = -x0, y0 = x0, y1 = -x0;
  for (const auto& s : series_)
    for (const auto& [x, y] : s.points) {
      x0 = std::min(x0, x);
      x1 = std::max(x1, x);
      y0 = std::min(y0, y);
      y1 = std::max(y1, y);
    }
  for (const auto& b : bands_) {
    y0 = std::min(y0, b.y0);
    y1 = std::max(y1, b.y1);
  }
  if (x0 > x1) x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  if (equal_) {
    x0 = y0 = std::min(x0, y0);
    x1 = y1 = std::max(x1, y1);
  }
  extend(x0, x1);
  extend(y0, y1);
  const double ypad = (y1 - y0) * 0.05;
  Frame f{x0, x1, y0 - (equal_ ? 0 : ypad), y1 + ypad, width, height};
  std::string s = "<svg class=\"chart\" style=\"max-width:" + std::to_string(width) +
                  "px\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(width) + " " +
                  std::to_string(height) + "\" role=\"img\" aria-label=\"" + html_escape(title_) + "\">";
  for (const auto& b : bands_) {
    const double top = f.py(std::min(b.y1, f.y1)), bottom = f.py(std::max(b.y0, f.y0));
    s += "<rect class=\"band\" x=\"" + f2(kLeft) + "\" y=\"" + f2(top) + "\" width=\"" + f2(width - kLeft - kRight) +
         "\" height=\"" + f2(bottom - top) + "\"><title>" + html_escape(b.label) + "</title></rect>";
  }
  s += axes(f, title_, x_label_, y_label_);
  std::vector<std::pair<std::string, std::string>> items;
  if (!bands_.empty()) items.emplace_back(bands_.front().label, "#d9ead3");
  if (!diagonal_.empty()) {
    const double lo = std::max(f.x0, f.y0), hi = std::min(f.x1, f.y1);
    s += "<line class=\"diagonal\" x1=\"" + f2(f.px(lo)) + "\" y1=\"" + f2(f.py(lo)) + "\" x2=\"" + f2(f.px(hi)) +
         "\" y2=\"" + f2(f.py(hi)) + "\"/>";
    items.emplace_back(diagonal_, "#888");
  }
  if (y0 < 0 && y1 > 0 && diagonal_.empty())
    s += "<line class=\"zero\" x1=\"" + f2(kLeft) + "\" x2=\"" + f2(width - kRight) + "\" y1=\"" + f2(f.py(0)) +
         "\" y2=\"" + f2(f.py(0)) + "\"/>";
  for (const auto& ser : series_) {
    items.emplace_back(ser.name, ser.color);
    if (ser.style != Series::Style::markers && ser.points.size() > 1) {
      std::string d;
      for (const auto& [x, y] : ser.points) d += (d.empty() ? "M" : " L") + f2(f.px(x)) + " " + f2(f.py(y));
      s += "<path class=\"series\" d=\"" + d + "\" stroke=\"" + ser.color + "\"/>";
    }
    if (ser.style != Series::Style::line) {
      const bool dense = ser.points.size() > 400;
      for (std::size_t i = 0; i < ser.points.size(); ++i) {
        const auto& [x, y] = ser.points[i];
        s += "<circle cx=\"" + f2(f.px(x)) + "\" cy=\"" + f2(f.py(y)) + "\" r=\"" + (dense ? "1.5" : "3") +
             "\" fill=\"" + ser.color + "\">";
        if (i < ser.tooltips.size()) s += "<title>" + html_escape(ser.tooltips[i]) + "</title>";
        s += "</circle>";
      }
    }
  }
  s += legend(items, width);
  return s + "</svg>";
}

std::string stacked_bars(const std::string& title, const std::string& y_label, const std::vector<std::string>& bars,
                         const std::vector<Stack>& stacks, int width, int height) {
  double top = 0;
  for (std::size_t i = 0; i < bars.size(); ++i) {
    double sum = 0;
    for (const auto& st : stacks) sum += i < st.values.size() ? st.values[i] : 0;
    top = std::max(top, sum);
  }
  if (top <= 0) top = 1;
  Frame f{0, static_cast<double>(std::max<std::size_t>(bars.size(), 1)), 0, top * 1.05, width, height};
  std::string s = "<svg class=\"chart\" style=\"max-width:" + std::to_string(width) +
                  "px\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(width) + " " +
                  std::to_string(height) + "\" role=\"img\" aria-label=\"" + html_escape(title) + "\">";
  s += text(width / 2.0, 18, title, "middle", "class=\"title\"");
  for (double t : nice_ticks(f.y0, f.y1, 6)) {
    const double y = f.py(t);
    s += "<line class=\"grid\" x1=\"" + f2(kLeft) + "\" x2=\"" + f2(width - kRight) + "\" y1=\"" + f2(y) + "\" y2=\"" +
         f2(y) + "\"/>";
    s += text(kLeft - 6, y + 4, tick_label(t), "end", "class=\"tick\"");
  }
  const double slot = (width - kLeft - kRight) / f.x1;  // f.x1 = number of bars
  const std::size_t label_every = std::max<std::size_t>(1, bars.size() / 16);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    double base = 0;
    const double x = kLeft + static_cast<double>(i) * slot + slot * 0.1;
    for (const auto& st : stacks) {
      const double v = i < st.values.size() ? st.values[i] : 0;
      if (v <= 0) continue;
      const double ytop = f.py(base + v), ybottom = f.py(base);
      s += "<rect x=\"" + f2(x) + "\" y=\"" + f2(ytop) + "\" width=\"" + f2(slot * 0.8) + "\" height=\"" +
           f2(std::max(ybottom - ytop, 0.0)) + "\" fill=\"" + st.color + "\"><title>" + html_escape(bars[i]) + ": " +
           html_escape(st.name) + " " + tick_label(v) + "</title></rect>";
      base += v;
    }
    if (i % label_every == 0) s += text(x + slot * 0.4, height - kBottom + 16, bars[i], "middle", "class=\"tick\"");
  }
  s += "<rect class=\"frame\" x=\"" + f2(kLeft) + "\" y=\"" + f2(kTop) + "\" width=\"" + f2(width - kLeft - kRight) +
       "\" height=\"" + f2(height - kTop - kBottom) + "\"/>";
  s += text(16, (kTop + height - kBottom) / 2.0, y_label, "middle",
            ("class=\"label\" transform=\"rotate(-90 16 " + f2((kTop + height - kBottom) / 2.0) + ")\"").c_str());
  std::vector<std::pair<std::string, std::string>> items;
  for (const auto& st : stacks) items.emplace_back(st.name, st.color);
  s += legend(items, width);
  return s + "</svg>";
}

}  // namespace genz::reports
