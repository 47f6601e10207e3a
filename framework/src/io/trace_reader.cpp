#include "genz/io/trace_reader.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "genz/host/error.hpp"

namespace genz {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
  while (!out.empty() && (out.front() == ' ' || out.front() == '\t')) out.erase(out.begin());
  return out;
}

// The column holding one quantity under any of its names. Two columns for
// the same quantity (TTFT and ttft, or ttft and ttft_ms) are refused: which
// one to believe is the user's call. An empty source allows several and
// takes the first.
int find_column(const std::vector<std::string>& header, std::initializer_list<const char*> names,
                const std::string& source) {
  int found = -1;
  for (const char* n : names)
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] != n) continue;
      if (found >= 0 && source.empty()) return found;
      if (found >= 0)
        throw InputError(source + ": line 1: columns " + std::to_string(found + 1) + " ('" + header[found] + "') and " +
                         std::to_string(i + 1) + " ('" + header[i] + "') give the same quantity; keep one of them");
      found = static_cast<int>(i);
    }
  return found;
}

std::optional<double> parse_number(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string shown(std::string_view s) {
  std::string out(s.substr(0, 40));
  for (char& c : out)
    if (!std::isprint(static_cast<unsigned char>(c))) c = '?';
  return "'" + out + (s.size() > 40 ? "...'" : "'");
}

}  // namespace

TraceReader::TraceReader(CsvReader csv) : csv_(std::move(csv)) {
  if (!csv_.next(fields_))
    throw InputError(csv_.source() + ": empty file: expected a header line with input_tokens and output_tokens");
  for (auto f : fields_) header_.push_back(lower(f));
  input_ = find_column(header_, {"input_tokens", "prompt_tokens", "input_length"}, csv_.source());
  output_ = find_column(header_, {"output_tokens", "generated_tokens", "output_length"}, csv_.source());
  std::string have;
  for (const auto& h : header_) have += (have.empty() ? "" : ", ") + h;
  if (input_ < 0 || output_ < 0)
    throw InputError(csv_.source() + ": line 1: expected columns input_tokens and output_tokens, found: " +
                     (have.size() > 300 ? have.substr(0, 300) + "..." : have));
  ttft_ = find_column(header_, {"ttft", "ttft(ms)", "ttft_ms"}, csv_.source());
  tpot_ = find_column(header_, {"tpot", "tpot(ms)", "tpot_ms"}, csv_.source());
  e2e_ = find_column(header_, {"e2e", "e2e(ms)", "e2e_ms"}, csv_.source());
  id_ = find_column(header_, {"conversation_id", "request_id", "id"}, "");  // several ids: the first is used
  batch_ = find_column(header_, {"batch", "batch_size"}, csv_.source());
  beam_ = find_column(header_, {"beam", "beam_size"}, csv_.source());
  arrival_ = find_column(header_, {"arrival_time", "timestamp"}, csv_.source());
  cached_ = find_column(header_, {"cached_tokens", "prefix_cached", "prefix_tokens"}, csv_.source());
  prefix_ = find_column(header_, {"prefix_id"}, csv_.source());
}

void TraceReader::fail(int column, const std::string& what) const {
  throw InputError(csv_.source() + ": line " + std::to_string(csv_.line()) + ", column " + header_[column] + ": " +
                   what);
}

double TraceReader::tokens(std::string_view field, int column, const char* what) const {
  const auto v = parse_number(field);
  if (!v) fail(column, std::string("expected a whole number of ") + what + ", found " + shown(field));
  if (!std::isfinite(*v) || *v < 1 || *v != std::floor(*v))
    fail(column, std::string("expected a whole number of ") + what + " >= 1, found " + shown(field));
  if (*v > 1e9) fail(column, std::string("expected at most 1e9 ") + what + ", found " + shown(field));
  return *v;
}

// Prompt tokens already in the KV cache (prefix caching): 0 to the prompt.
double TraceReader::cached(std::string_view field, double input) const {
  if (field.empty()) return 0;
  const auto v = parse_number(field);
  if (!v || !std::isfinite(*v) || *v < 0 || *v != std::floor(*v) || *v > input)
    fail(cached_, "expected a whole number of cached prompt tokens from 0 to the row's " +
                      std::to_string(static_cast<long long>(input)) + " input tokens, found " + shown(field));
  return *v;
}

std::optional<double> TraceReader::milliseconds(std::string_view field, int column) const {
  if (field.empty()) return std::nullopt;
  const auto v = parse_number(field);
  if (!v) fail(column, "expected a time in milliseconds, found " + shown(field));
  if (!std::isfinite(*v) || *v <= 0) fail(column, "expected a positive time in milliseconds, found " + shown(field));
  // Below a microsecond or above four months is a unit mistake or garbage
  // (1e-320 would turn every error ratio into an overflow).
  if (*v < 1e-3 || *v > 1e10)
    fail(column, "expected a time in milliseconds between 0.001 and 1e10, found " + shown(field));
  return *v * 1e-3;
}

double TraceReader::arrival(std::string_view field) {
  if (field.empty()) fail(arrival_, "expected an arrival time in seconds, found an empty field");
  const auto v = parse_number(field);
  if (!v || !std::isfinite(*v) || *v < 0 || *v > 1e10)
    fail(arrival_, "expected an arrival time in seconds in [0, 1e10], found " + shown(field));
  if (rows_ > 0 && *v < last_arrival_)
    fail(arrival_, "arrival times must not go backwards: " + shown(field) + " after " + std::to_string(last_arrival_));
  last_arrival_ = *v;
  return *v;
}

bool TraceReader::next(TraceRow& row) {
  for (;;) {
    if (!csv_.next(fields_)) return false;
    if (fields_.size() == 1 && fields_[0].empty()) continue;  // blank line
    break;
  }
  if (fields_.size() != header_.size())
    throw InputError(csv_.source() + ": line " + std::to_string(csv_.line()) + ": expected " +
                     std::to_string(header_.size()) + " fields as in the header, found " +
                     std::to_string(fields_.size()));
  row = TraceRow{};
  row.line = csv_.line();
  row.request.input = tokens(fields_[input_], input_, "input tokens");
  row.request.output = tokens(fields_[output_], output_, "output tokens");
  if (batch_ >= 0) row.request.batch = tokens(fields_[batch_], batch_, "sequences");
  if (beam_ >= 0) row.request.beam = tokens(fields_[beam_], beam_, "beams");
  if (cached_ >= 0) row.request.cached = cached(fields_[cached_], row.request.input);
  row.id = id_ >= 0 ? std::string(fields_[id_]) : std::to_string(rows_);
  auto measure = [&](int col, bool& has, double& value) {
    if (col < 0) return;
    if (auto v = milliseconds(fields_[col], col)) {
      has = true;
      value = *v;
    }
  };
  measure(ttft_, row.measured.has_ttft, row.measured.ttft);
  // A single-token request has no decode step: its TPOT column may read 0.
  if (tpot_ >= 0 && !(row.request.output == 1 && parse_number(fields_[tpot_]) == 0.0))
    measure(tpot_, row.measured.has_tpot, row.measured.tpot);
  measure(e2e_, row.measured.has_e2e, row.measured.e2e);
  if (arrival_ >= 0) row.arrival = arrival(fields_[arrival_]);
  if (prefix_ >= 0) row.prefix_id = std::string(fields_[prefix_]);
  ++rows_;
  return true;
}

}  // namespace genz
