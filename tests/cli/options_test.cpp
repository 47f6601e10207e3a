#include "options.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "genz/host/error.hpp"

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

TEST(Options, WholeNumbersAreBoundedNotWrapped) {
  EXPECT_EQ(*parse({"--gpus-per-node", "1024", "--nodes", "100000"}).gpus_per_node, 1024u);
  for (std::vector<const char*> bad : {std::vector<const char*>{"--gpus-per-node", "2147483648"},
                                       {"--gpus-per-node", "1431655766"},
                                       {"--tp", "-2"},
                                       {"--tp", "0"},
                                       {"--pp", "1e3"},
                                       {"--ep", "99999999999999999999999"},
                                       {"--nodes", "100001"},
                                       {"--folds", "1"},
                                       {"--requests", "-1"},
                                       {"--seed", "-5"}})
    EXPECT_THROW(parse(bad), InputError) << bad[0] << " " << bad[1];
  try {
    parse({"--tp", "-2"});
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "--tp: expected a whole number in 1..1024, found '-2'");
  }
}

TEST(Options, NonsenseNumbersAreRefusedNamingTheFlag) {
  for (std::vector<const char*> bad : {std::vector<const char*>{"--system_eff", "nan"},
                                       {"--system_eff", "5e-324"},
                                       {"--system_eff", "1.5"},
                                       {"--inter-node-latency", "nan"},
                                       {"--inter-node-bw", "nan"},
                                       {"--inter-node-bw", "1e-300"},
                                       {"--inter-node-bw", "1e9"}})
    EXPECT_THROW(parse(bad), InputError) << bad[0] << " " << bad[1];
  EXPECT_THROW(parse({"--report", "csv,csv"}), InputError);
  EXPECT_THROW(parse({"sweep", "tp=1,2", "--trace", "x.csv"}), InputError);
}

TEST(Options, InputPathsNameEveryFileRead) {
  const Options o = parse({"calibrate", "--trace", "a.csv@tp=2", "--trace", "b.csv", "--hw-file", "h.json",
                           "--engine-file", "e.json", "--operators", "ops.csv"});
  const auto in = input_paths(o);
  for (const char* f : {"a.csv", "b.csv", "h.json", "e.json", "ops.csv"})
    EXPECT_NE(std::find(in.begin(), in.end(), std::filesystem::path(f)), in.end()) << f;
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
  EXPECT_EQ(error_of({"--tp", "two"}), "--tp: expected a whole number in 1..1024, found 'two'");
  EXPECT_EQ(error_of({"--tp", "2", "--tp_nodes", "4"}), "--tp and --tp_nodes are the same option and disagree");
  EXPECT_EQ(error_of({"--hw", "h100", "--hw-file", "x.json"}), "--hw and --hw-file are exclusive: give one");
  EXPECT_EQ(error_of({"--context-limit", "maybe"}), "--context-limit: expected warn or error, found 'maybe'");
  EXPECT_EQ(error_of({"predictt"}),
            "unexpected argument 'predictt' (commands: predict, plugins, memory, calibrate, validate, make-trace, "
            "sweep, simulate, plan)");
}

}  // namespace
}  // namespace genz::cli
