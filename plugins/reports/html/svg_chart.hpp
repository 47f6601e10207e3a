// Charts as inline SVG: axes with ticks and labels, a legend, series drawn as
// lines, markers or bars, shaded bands and reference lines. No script: the
// report renders the same everywhere, offline.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace genz::reports {

struct Series {
  enum class Style { line, markers, line_markers };
  std::string name;
  std::string color;
  Style style = Style::line_markers;
  std::vector<std::pair<double, double>> points;
  std::vector<std::string> tooltips;  // optional, one per point
};

class LineChart {
 public:
  LineChart(std::string title, std::string x_label, std::string y_label)
      : title_(std::move(title)), x_label_(std::move(x_label)), y_label_(std::move(y_label)) {}
  void add(Series s) { series_.push_back(std::move(s)); }
  /// A shaded horizontal band (e.g. the +-20 % error band).
  void band(double y0, double y1, std::string label) { bands_.push_back({y0, y1, std::move(label)}); }
  /// The y = x diagonal (predicted against measured).
  void diagonal(std::string label) { diagonal_ = std::move(label); }
  void equal_axes() { equal_ = true; }
  std::string svg(int width = 860, int height = 320) const;

 private:
  struct Band {
    double y0, y1;
    std::string label;
  };
  std::string title_, x_label_, y_label_, diagonal_;
  std::vector<Series> series_;
  std::vector<Band> bands_;
  bool equal_ = false;
};

/// Stacked bars, one per category (e.g. per request), one stack per group.
struct Stack {
  std::string name;
  std::string color;
  std::vector<double> values;  // one per bar
};
std::string stacked_bars(const std::string& title, const std::string& y_label, const std::vector<std::string>& bars,
                         const std::vector<Stack>& stacks, int width = 860, int height = 320);

/// Round tick positions covering [lo, hi], about `count` of them.
std::vector<double> nice_ticks(double lo, double hi, int count);
std::string tick_label(double v);

}  // namespace genz::reports
