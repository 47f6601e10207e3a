// Human-readable tables on a stream.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "genz/engine/memory_model.hpp"
#include "genz/engine/predictor.hpp"
#include "genz/engine/step_model.hpp"
#include "genz/sdk/report.hpp"

namespace genz::cli {

void print_prediction(std::ostream& os, const Request& r, const Prediction& p);
/// Operators grouped as GEMM / attention / communication / other.
void print_breakdown(std::ostream& os, const std::string& title, const std::vector<OpLine>& lines);
/// Time per collective kind (all_reduce, all_to_all, send_recv, ...).
void print_comm_split(std::ostream& os, const std::vector<OpLine>& prefill, const std::vector<OpLine>& decode);
void print_memory(std::ostream& os, const MemoryReport& m);
void print_accuracy(std::ostream& os, const std::vector<MetricAccuracy>& a);
std::string format_ms(double seconds);

}  // namespace genz::cli
