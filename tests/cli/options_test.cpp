#include "options.hpp"

#include <gtest/gtest.h>

#include "genz/error.hpp"

namespace genz::cli {
namespace {

Options parse(std::vector<const char*> args) {
  args.insert(args.begin(), "genz");
  return parse_options(static_cast<int>(args.size()), args.data());
}

TEST(Options, TheOriginalToolsFlagsAreAliases) {
  const Options o =
      parse({"--tp_nodes", "2", "--pp_nodes", "3", "--batch_size", "4", "--beam_size", "2", "--quantization", "int4",
             "--comm_backend", "nv_like", "--system", "H100_GPU", "--system_eff", "0.6", "--summary_dir", "dir"});
  EXPECT_EQ(*o.tp, 2u);
  EXPECT_EQ(*o.pp, 3u);
  EXPECT_EQ(o.batch, 4);
  EXPECT_EQ(o.beam, 2);
  EXPECT_EQ(o.dtype, "int4");
  EXPECT_EQ(o.comm, "nv_like");
  EXPECT_EQ(o.system, "H100_GPU");
  EXPECT_DOUBLE_EQ(*o.system_eff, 0.6);
  EXPECT_EQ(o.summary_dir, "dir");
}

TEST(Options, Commands) {
  EXPECT_EQ(parse({"plugins", "info", "x.so"}).command, "plugins");
  EXPECT_EQ(parse({"plugins", "info", "x.so"}).args.size(), 2u);
  EXPECT_EQ(parse({"validate"}).command, "validate");
  EXPECT_EQ(parse({}).command, "predict");
}

std::string error_of(std::vector<const char*> args) {
  try {
    parse(std::move(args));
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Options, MistakesAreClearErrors) {
  EXPECT_EQ(error_of({"--tpp", "2"}), "unrecognised option '--tpp' (see genz --help)");
  EXPECT_EQ(error_of({"--tp", "two"}), "the argument ('two') for option '--tp' is invalid (see genz --help)");
  EXPECT_EQ(error_of({"--tp", "2", "--tp_nodes", "4"}), "--tp and --tp_nodes are the same option and disagree");
  EXPECT_EQ(error_of({"--hw", "h100", "--hw-file", "x.json"}), "--hw and --hw-file are exclusive: give one");
  EXPECT_EQ(error_of({"--context-limit", "maybe"}), "--context-limit: expected warn or error, found 'maybe'");
  EXPECT_EQ(error_of({"predictt"}),
            "unexpected argument 'predictt' (commands: predict, plugins, memory, calibrate, validate, make-trace, "
            "sweep)");
}

}  // namespace
}  // namespace genz::cli
