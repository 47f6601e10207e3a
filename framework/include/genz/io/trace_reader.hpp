// Request traces: a CSV with a header naming at least input_tokens and
// output_tokens (any order, case-insensitive), optionally measured TTFT,
// TPOT and E2E in milliseconds, an id (conversation_id, request_id or id),
// batch and beam, an arrival time in seconds (arrival_time or timestamp, for
// `genz simulate`: finite, >= 0 and never going backwards), prompt tokens
// already cached (cached_tokens, prefix_cached or prefix_tokens: prefix
// caching, 0 to the prompt) and which requests share that prefix (prefix_id:
// any text, for `genz simulate`); other columns are ignored. Blank lines are
// skipped.
#pragma once

#include <optional>
#include <string>

#include "genz/engine/predictor.hpp"
#include "genz/io/csv_reader.hpp"
#include "genz/sdk/report.hpp"

namespace genz {

struct TraceRow {
  std::size_t line = 0;
  std::string id;
  Request request;
  Measurement measured;
  std::optional<double> arrival;  // seconds, when the trace has the column
  std::string prefix_id;          // rows with the same one share their first request.cached tokens
};

class TraceReader {
 public:
  TraceReader(CsvReader csv);
  /// Next request, validated; false at the end. Throws InputError with the
  /// line and column at fault.
  bool next(TraceRow& row);
  bool has_measurements() const noexcept { return ttft_ >= 0 || tpot_ >= 0 || e2e_ >= 0; }
  bool has_arrivals() const noexcept { return arrival_ >= 0; }
  bool has_prefix_ids() const noexcept { return prefix_ >= 0; }
  std::size_t rows() const noexcept { return rows_; }
  const std::string& source() const noexcept { return csv_.source(); }

 private:
  double tokens(std::string_view field, int column, const char* what) const;
  double cached(std::string_view field, double input) const;
  std::optional<double> milliseconds(std::string_view field, int column) const;
  double arrival(std::string_view field);
  [[noreturn]] void fail(int column, const std::string& what) const;

  CsvReader csv_;
  std::vector<std::string> header_;
  std::vector<std::string_view> fields_;
  int input_ = -1, output_ = -1, ttft_ = -1, tpot_ = -1, e2e_ = -1, id_ = -1, batch_ = -1, beam_ = -1, arrival_ = -1,
      cached_ = -1, prefix_ = -1;
  double last_arrival_ = 0;
  std::size_t rows_ = 0;
};

}  // namespace genz
