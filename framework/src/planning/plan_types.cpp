#include "genz/planning/plan_types.hpp"

#include <algorithm>
#include <tuple>

namespace genz::plan {

std::string ReplicaConfig::label() const {
  std::string kinds = hw;
  for (std::size_t i = 1; i < stages.size(); ++i)
    if (stages[i] != stages[i - 1]) kinds += "+" + stages[i];
  std::string s = kinds + " TP" + std::to_string(tp) + "xPP" + std::to_string(pp);
  if (ep > 1) s += "xEP" + std::to_string(ep);
  return s + " " + dtype + "/kv " + kv_dtype + " " + engine;
}

bool ReplicaConfig::operator==(const ReplicaConfig& o) const {
  return std::tie(hw, engine, dtype, kv_dtype, tp, pp, ep, gpus, stages) ==
         std::tie(o.hw, o.engine, o.dtype, o.kv_dtype, o.tp, o.pp, o.ep, o.gpus, o.stages);
}

double ConfigEval::at(double batch, double BatchPoint::*field) const {
  if (points.empty()) return 0;
  if (batch <= points.front().batch) return points.front().*field;
  for (std::size_t i = 1; i < points.size(); ++i) {
    const BatchPoint &a = points[i - 1], &b = points[i];
    if (batch <= b.batch) return a.*field + (b.*field - a.*field) * (batch - a.batch) / (b.batch - a.batch);
  }
  return points.back().*field;
}

double ConfigEval::max_batch() const {
  double best = 0;
  for (const BatchPoint& p : points)
    if (p.feasible) best = std::max(best, p.batch);
  return best;
}

}  // namespace genz::plan
