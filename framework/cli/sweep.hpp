// Predicting every configuration of a sweep (see sweep_axes.hpp for the axes).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "genz/host/plugin_registry.hpp"
#include "genz/sdk/report.hpp"
#include "options.hpp"
#include "sweep_axes.hpp"

namespace genz::cli {

/// One configuration: what genz composed and predicted for it, or, when it
/// cannot run (ok == false), what was asked (0 and "" where nothing was) and
/// why not (note).
struct SweepRow {
  double batch = 1, beam = 1, input_tokens = 0, output_tokens = 0;  // the request shape
  std::string model, hw, engine, dtype, kv_dtype, layout;
  unsigned gpus = 0, tp = 0, pp = 0, ep = 0;
  bool ok = false;
  double mem_gib = 0, capacity_gib = 0;  // busiest GPU's peak, and its capacity
  Prediction p;
  std::string note;
};

/// Every configuration of `axes` applied to `base`, in sweep_point order.
/// Configurations that do not fit or whose layout the model refuses become
/// rows with a note; other errors (a plugin failing) propagate.
std::vector<SweepRow> predict_sweep(const std::shared_ptr<const PluginRegistry>& registry, const Options& base,
                                    const std::vector<SweepAxis>& axes);

/// The same, one row at a time (index, row), in constant memory: what the
/// command uses, so a sweep of a million configurations streams.
void for_each_sweep_row(const std::shared_ptr<const PluginRegistry>& registry, const Options& base,
                        const std::vector<SweepAxis>& axes,
                        const std::function<void(std::size_t, const SweepRow&)>& visit);

}  // namespace genz::cli
