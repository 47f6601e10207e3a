// genz memory: the memory of one request on the busiest GPU, prefill and after
// decode; with --measured FILE, compared with measured memory (the original
// tool's memory analysis: weights, memory after prefill and after decode
// beyond the weights, growth during decode).
#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "genz/calibration/memory_check.hpp"
#include "genz/host/error.hpp"
#include "genz/io/csv_reader.hpp"
#include "session.hpp"
#include "text_output.hpp"

namespace genz::cli {
namespace {

void print_comparison(const std::vector<MemoryComparison>& rows) {
  std::cout << "\nmemory against " << rows.front().source << " (MiB):\n";
  std::printf("  %-42s %10s %10s %9s\n", "quantity", "measured", "genz", "error");
  for (const auto& r : rows)
    std::printf("  %-42s %10.2f %10.2f %+8.2f%%\n", r.quantity.c_str(), r.measured_mib, r.predicted_mib, r.error_pct);
}

}  // namespace

int run_memory(const Options& o) {
  if (o.measured.empty()) {
    const Request r{o.input_tokens, o.output_tokens, o.batch, o.beam};
    check_request(r, ModelInfo{});
    auto s = open_session(o, r);
    const MemoryEstimate& m = s->memory;
    std::cout << s->model->info().name << " on " << s->hardware->spec().name << " (" << describe(s->layout)
              << "), engine " << s->engine.name << ", weights " << s->weights_name() << ", KV cache "
              << name_of(s->precision.kv_cache) << "\n";
    print_memory(std::cout, to_report(m, r));
    return 0;
  }
  const auto rows = read_measured_memory(o.measured);
  std::vector<MemoryComparison> all;
  for (const auto& row : rows) {
    auto s = open_session(o, row.request);
    const MemoryEstimate& m = s->memory;
    spdlog::info("{} on {} ({}), engine {}: request {} + {} tokens", s->model->info().name, s->hardware->spec().name,
                 describe(s->layout), s->engine.name, row.request.input, row.request.output);
    const auto cmp = compare_memory(m, row, o.measured);
    all.insert(all.end(), cmp.begin(), cmp.end());
  }
  print_comparison(all);
  return 0;
}

}  // namespace genz::cli
