// TensorRT-LLM's published end-to-end serving figures
// (../shared/data/trtllm-published/), simulated run by run for
// `genz validate`:
//   - online serving (0.14, Triton, BF16): 500 requests at a fixed rate, mean
//     TTFT, mean inter-token latency and output throughput;
//   - offline maximum throughput (v1.0): every request queued at once,
//     output tokens/s per GPU, for the models genz has.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "genz/host/plugin_registry.hpp"

namespace genz {

struct ServingCheck {
  std::string dataset, metric;
  std::vector<double> errors_pct;  // signed, one per run
  double target_mape = 0;          // percent; 0: shown, not judged
  bool available = true;
  std::string note;  // why a run is missing
};

/// One entry per (dataset, metric); missing data or models give entries
/// with available = false and the reason.
std::vector<ServingCheck> published_serving_checks(const std::shared_ptr<const PluginRegistry>& registry,
                                                   const std::string& data_dir);

}  // namespace genz
