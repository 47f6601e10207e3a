// Comparing predicted memory with measurements in the original tool's format:
//   Model,Platform,Input_Tokens,Output_Tokens,Weights (MB),KV Prefill (MB),KV Total (MB),KV Decode Delta (MB)
// where "MB" are MiB (torch.cuda.memory_allocated / 2^20), "KV Prefill" is the
// memory after prefill minus the weights, "KV Total" after decode minus the
// weights, and "KV Decode Delta" the growth during decode.
#pragma once

#include <string>
#include <vector>

#include "genz/engine/memory_model.hpp"
#include "genz/engine/predictor.hpp"

namespace genz {

struct MeasuredMemory {
  std::size_t line = 0;
  Request request;
  double weights_mib = 0, after_prefill_mib = 0, after_decode_mib = 0, growth_mib = 0;
};

struct MemoryComparison {
  std::string source, quantity;
  double measured_mib = 0, predicted_mib = 0, error_pct = 0;
};

std::vector<MeasuredMemory> read_measured_memory(const std::string& path);
std::vector<MemoryComparison> compare_memory(const MemoryEstimate& m, const MeasuredMemory& row,
                                             const std::string& source);

}  // namespace genz
