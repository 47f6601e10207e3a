// libFuzzer target: the RFC 4180 reader and the trace reader on arbitrary
// bytes. Any input must end in rows or an InputError, nothing else.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "genz/host/error.hpp"
#include "genz/io/trace_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    genz::TraceReader reader(genz::CsvReader::from_text(text, "fuzz.csv"));
    genz::TraceRow row;
    while (reader.next(row)) {
      if (!(row.request.input >= 1 && row.request.output >= 1)) __builtin_trap();  // validated rows only
    }
  } catch (const genz::InputError&) {
  }
  return 0;
}
