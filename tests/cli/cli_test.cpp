// The genz executable, end to end.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace genz {
namespace {

using test::run_genz;

std::string fixture_dir(const std::string& name) {
  return std::string(GENZ_TEST_FIXTURE_DIR) + "/" + name;
}

TEST(Cli, HelpAndVersion) {
  const auto h = run_genz("--help");
  EXPECT_EQ(h.exit_code, 0);
  EXPECT_NE(h.out.find("--model-plugin"), std::string::npos);
  EXPECT_NE(h.out.find("--tp_nodes"), std::string::npos);
  const auto v = run_genz("--version");
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out.rfind("genz 0.1.0 (plugin ABI 9)", 0), 0u) << v.out;
}

TEST(Cli, PredictsARequestFromTheDocumentedCommandLine) {
  const auto r =
      run_genz("--model-plugin llama --model llama2_7b --hw rtx3090 --input-tokens 1024 --output-tokens 200");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* s : {"TTFT", "TPOT", "E2E", "prefill throughput", "decode throughput"})
    EXPECT_NE(r.out.find(s), std::string::npos) << s;
}

TEST(Cli, JsonIsTheOnlyThingOnStdout) {
  const auto r = run_genz("--model llama2_7b --hw h100 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);  // throws if anything else is on stdout
  EXPECT_GT(j["requests"][0]["predicted"]["TTFT"].get<double>(), 0);
  EXPECT_TRUE(j.contains("accuracy"));
  EXPECT_TRUE(j["memory"]["fits"].get<bool>());
  EXPECT_NE(r.err.find("genz: info:"), std::string::npos);  // logs went to stderr
}

TEST(Cli, QuietAndVerbose) {
  EXPECT_EQ(run_genz("--model llama2_7b --hw h100 -q").err, "");
  EXPECT_NE(run_genz("--model llama2_7b --hw h100").err, "");
}

TEST(Cli, PluginsListsEverythingAndTheRejectedFiles) {
  const auto r = run_genz("plugins --plugin-path " + fixture_dir("bad_abi_version") + " --plugin-path " +
                          fixture_dir("no_entry_point"));
  ASSERT_EQ(r.exit_code, 0);
  for (const char* s : {"model     llama", "hardware  nvidia", "comm      pcie_like", "report    html", "rtx3090",
                        "deepseek_v3", "ABI version mismatch: expected plugin ABI version 9, found 1",
                        "no entry point: expected an exported function genz_plugin_v1"})
    EXPECT_NE(r.out.find(s), std::string::npos) << s << "\n" << r.out;
}

TEST(Cli, PluginsChecksEveryEntrysDescription) {
  const auto r = run_genz("plugins -v --plugin-path " + fixture_dir("misbehaving_hardware"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("INVALID invalid_spec_gpu: memory_bandwidth (B/s) = -1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("INVALID null_gpu"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("INVALID h100"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("h100: "), std::string::npos) << "the provenance notes of -v\n" << r.out;
  const auto hw = run_genz("--hw invalid_spec_gpu --plugin-path " + fixture_dir("misbehaving_hardware"));
  EXPECT_EQ(hw.exit_code, 1);
  EXPECT_NE(hw.err.find("describes an invalid part: memory_bandwidth"), std::string::npos) << hw.err;
}

// A plugin author's omission: a link with bandwidth but no latency would make
// every all-reduce free of its fixed cost.
TEST(Cli, ALinkWithoutLatencyGetsTheMeasuredOneOfItsClassAndAWarning) {
  const std::string dir = " --plugin-path " + fixture_dir("misbehaving_hardware");
  const auto r = run_genz("--hw no_link_latency_gpu --model llama3_70b --tp 4 --json" + dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("gives no intra-node collective latency: assuming 22.8 us"), std::string::npos) << r.err;
  const auto one = run_genz("--hw no_link_latency_gpu --model llama3_70b --tp 1 --json" + dir);
  EXPECT_EQ(one.err.find("no intra-node collective latency"), std::string::npos) << "TP 1 uses no link";
}

TEST(Cli, AThirdPartyPluginCannotShadowAShippedOne) {
  const auto r = run_genz("--hw h100 --json --plugin-path " + fixture_dir("named_nvidia") + " --plugin-path " +
                          fixture_dir("duplicate_name"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("plugin name 'nvidia' is already taken"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("entry 'rtx3090' refused"), std::string::npos) << r.err;
  const auto kept = run_genz("plugins --plugin-path " + fixture_dir("duplicate_name"));
  EXPECT_EQ(kept.exit_code, 0) << kept.err;
  EXPECT_NE(kept.out.find("provides: duplicate_fixture_gpu"), std::string::npos) << kept.out;
}

TEST(Cli, ModelPluginTakesALibraryNameWithOneEntry) {
  const std::string dir = " --plugin-path " + fixture_dir("toy_models");
  const auto toy = run_genz("--model-plugin toy --hw h100 --json -q" + dir);  // the library "toy"
  ASSERT_EQ(toy.exit_code, 0) << toy.err;
  EXPECT_NE(toy.out.find("\"model\":\"toy_mlp\""), std::string::npos) << toy.out;
  const auto entry = run_genz("--model-plugin toy_mlp --hw h100 --json -q" + dir);  // its entry, as before
  EXPECT_EQ(entry.exit_code, 0) << entry.err;
  const auto variant = run_genz("--model-plugin deepseek_v3 --model deepseek_r1 --hw h100 -q --json");
  EXPECT_EQ(variant.exit_code, 0) << variant.err;  // an entry name, as before
  const auto wrong = run_genz("--plugin-path " + fixture_dir("wrong_interface") + " --model hardware_as_model");
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("creates a hardware object, but the library declares kind model"), std::string::npos)
      << wrong.err;
}

TEST(Cli, ASweepStreamsItsRowsAndWritesTheSameJsonAsAWholeDump) {
  const auto r = run_genz("sweep batch=1,2 input-tokens=128,256 --hw h100 --model llama2_7b --json -q");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = nlohmann::ordered_json::parse(r.out);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(r.out, rows.dump(2) + "\n");  // streamed element by element, identical to one dump
}

// --system_eff and --accumulate reach a hardware plugin through its factory
// configuration; nothing replaces the plugin's object, so a part with its own
// time() predicts the same whatever the flags.
TEST(Cli, AHardwarePluginsOwnTimeIsHonouredWithEveryFlag) {
  const std::string base = "--hw own_timing_gpu --model llama2_7b --json -q --plugin-path " + fixture_dir("own_timing");
  const auto plain = run_genz(base);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  const double ttft = nlohmann::json::parse(plain.out)["requests"][0]["predicted"]["TTFT"].get<double>();
  for (const char* flags : {" --system_eff 0.5", " --accumulate fp16", " --system_eff 0.3 --accumulate fp16"}) {
    const auto r = run_genz(base + flags);
    ASSERT_EQ(r.exit_code, 0) << flags << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out)["requests"][0]["predicted"]["TTFT"].get<double>(), ttft) << flags;
  }
  // The shipped roofline parts do apply the options they are given.
  const auto h100 = run_genz("--hw h100 --model llama2_7b --json -q");
  const auto slow = run_genz("--hw h100 --model llama2_7b --json -q --system_eff 0.3");
  EXPECT_GT(nlohmann::json::parse(slow.out)["requests"][0]["predicted"]["TTFT"].get<double>(),
            nlohmann::json::parse(h100.out)["requests"][0]["predicted"]["TTFT"].get<double>());
}

// The rows of a sweep are written as they are predicted: peak memory does not
// grow with the number of configurations (it used to hold every row, 8.5 KB
// each: 170 MB for these 20 000).
TEST(Cli, ASweepRunsInMemoryThatDoesNotGrowWithItsSize) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer's shadow memory and quarantine make peak memory meaningless";
#endif
  std::string batch = "batch=", tokens = "input-tokens=";
  for (int i = 1; i <= 200; ++i) batch += std::to_string(i) + (i < 200 ? "," : "");
  for (int i = 1; i <= 100; ++i) tokens += std::to_string(i * 10) + (i < 100 ? "," : "");
  test::TempDir t;
  const std::string out = (t.path() / "sweep.csv").string();
  std::vector<std::string> args{GENZ_TEST_EXE, "sweep",     batch, tokens,  "--hw", "h100",
                                "--model",     "llama2_7b", "-q",  "--out", out};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, STDOUT_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  struct rusage usage {};
  ASSERT_EQ(::wait4(pid, &status, 0, &usage), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  std::ifstream in(out);
  std::size_t lines = 0;
  for (std::string l; std::getline(in, l);) ++lines;
  EXPECT_EQ(lines, 20001u);
  EXPECT_LT(usage.ru_maxrss, 64 * 1024) << "KiB of peak memory for 20 000 configurations";
}

TEST(Cli, PluginsInfoChecksOneFile) {
  const auto bad = run_genz("plugins info " + test::fixture("bad_struct_size"));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("struct size mismatch"), std::string::npos);
  const auto good = run_genz(std::string("plugins info ") + GENZ_TEST_PLUGIN_DIR + "/nvidia.so");
  EXPECT_EQ(good.exit_code, 0);
  EXPECT_NE(good.out.find("accepted:"), std::string::npos);
}

TEST(Cli, UnknownNamesAreClearErrorsListingTheAlternatives) {
  const auto r = run_genz("--hw rtx9090");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown hardware 'rtx9090'; available hardware plugins:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("h100"), std::string::npos);
}

TEST(Cli, TheOriginalToolsCommandLineWorks) {
  const auto r = run_genz(
      "--model llama2_7b --tp_nodes 2 --system RTX3090_GPU --quantization bf16 "
      "--comm_backend pcie_like --batch_size 1 --beam_size 1 --system_eff 0.6 -q");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("TP 2"), std::string::npos);
}

TEST(Cli, ALayoutThatDoesNotFitNamesOneThatDoes) {
  const auto r = run_genz("--model llama2_70b --hw rtx3090 --tp 2");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("the layout --tp 2 --pp 1 does not fit"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("GiB"), std::string::npos);
  EXPECT_NE(r.err.find("A layout that fits: --tp"), std::string::npos);
}

TEST(Cli, DeepSeekOnRtx4090ChoosesTheSmallestLayoutThatFits) {
  const auto r = run_genz("--model-plugin deepseek_v3 --hw rtx4090");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("no layout given: using the smallest that fits"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("weights fp8"), std::string::npos);
  EXPECT_NE(r.out.find("communication by collective"), std::string::npos);
}

TEST(Cli, TheOriginalDeepSeekScenarioPrintsTheCommunicationSplit) {
  const auto r = run_genz(
      "--model-plugin deepseek_v3 --cluster RTX4090_PCIE_G4_IB25G --nodes 6 --tp 8 --pp 6 --ep 8 "
      "--dtype fp8 --input-tokens 80 --output-tokens 512 --memory -q");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* s :
       {"48 GPUs (6 nodes x 8)", "all_reduce", "all_to_all", "send_recv", "weights (experts)", ": fits"})
    EXPECT_NE(r.out.find(s), std::string::npos) << s << "\n" << r.out;
}

TEST(Cli, MisbehavingPluginsAreReportedByName) {
  const std::string dir = " --plugin-path " + fixture_dir("misbehaving_hardware");
  const auto nan = run_genz("--hw nan_gpu" + dir);
  EXPECT_EQ(nan.exit_code, 1);
  EXPECT_NE(nan.err.find("hardware plugin 'misbehaving_hardware' returned an invalid time (nan s)"), std::string::npos)
      << nan.err;
  EXPECT_EQ(nan.out, "");  // no number printed as if right
  const auto neg = run_genz("--hw negative_gpu" + dir);
  EXPECT_EQ(neg.exit_code, 1);
  EXPECT_NE(neg.err.find("returned an invalid time (-0.001"), std::string::npos) << neg.err;
  const auto crash = run_genz("--hw crash_gpu" + dir);
  EXPECT_GE(crash.exit_code, 128);  // killed by its signal
  EXPECT_NE(crash.err.find("fatal signal SIGSEGV while running plugin misbehaving_hardware"), std::string::npos)
      << crash.err;
  const auto thrown = run_genz("--hw throwing_gpu" + dir);
  EXPECT_GE(thrown.exit_code, 128);
  EXPECT_NE(thrown.err.find("fatal signal SIGABRT while running plugin misbehaving_hardware"), std::string::npos)
      << thrown.err;
  const auto null = run_genz("--hw null_gpu" + dir);
  EXPECT_EQ(null.exit_code, 1);
  EXPECT_NE(null.err.find("could not be created: the factory returned no object"), std::string::npos);
}

TEST(Cli, SummaryDirReadsChatCsvAndWritesChatSimCsv) {
  const std::string real = test::data("rtx3090-llama2-7b/tp1/chat.csv");
  if (real.empty()) GTEST_SKIP() << "../shared/data not present";
  test::TempDir t;
  std::filesystem::copy_file(real, t.path() / "chat.csv");
  const auto r = run_genz("--summary_dir " + t.path().string() + " --tp_nodes 1 --system RTX3090_GPU --engine hf");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(t.path() / "chat-sim.csv"));
  EXPECT_NE(r.err.find("accuracy against the measurements"), std::string::npos);
  std::ifstream in(t.path() / "chat-sim.csv");
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header.rfind("Request_ID,Model,Batch,Input_Tokens,Output_Tokens,Beam_Size,TTFT(ms)", 0), 0u);
}

TEST(Cli, TheTraceIsNeverOverwritten) {
  test::TempDir t;
  const auto trace = t.file("predictions.csv", "input_tokens,output_tokens\n10,5\n");
  const auto r = run_genz("--trace " + trace.string() + " --out " + t.path().string() + " --report csv -q");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("refusing to overwrite the input"), std::string::npos) << r.err;
  std::ifstream in(trace);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "input_tokens,output_tokens\n10,5\n");
}

TEST(Cli, JsonOfATraceOnStdout) {
  test::TempDir t;
  const auto trace = t.file("t.csv", "input_tokens,output_tokens,TTFT\n100,20,30\n200,20,45\n");
  const auto r = run_genz("--trace " + trace.string() + " --out " + (t.path() / "o").string() +
                          " --report csv --json --hw h100 -q");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["requests"].size(), 2u);
  EXPECT_TRUE(j["accuracy"]["TTFT"].contains("mape"));
  EXPECT_TRUE(std::filesystem::exists(t.path() / "o" / "predictions.csv"));
}

TEST(Cli, ModelConfigFile) {
  test::TempDir t;
  const auto cfg = t.file("config.json", R"({"architectures": ["Qwen2ForCausalLM"], "hidden_size": 3584,
    "num_hidden_layers": 28, "num_attention_heads": 28, "num_key_value_heads": 4, "intermediate_size": 18944,
    "vocab_size": 152064, "max_position_embeddings": 32768})");
  const auto r = run_genz("--model-config " + cfg.string() + " --hw h100 -q");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto deepseek = t.file("ds.json", R"({"architectures": ["DeepseekV3ForCausalLM"], "hidden_size": 7168,
    "num_hidden_layers": 61, "num_attention_heads": 128, "q_lora_rank": 1536, "kv_lora_rank": 512,
    "qk_nope_head_dim": 128, "qk_rope_head_dim": 64, "v_head_dim": 128, "intermediate_size": 18432,
    "n_routed_experts": 256, "num_experts_per_tok": 8, "n_shared_experts": 1, "moe_intermediate_size": 2048,
    "first_k_dense_replace": 3, "vocab_size": 129280, "torch_dtype": "bfloat16",
    "quantization_config": {"quant_method": "fp8", "weight_block_size": [128, 128]}})");
  const auto d = run_genz("--model-config " + deepseek.string() + " --hw h200 --tp 8 -q");
  EXPECT_EQ(d.exit_code, 0) << d.err;
}

TEST(Cli, HardwareFileWithTheOriginalToolsKeys) {
  test::TempDir t;
  const auto hw = t.file("custom.json", R"({"Flops": 500, "Memory_size": 32, "Memory_BW": 1000, "ICN": 100,
                                           "L2_Cache_Size": 50, "real_values": true})");
  const auto r = run_genz("--hw-file " + hw.string() + " --model llama2_7b -q");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("on custom"), std::string::npos);
}

TEST(Cli, CalibrateWritesAFileHwFileLoads) {
  const std::string v = test::data("vidur-profiling/compute/a100/Llama-2-7b-hf-mlp.csv");
  if (v.empty()) GTEST_SKIP() << "../shared/data not present";
  test::TempDir t;
  const auto out = t.path() / "a100.json";
  const auto c = run_genz("calibrate --hw a100_80gb --operators " + v + " --out " + out.string() + " -q");
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_NE(c.out.find("error on held-out data"), std::string::npos);
  const auto r = run_genz("--hw-file " + out.string() + " --model llama2_7b -q");
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(Cli, CalibrateRefusesTracesFittedWithTheWrongLayout) {
  const std::string tp1 = test::data("rtx3090-llama2-7b/tp1/chat.csv");
  const std::string tp2 = test::data("rtx3090-llama2-7b/tp2/chat.csv");
  if (tp1.empty() || tp2.empty()) GTEST_SKIP() << "../shared/data not present";
  test::TempDir t;
  const auto out = t.path() / "mine.json";
  // The TP2 trace without @tp=2 is fitted as one GPU: no single machine explains both.
  const auto c =
      run_genz("calibrate --hw rtx3090 --engine hf --trace " + tp1 + " --trace " + tp2 + " --out " + out.string());
  EXPECT_EQ(c.exit_code, 2);
  EXPECT_NE(c.err.find("--trace " + tp2 + ": no layout given"), std::string::npos) << c.err;
  EXPECT_NE(c.err.find("calibrate: the fit stays far from"), std::string::npos) << c.err;
  EXPECT_NE(c.err.find("it was fitted as TP 1, PP 1, EP 1; if it was measured with another layout say so with"),
            std::string::npos)
      << c.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(Cli, SweepPredictsEveryConfigurationAsPredictWould) {
  test::TempDir t;
  const auto csv = t.path() / "sweep.csv";
  const auto r = run_genz(
      "sweep hw=rtx3090,h100 tp=1,2 --model llama2_7b --engine hf --input-tokens 1024 "
      "--output-tokens 200 --json -q --out " +
      csv.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = nlohmann::json::parse(r.out);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1]["hardware"], "rtx3090");
  EXPECT_EQ(rows[1]["layout"]["tp"], 2);
  EXPECT_EQ(rows[2]["hardware"], "h100");
  EXPECT_EQ(rows[2]["layout"]["tp"], 1);
  // The same configuration through the single-request path gives the same numbers.
  const auto one = run_genz("--model llama2_7b --hw rtx3090 --engine hf --tp 2 --json -q");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  const auto single = nlohmann::json::parse(one.out)["requests"][0]["predicted"];
  for (const char* m : {"TTFT", "TPOT", "E2E", "prefill_throughput", "decode_throughput"})
    EXPECT_DOUBLE_EQ(rows[1]["predicted"][m].get<double>(), single[m].get<double>()) << m;
  EXPECT_DOUBLE_EQ(rows[1]["predicted"]["decode_throughput_per_gpu"].get<double>(),
                   single["decode_throughput"].get<double>() / 2);
  std::ifstream in(csv);
  std::string header, line;
  std::getline(in, header);
  EXPECT_EQ(header.rfind("Config,Model,Hardware,GPUs,TP,PP,EP,Dtype,KV_Dtype,Engine,Batch,Beam,", 0), 0u) << header;
  int n = 0;
  while (std::getline(in, line)) ++n;
  EXPECT_EQ(n, 4);
}

TEST(Cli, SweepRowsSayWhyAConfigurationCannotRun) {
  const auto r = run_genz("sweep tp=1,8 hw=rtx3090 --model llama2_70b --json -q");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = nlohmann::json::parse(r.out);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_FALSE(rows[0]["fits"].get<bool>());
  EXPECT_NE(rows[0]["why"].get<std::string>().find("does not fit: llama2_70b needs"), std::string::npos);
  EXPECT_TRUE(rows[1]["fits"].get<bool>());
  EXPECT_GT(rows[1]["predicted"]["TPOT"].get<double>(), 0);
  // Nothing can run: the rows are still printed, and the exit code says so.
  const auto none = run_genz("sweep tp=1,2 --hw rtx3090 --model llama2_70b -q");
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.out.find("does not fit"), std::string::npos);
  EXPECT_NE(none.err.find("none of the 2 configurations can run"), std::string::npos) << none.err;
}

TEST(Cli, SweepNamesThatDoNotExistAreRefusedBeforeRunning) {
  test::TempDir t;
  const auto csv = t.path() / "sweep.csv";
  const auto r = run_genz("sweep hw=rtx3090,rtx9090 --out " + csv.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("sweep hw=rtx9090: no such hardware; available hardware plugins:"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_FALSE(std::filesystem::exists(csv));
  EXPECT_EQ(run_genz("sweep tp=2 --tp 2").exit_code, 2);
  EXPECT_EQ(run_genz("sweep engine=tgi").exit_code, 2);
}

}  // namespace
}  // namespace genz

namespace genz {
namespace {

// --kernels: the user's measured GEMMs time the shapes they cover (marked
// "table" in --breakdown), the model the rest.
TEST(Cli, MeasuredKernelTablesReplaceTheModelWhereTheyCoverAShape) {
  test::TempDir t;
  std::filesystem::create_directories(t.path() / "mine");
  // Llama-3-8B at TP 1: o_proj is 4096 x 4096; one token per step in decode.
  t.file("mine/gemm.csv", "gemm_dtype,m,n,k,latency_ms\nbfloat16,1,4096,4096,0.5\nbfloat16,64,4096,4096,0.6\n");
  const std::string args =
      "--model llama3_8b --hw h100 --engine trtllm --input-tokens 128 --output-tokens 16 --breakdown";
  const auto plain = test::run_genz(args);
  const auto measured = test::run_genz(args + " --kernels " + (t.path() / "mine").string());
  ASSERT_EQ(measured.exit_code, 0) << measured.err;
  EXPECT_EQ(plain.out.find(" table"), std::string::npos);
  const auto line = measured.out.find("    o_proj", measured.out.find("decode step"));
  ASSERT_NE(line, std::string::npos) << measured.out;
  const std::string o_proj = measured.out.substr(line, measured.out.find('\n', line) - line);
  EXPECT_NE(o_proj.find("500.00 us"), std::string::npos) << o_proj;  // the measured 0.5 ms, exactly
  EXPECT_NE(o_proj.find("table"), std::string::npos) << o_proj;
  EXPECT_NE(measured.err.find("2 measured kernel timings"), std::string::npos) << measured.err;
}

}  // namespace
}  // namespace genz
