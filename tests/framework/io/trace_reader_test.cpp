#include "genz/io/trace_reader.hpp"

#include <gtest/gtest.h>

#include "genz/host/error.hpp"
#include "test_support.hpp"

namespace genz {
namespace {

std::vector<TraceRow> read(std::string_view text) {
  TraceReader r(CsvReader::from_text(text, "trace.csv"));
  std::vector<TraceRow> rows;
  TraceRow row;
  while (r.next(row)) rows.push_back(row);
  return rows;
}

std::string error_of(std::string_view text) {
  try {
    read(text);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(TraceReader, AnyColumnOrderCaseAndExtraColumns) {
  const auto rows = read("notes,Output_Tokens,INPUT_TOKENS,TTFT,tpot,E2E\n\"a, b\",200.0,24,24.5,18.6,3735.8\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].request.input, 24);
  EXPECT_EQ(rows[0].request.output, 200);
  EXPECT_TRUE(rows[0].measured.has_ttft);
  EXPECT_DOUBLE_EQ(rows[0].measured.tpot, 18.6e-3);
  EXPECT_EQ(rows[0].id, "0");
}

TEST(TraceReader, IdBatchBeamAndMissingMeasurements) {
  const auto rows = read("request_id,input_tokens,output_tokens,batch_size,beam,TTFT\nr7,100,10,4,2,\n");
  EXPECT_EQ(rows[0].id, "r7");
  EXPECT_EQ(rows[0].request.batch, 4);
  EXPECT_EQ(rows[0].request.beam, 2);
  EXPECT_FALSE(rows[0].measured.has_ttft);
}

TEST(TraceReader, BlankLinesAreSkipped) {
  EXPECT_EQ(read("input_tokens,output_tokens\n\n5,6\n\n").size(), 1u);
}

TEST(TraceReader, ReadsTheRealTraces) {
  const std::string path = test::data("rtx3090-llama2-7b/tp1/chat.csv");
  if (path.empty()) GTEST_SKIP() << "../shared/data not present";
  TraceReader r(CsvReader::open_file(path, "--trace"));
  TraceRow row;
  std::size_t n = 0;
  while (r.next(row)) ++n;
  EXPECT_EQ(n, 32u);
  EXPECT_TRUE(r.has_measurements());
}

TEST(TraceReader, Errors) {
  EXPECT_EQ(error_of(""), "trace.csv: empty file: expected a header line with input_tokens and output_tokens");
  EXPECT_EQ(error_of("prompt,completion\n1,2\n"),
            "trace.csv: line 1: expected columns input_tokens and output_tokens, found: prompt, completion");
  EXPECT_EQ(error_of("input_tokens,output_tokens\n12,abc\n"),
            "trace.csv: line 2, column output_tokens: expected a whole number of output tokens, found 'abc'");
  EXPECT_EQ(error_of("input_tokens,output_tokens\n-3,2\n"),
            "trace.csv: line 2, column input_tokens: expected a whole number of input tokens >= 1, found '-3'");
  EXPECT_EQ(error_of("input_tokens,output_tokens\n0,2\n"),
            "trace.csv: line 2, column input_tokens: expected a whole number of input tokens >= 1, found '0'");
  EXPECT_EQ(error_of("input_tokens,output_tokens\n1.5,2\n"),
            "trace.csv: line 2, column input_tokens: expected a whole number of input tokens >= 1, found '1.5'");
  EXPECT_EQ(error_of("input_tokens,output_tokens\n1,2,3\n"),
            "trace.csv: line 2: expected 2 fields as in the header, found 3");
  EXPECT_EQ(error_of("input_tokens,output_tokens,TTFT\n1,2,-4\n"),
            "trace.csv: line 2, column ttft: expected a positive time in milliseconds, found '-4'");
  EXPECT_EQ(error_of("input_tokens,output_tokens,TTFT\n1,2,nan\n"),
            "trace.csv: line 2, column ttft: expected a positive time in milliseconds, found 'nan'");
}

}  // namespace
}  // namespace genz
