#include "options.hpp"

#include <boost/program_options.hpp>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "genz/host/error.hpp"

namespace po = boost::program_options;

namespace genz::cli {

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

namespace {

// The same bounds as a cluster file's "nodes" and "gpus_per_node".
constexpr unsigned kMaxNodes = 100000;
constexpr unsigned kMaxGpusPerNode = 1024;
constexpr unsigned kMaxDegree = 1024;

const char* const kCommands[] = {"predict",    "plugins", "memory",   "calibrate", "validate",
                                 "make-trace", "sweep",   "simulate", "plan"};

po::options_description describe_options() {
  po::options_description general("General");
  general.add_options()("help,h", "show this help")("version", "print the version")(
      "verbose,v", "more log output (debug)")("quiet,q", "only warnings and errors")(
      "no-progress", "no progress bar, even on a terminal")("plugin-path",
                                                            po::value<std::vector<std::string>>()->composing(),
                                                            "directory to search for plugins first (repeatable)");

  po::options_description model("Model");
  model.add_options()("model-plugin", po::value<std::string>(),
                      "model plugin (llama, gpt, deepseek_v3, mixtral, qwen_moe)")(
      "model", po::value<std::string>(), "model variant, e.g. llama2_7b, llama3_70b, deepseek_v3")(
      "model-config", po::value<std::string>(), "a Hugging Face config.json instead of a variant");

  po::options_description hw("Hardware and system");
  hw.add_options()("hw", po::value<std::string>(),
                   "hardware name (rtx3090, rtx4090, a100_80gb, h100, h200, mi300x, tpuv6, ...)")(
      "hw-file", po::value<std::string>(), "hardware description JSON (genz's schema or the original tool's keys)")(
      "system", po::value<std::string>(), "the original tool's system name (RTX3090_GPU, H100_GPU, ...)")(
      "system_eff", po::value<double>(), "original tool's efficiency factor: sets compute and bandwidth fractions")(
      "comm", po::value<std::string>(), "communication backend: nv_like or pcie_like (default: by link kind)")(
      "comm_backend", po::value<std::string>(), "alias of --comm")(
      "engine", po::value<std::string>(),
      "serving engine profile: vllm (default), trtllm, sglang, hf, llamacpp, ktransformers, ideal")(
      "engine-file", po::value<std::string>(), "engine profile JSON")(
      "kernels", po::value<std::string>(),
      "folder of kernel timings measured under the engine (aiconfigurator's tables): interpolated where they "
      "cover a shape, the model elsewhere (--breakdown marks them 'table')")(
      "gpu-mem-util", po::value<double>(),
      "fraction of GPU memory the engine may use (default: the engine's, e.g. vLLM 0.9, llama.cpp 1.0)")(
      "ctx-size", po::value<double>(), "tokens of KV cache allocated per sequence at load (llama.cpp's -c)")(
      "host", po::value<std::string>(),
      "CPU side for offload: a preset (xeon_6454s_1s, epyc_7302p, desktop_ddr5, ...) or a JSON file")(
      "offload-layers", po::value<std::string>(), "layers kept in CPU memory and run there (llama.cpp: layers - -ngl)")(
      "offload-experts", po::bool_switch(), "routed experts in CPU memory, run on the CPU (KTransformers, --cpu-moe)")(
      "cluster", po::value<std::string>(), "cluster preset or JSON file (nodes, GPUs per node, links)")(
      "nodes", po::value<std::string>(), "number of nodes (1..100000)")(
      "gpus-per-node", po::value<std::string>(), "GPUs per node (1..1024)")("inter-node-bw", po::value<double>(),
                                                                            "inter-node bandwidth per node, Gb/s")(
      "inter-node-latency", po::value<double>(), "inter-node latency, microseconds");

  po::options_description par("Parallelism and precision");
  par.add_options()("tp", po::value<std::string>(), "tensor parallel degree (1..1024)")(
      "tp_nodes", po::value<std::string>(), "alias of --tp")(
      "pp", po::value<std::string>(), "pipeline parallel degree (1..1024)")("pp_nodes", po::value<std::string>(),
                                                                            "alias of --pp")(
      "pp-layers", po::value<std::string>(),
      "layers per pipeline stage, e.g. 4,4,3 (default: every stage fits, the slowest as fast as possible)")(
      "stage-hw", po::value<std::string>(),
      "the GPU kind of each pipeline stage, e.g. h100,rtx4090 (sets --pp; --hw is the first)")(
      "ep", po::value<std::string>(), "expert parallel degree (MoE, 1..1024)")(
      "dtype", po::value<std::string>(),
      "weights: bf16, fp16, fp8, int8, int4 (int8/int4 are weight-only), or a GGUF type: q4_k_m, q8_0, iq2_xxs, ...")(
      "quantization", po::value<std::string>(), "alias of --dtype")("act-dtype", po::value<std::string>(),
                                                                    "activations (default: from --dtype)")(
      "kv-dtype", po::value<std::string>(), "KV cache (default: the activation format)")(
      "accumulate", po::value<std::string>()->default_value("fp32"),
      "GEMM accumulate format: fp32 (PyTorch) or fp16 (faster on GeForce)");

  po::options_description req("Request");
  req.add_options()("input-tokens", po::value<double>(), "prompt tokens (default 1024)")(
      "output-tokens", po::value<double>(), "generated tokens (default 200)")("batch", po::value<double>(),
                                                                              "sequences per batch (default 1)")(
      "batch_size", po::value<double>(), "alias of --batch")("beam", po::value<double>(), "beam width (default 1)")(
      "beam_size", po::value<double>(), "alias of --beam")(
      "context-limit", po::value<std::string>()->default_value("warn"),
      "prompt + output beyond the model's context window: warn or error");

  po::options_description out("Traces and outputs");
  out.add_options()("trace", po::value<std::vector<std::string>>()->composing(),
                    "request trace CSV (input_tokens, output_tokens, optional TTFT/TPOT/E2E in ms)")(
      "summary_dir", po::value<std::string>(), "original tool's form: reads DIR/chat.csv, writes DIR/chat-sim.csv")(
      "out", po::value<std::string>(),
      "output directory (reports); for calibrate: the hardware file to write; for sweep: the CSV "
      "file (or DIR/ for DIR/sweep.csv)")("report", po::value<std::string>(),
                                          "reports to write into --out: csv,html,json (default: csv,html,json)")(
      "title", po::value<std::string>(), "title of the HTML report")(
      "json", "print the result as one JSON object on stdout")("breakdown", "print the per-operator breakdown")(
      "memory", "print the memory breakdown")("measured", po::value<std::string>(),
                                              "memory: measured memory CSV to compare with")(
      "operators", po::value<std::vector<std::string>>()->composing(), "calibrate: operator timing tables (Vidur CSV)")(
      "network", po::value<std::vector<std::string>>()->composing(), "calibrate: collective timing tables (Vidur CSV)")(
      "folds", po::value<std::string>()->default_value("5"), "calibrate: cross-validation folds")(
      "data-dir", po::value<std::string>(), "validate: the measurements directory (default ../shared/data)")(
      "requests", po::value<std::string>(), "make-trace, simulate: number of requests")(
      "seed", po::value<std::string>()->default_value("1"), "make-trace, simulate: random seed")(
      "strict", "validate: exit 1 when a check misses its target")(
      "known", po::value<std::string>(), "validate --strict: file of checks allowed (and required) to fail");

  po::options_description sim("Serving simulation (genz simulate)");
  sim.add_options()("rate", po::value<double>(), "Poisson arrivals, requests per second")(
      "concurrency", po::value<std::string>(), "closed loop: clients that send their next request when answered")(
      "duration", po::value<double>(), "seconds of Poisson arrivals (with --rate)")(
      "lengths", po::value<std::string>(),
      "request lengths: fixed (--input-tokens/--output-tokens), chat, trace, lognormal (around "
      "--input-tokens/--output-tokens)")("length-spread", po::value<double>(),
                                         "--lengths lognormal: sigma of the lengths' logarithm (default 0.6)")(
      "dp", po::value<std::string>(), "data-parallel replicas behind the router (1..1024)")(
      "router", po::value<std::string>(), "round_robin (default) or least_loaded")(
      "max-seqs", po::value<std::string>(), "sequences per step (default: the engine's)")(
      "max-tokens", po::value<double>(), "tokens per step (default: the engine's)")(
      "chunked-prefill", po::value<std::string>(), "on or off (default: the engine's)")(
      "step-order", po::value<std::string>(), "decode_first or prefill_first (default: the engine's)")(
      "block-size", po::value<std::string>(), "tokens per KV-cache block (default: the engine's)")(
      "slo-ttft", po::value<double>(), "TTFT target, ms (goodput counts requests meeting every target)")(
      "slo-tpot", po::value<double>(), "TPOT target, ms")(
      "max-sim-time", po::value<double>(),
      "simulated seconds before an overloaded run stops (default 10 x the last arrival + 1 day)")(
      "prefill-workers", po::value<std::string>(),
      "disaggregated serving: this many prefill workers hand each prompt's KV cache to the --dp decode replicas")(
      "prefill-hw", po::value<std::string>(), "the prefill workers' hardware (default: --hw)")(
      "prefill-tp", po::value<std::string>(), "the prefill workers' tensor parallelism (default: --tp)")(
      "prefill-pp", po::value<std::string>(), "the prefill workers' pipeline parallelism (default: --pp)")(
      "prefill-ep", po::value<std::string>(), "the prefill workers' expert parallelism (default: --ep)")(
      "prefill-stage-hw", po::value<std::string>(), "the GPU kind of each of the prefill workers' pipeline stages");

  po::options_description plan("Deployment planning (genz plan; also --rate, --concurrency, --slo-*, --lengths)");
  plan.add_options()("gpus", po::value<std::string>(), "at most this many GPUs (1..1000000)")(
      "prices", po::value<std::string>(), "price table JSON: $/GPU-hour per hardware (default: the built-in table)")(
      "max-cost", po::value<double>(), "cost ceiling, $/hour (ranks by tokens per dollar)")(
      "slo-percentile", po::value<std::string>(), "the percentile the targets hold at: 50, 90 (default) or 99")(
      "shard", po::value<std::string>(), "K/N: evaluate part K of N of the search (with --out; join with plan merge)")(
      "top", po::value<std::string>(), "candidates re-checked with the serving simulation (default 3)")(
      "disagg", po::value<std::string>(), "disaggregated prefill/decode: on (default), off, only");

  po::options_description spec("Speculative decoding and prefix caching (genz predict, simulate, plan)");
  spec.add_options()("spec-draft", po::value<std::string>(), "draft model (a model name genz knows), same GPUs")(
      "spec-eagle", "an EAGLE head drafts: one decoder layer of the target's shape")(
      "mtp", po::value<std::string>(), "DeepSeek's multi-token prediction: N MTP modules draft N tokens (1..16)")(
      "spec-k", po::value<std::string>(), "draft tokens per step (1..16; default 4, or --mtp's N)")(
      "spec-accept", po::value<std::string>(),
      "acceptance of each draft position given the earlier ones: one value for all, or a list (0..1)")(
      "prefix-cached", po::value<double>(), "predict: prompt tokens already in the KV cache (prefix caching)")(
      "prefix-caching", po::value<std::string>(), "simulate, plan: on or off (default: the engine's)")(
      "prefix-hit-rate", po::value<double>(), "simulate, plan: share of requests that start with a shared prefix")(
      "prefix-tokens", po::value<double>(), "simulate, plan: the shared prefix's length in tokens")(
      "prefix-groups", po::value<std::string>(), "simulate, plan: distinct shared prefixes (default 1)");

  po::options_description all("Options");
  all.add(general).add(model).add(hw).add(par).add(req).add(out).add(sim).add(plan).add(spec);
  return all;
}

template <class T>
std::optional<T> pick(const po::variables_map& vm, const char* name, const char* alias) {
  std::optional<T> a, b;
  if (vm.count(name)) a = vm[name].as<T>();
  if (alias != nullptr && vm.count(alias)) b = vm[alias].as<T>();
  if (a && b && !(*a == *b))
    throw InputError(std::string("--") + name + " and --" + alias + " are the same option and disagree");
  return a ? a : b;
}

// Whole-number flags are read as text: Boost's lexical_cast would turn "-2"
// into 4294967294 for an unsigned option.
unsigned long long whole_number(const std::string& flag, const std::string& text, unsigned long long lo,
                                unsigned long long hi) {
  const auto bad = [&] {
    return InputError("--" + flag + ": expected a whole number in " + std::to_string(lo) + ".." + std::to_string(hi) +
                      ", found '" + text + "'");
  };
  if (text.empty() || text.size() > 20 || text.find_first_not_of("0123456789") != std::string::npos) throw bad();
  errno = 0;
  const unsigned long long v = std::strtoull(text.c_str(), nullptr, 10);
  if (errno == ERANGE || v < lo || v > hi) throw bad();
  return v;
}

std::optional<unsigned> count_flag(const po::variables_map& vm, const char* name, const char* alias, unsigned hi) {
  const auto text = pick<std::string>(vm, name, alias);
  if (!text) return std::nullopt;
  const char* shown = vm.count(name) ? name : alias;
  return static_cast<unsigned>(whole_number(shown, *text, 1, hi));
}

void check_range(const char* flag, const std::optional<double>& v, double lo, double hi, const char* unit);

void fill_simulate(Options& o, const po::variables_map& vm) {
  auto num = [&](const char* k, std::optional<double>& dst) {
    if (vm.count(k)) dst = vm[k].as<double>();
  };
  auto str = [&](const char* k, std::string& dst) {
    if (vm.count(k)) dst = vm[k].as<std::string>();
  };
  num("rate", o.rate);
  num("duration", o.duration);
  num("length-spread", o.length_spread);
  num("max-tokens", o.max_tokens);
  num("slo-ttft", o.slo_ttft_ms);
  num("slo-tpot", o.slo_tpot_ms);
  num("max-sim-time", o.max_sim_time);
  o.concurrency = count_flag(vm, "concurrency", nullptr, 1000000);
  if (auto dp = count_flag(vm, "dp", nullptr, kMaxDegree)) o.dp = *dp;
  o.max_seqs = count_flag(vm, "max-seqs", nullptr, 65536);
  o.block_size = count_flag(vm, "block-size", nullptr, 65536);
  o.prefill_workers = count_flag(vm, "prefill-workers", nullptr, kMaxDegree);
  o.prefill_tp = count_flag(vm, "prefill-tp", nullptr, kMaxDegree);
  o.prefill_pp = count_flag(vm, "prefill-pp", nullptr, kMaxDegree);
  o.prefill_ep = count_flag(vm, "prefill-ep", nullptr, kMaxDegree);
  str("prefill-hw", o.prefill_hw);
  if (vm.count("prefill-stage-hw")) {
    o.prefill_stage_hw = split_list(vm["prefill-stage-hw"].as<std::string>());
    if (o.prefill_stage_hw.empty()) throw InputError("--prefill-stage-hw: expected GPU kinds such as h100,rtx4090");
    if (o.prefill_pp && *o.prefill_pp != o.prefill_stage_hw.size())
      throw InputError("--prefill-stage-hw lists " + std::to_string(o.prefill_stage_hw.size()) +
                       " GPU kinds but --prefill-pp is " + std::to_string(*o.prefill_pp));
    o.prefill_pp = static_cast<unsigned>(o.prefill_stage_hw.size());
  }
  str("lengths", o.lengths);
  str("router", o.router);
  str("chunked-prefill", o.chunked_prefill);
  str("step-order", o.step_order);
}

// --shard K/N with 1 <= K <= N.
void fill_shard(Options& o, const std::string& text) {
  const auto slash = text.find('/');
  const auto bad = [&] {
    return InputError("--shard: expected K/N with 1 <= K <= N <= 100000 (e.g. 2/8), found '" + text + "'");
  };
  if (slash == std::string::npos) throw bad();
  const std::string k = text.substr(0, slash), n = text.substr(slash + 1);
  if (k.empty() || n.empty() || k.find_first_not_of("0123456789") != std::string::npos ||
      n.find_first_not_of("0123456789") != std::string::npos || k.size() > 6 || n.size() > 6)
    throw bad();
  o.shard_index = static_cast<unsigned>(std::stoul(k));
  o.shards = static_cast<unsigned>(std::stoul(n));
  if (o.shard_index < 1 || o.shard_index > o.shards || o.shards > 100000) throw bad();
}

void fill_spec(Options& o, const po::variables_map& vm) {
  if (vm.count("spec-draft")) o.spec_draft = vm["spec-draft"].as<std::string>();
  o.spec_eagle = vm.count("spec-eagle") > 0;
  o.mtp = count_flag(vm, "mtp", nullptr, 16);
  if (vm.count("spec-k")) {
    const std::string k = vm["spec-k"].as<std::string>();
    o.spec_k = static_cast<unsigned>(whole_number("spec-k", k, 1, 16));
  }
  if (vm.count("spec-accept")) {
    const std::string text = vm["spec-accept"].as<std::string>();
    for (const auto& item : split_list(text)) {
      char* end = nullptr;
      const double a = std::strtod(item.c_str(), &end);
      if (end == item.c_str() || *end != '\0' || !(a >= 0 && a <= 1))
        throw InputError(
            "--spec-accept: expected acceptance rates in [0, 1] (one, or one per draft position), "
            "found '" +
            item + "'");
      o.spec_accept.push_back(a);
    }
    if (o.spec_accept.empty()) throw InputError("--spec-accept: expected acceptance rates in [0, 1], found none");
  }
  if (vm.count("prefix-cached")) o.prefix_cached = vm["prefix-cached"].as<double>();
  if (vm.count("prefix-caching")) o.prefix_caching = vm["prefix-caching"].as<std::string>();
  if (vm.count("prefix-hit-rate")) o.prefix_share = vm["prefix-hit-rate"].as<double>();
  if (vm.count("prefix-tokens")) o.prefix_tokens = vm["prefix-tokens"].as<double>();
  if (vm.count("prefix-groups"))
    o.prefix_groups =
        static_cast<unsigned>(whole_number("prefix-groups", vm["prefix-groups"].as<std::string>(), 1, 1000000));
}

void check_choice(const char* flag, const std::string& value, std::initializer_list<const char*> allowed);

void check_spec(const Options& o) {
  const int drafters = (o.spec_draft.empty() ? 0 : 1) + (o.spec_eagle ? 1 : 0) + (o.mtp ? 1 : 0);
  if (drafters > 1) throw InputError("--spec-draft, --spec-eagle and --mtp are exclusive: give one drafter");
  if (drafters == 0 && (o.spec_k || !o.spec_accept.empty()))
    throw InputError(
        "--spec-k/--spec-accept describe speculative decoding: give --spec-draft MODEL, --spec-eagle "
        "or --mtp N");
  if (o.mtp && o.spec_k && *o.spec_k != *o.mtp)
    throw InputError("--mtp " + std::to_string(*o.mtp) + " drafts " + std::to_string(*o.mtp) +
                     " tokens per step; --spec-k " + std::to_string(*o.spec_k) + " disagrees");
  const unsigned k = o.mtp ? *o.mtp : o.spec_k.value_or(4);
  if (o.spec_accept.size() > k)
    throw InputError("--spec-accept lists " + std::to_string(o.spec_accept.size()) + " acceptance rates for " +
                     std::to_string(k) + " draft positions");
  if (drafters > 0 && o.spec_accept.empty())
    throw InputError("--spec-accept: speculative decoding needs the acceptance rate (e.g. 0.8, or 0.9,0.8,0.7)");
  const bool serving = o.command == "simulate" || o.command == "plan";
  if (drafters > 0 && !serving && (o.command != "predict" || !o.trace.empty()))
    throw InputError(
        "speculative decoding is predicted for one request (genz predict) and served by genz simulate "
        "and genz plan; not for a trace in genz " +
        o.command);
  if (o.prefix_cached && (o.command != "predict" || !o.trace.empty()))
    throw InputError(
        "--prefix-cached is for one request (genz predict); for serving give --prefix-hit-rate and "
        "--prefix-tokens, or a trace with prefix_id and cached_tokens columns");
  check_choice("prefix-caching", o.prefix_caching, {"on", "off"});
  const bool prefixes = o.prefix_share || o.prefix_tokens || o.prefix_groups || !o.prefix_caching.empty();
  if (prefixes && !serving)
    throw InputError(
        "--prefix-caching, --prefix-hit-rate, --prefix-tokens and --prefix-groups belong to genz simulate "
        "and genz plan (genz predict takes --prefix-cached)");
  if (o.prefix_cached && !(*o.prefix_cached >= 0 && *o.prefix_cached == std::floor(*o.prefix_cached)))
    throw InputError("--prefix-cached: expected a whole number of tokens >= 0, found " +
                     std::to_string(*o.prefix_cached));
}

void fill_plan(Options& o, const po::variables_map& vm) {
  o.gpus = count_flag(vm, "gpus", nullptr, 1000000);
  if (vm.count("prices")) o.prices = vm["prices"].as<std::string>();
  if (vm.count("max-cost")) o.max_cost = vm["max-cost"].as<double>();
  if (vm.count("slo-percentile")) {
    const std::string p = vm["slo-percentile"].as<std::string>();
    if (p != "50" && p != "90" && p != "99")
      throw InputError("--slo-percentile: expected 50, 90 or 99 (the percentiles the simulation reports), found '" + p +
                       "'");
    o.slo_percentile = std::stod(p);
  }
  if (vm.count("shard")) fill_shard(o, vm["shard"].as<std::string>());
  if (auto t = count_flag(vm, "top", nullptr, 100)) o.top = *t;
  if (vm.count("disagg")) o.disagg = vm["disagg"].as<std::string>();
}

void check_choice(const char* flag, const std::string& value, std::initializer_list<const char*> allowed) {
  if (value.empty()) return;
  std::string names;
  for (const char* a : allowed) {
    if (value == a) return;
    names += std::string(names.empty() ? "" : ", ") + a;
  }
  throw InputError(std::string("--") + flag + ": expected one of " + names + ", found '" + value + "'");
}

void check_simulate(const Options& o) {
  check_choice("lengths", o.lengths, {"fixed", "chat", "trace", "lognormal"});
  check_range("length-spread", o.length_spread, 0, 3, "");
  if (o.length_spread && o.lengths != "lognormal")
    throw InputError("--length-spread: goes with --lengths lognormal (found --lengths " +
                     (o.lengths.empty() ? std::string("not given") : o.lengths) + ")");
  check_range("rate", o.rate, 1e-6, 1e6, " requests/s");
  check_range("duration", o.duration, 1e-6, 1e7, " s");
  check_choice("router", o.router, {"round_robin", "least_loaded"});
  check_choice("chunked-prefill", o.chunked_prefill, {"on", "off"});
  check_choice("step-order", o.step_order, {"decode_first", "prefill_first"});
  check_range("max-tokens", o.max_tokens, 1, 1e7, " tokens");
  check_range("slo-ttft", o.slo_ttft_ms, 1e-3, 1e9, " ms");
  check_range("slo-tpot", o.slo_tpot_ms, 1e-3, 1e9, " ms");
  check_range("max-sim-time", o.max_sim_time, 1e-3, 1e10, " s");
  const bool any = o.rate || o.duration || o.concurrency || !o.lengths.empty() || o.length_spread || o.dp != 1 ||
                   o.max_seqs || o.max_tokens || !o.chunked_prefill.empty() || !o.step_order.empty() || o.block_size ||
                   o.slo_ttft_ms || o.slo_tpot_ms || o.max_sim_time;
  const bool disagg = o.prefill_workers || o.prefill_tp || o.prefill_pp || o.prefill_ep || !o.prefill_hw.empty() ||
                      !o.prefill_stage_hw.empty();
  if (disagg && o.command != "simulate")
    throw InputError(
        "--prefill-workers, --prefill-hw, --prefill-tp, --prefill-pp and --prefill-ep belong to genz simulate");
  if (disagg && !o.prefill_workers)
    throw InputError(
        "--prefill-hw/--prefill-tp/--prefill-pp/--prefill-ep describe the prefill workers: give "
        "--prefill-workers N");
  if (o.prefill_workers && o.concurrency)
    throw InputError(
        "--prefill-workers: disaggregated serving is simulated with open arrivals (--rate or a trace), "
        "not --concurrency");
  if (any && o.command != "simulate" && o.command != "plan")
    throw InputError("--rate, --concurrency, --dp, --slo-ttft and the other serving flags belong to genz simulate");
}

void check_plan(const Options& o) {
  check_choice("disagg", o.disagg, {"on", "off", "only"});
  check_range("max-cost", o.max_cost, 1e-6, 1e9, " $/hour");
  const bool any =
      o.gpus || !o.prices.empty() || o.max_cost || o.slo_percentile != 90 || o.shards || o.top != 3 || o.disagg != "on";
  if (any && o.command != "plan")
    throw InputError("--gpus, --prices, --max-cost, --slo-percentile, --shard, --top and --disagg belong to genz plan");
  if (o.command != "plan") return;
  if (o.dp != 1) throw InputError("plan: --dp is what plan chooses; give --gpus to bound it");
  if (o.shards && o.out_dir.empty()) throw InputError("--shard: give --out DIR for the part's evaluations");
}

void fill(Options& o, const po::variables_map& vm) {
  o.help = vm.count("help") > 0;
  o.version = vm.count("version") > 0;
  o.verbosity = vm.count("verbose") ? 1 : vm.count("quiet") ? -1 : 0;
  o.progress = vm.count("no-progress") == 0;
  if (vm.count("plugin-path")) o.plugin_paths = vm["plugin-path"].as<std::vector<std::string>>();
  auto str = [&](const char* k, std::string& dst) {
    if (vm.count(k)) dst = vm[k].as<std::string>();
  };
  str("model-plugin", o.model_plugin);
  str("model", o.model);
  str("model-config", o.model_config);
  str("hw", o.hw);
  str("hw-file", o.hw_file);
  str("system", o.system);
  if (vm.count("system_eff")) o.system_eff = vm["system_eff"].as<double>();
  if (auto c = pick<std::string>(vm, "comm", "comm_backend")) o.comm = *c;
  str("engine", o.engine);
  str("engine-file", o.engine_file);
  str("kernels", o.kernels);
  if (vm.count("gpu-mem-util")) o.gpu_mem_util = vm["gpu-mem-util"].as<double>();
  if (vm.count("ctx-size")) o.ctx_size = vm["ctx-size"].as<double>();
  str("host", o.host);
  if (vm.count("offload-layers"))
    o.offload_layers =
        static_cast<unsigned>(whole_number("offload-layers", vm["offload-layers"].as<std::string>(), 0, 65535));
  o.offload_experts = vm["offload-experts"].as<bool>();
  str("cluster", o.cluster);
  o.nodes = count_flag(vm, "nodes", nullptr, kMaxNodes);
  o.gpus_per_node = count_flag(vm, "gpus-per-node", nullptr, kMaxGpusPerNode);
  if (vm.count("inter-node-bw")) o.inter_node_gbps = vm["inter-node-bw"].as<double>();
  if (vm.count("inter-node-latency")) o.inter_node_latency_us = vm["inter-node-latency"].as<double>();
  o.tp = count_flag(vm, "tp", "tp_nodes", kMaxDegree);
  o.pp = count_flag(vm, "pp", "pp_nodes", kMaxDegree);
  o.ep = count_flag(vm, "ep", nullptr, kMaxDegree);
  if (vm.count("pp-layers")) {
    for (const auto& item : split_list(vm["pp-layers"].as<std::string>()))
      o.pp_layers.push_back(static_cast<unsigned>(whole_number("pp-layers", item, 0, 65535)));
    if (o.pp_layers.empty()) throw InputError("--pp-layers: expected layer counts such as 4,4,3, found none");
    if (!o.pp) o.pp = static_cast<unsigned>(o.pp_layers.size());  // the list says how many stages
  }
  if (vm.count("stage-hw")) {
    o.stage_hw = split_list(vm["stage-hw"].as<std::string>());
    if (o.stage_hw.empty()) throw InputError("--stage-hw: expected GPU kinds such as h100,rtx4090, found none");
    if (o.pp && *o.pp != o.stage_hw.size())
      throw InputError("--stage-hw lists " + std::to_string(o.stage_hw.size()) + " GPU kinds but --pp is " +
                       std::to_string(*o.pp) + ": give one kind per pipeline stage");
    if (!o.pp_layers.empty() && o.pp_layers.size() != o.stage_hw.size())
      throw InputError("--stage-hw lists " + std::to_string(o.stage_hw.size()) + " GPU kinds but --pp-layers " +
                       std::to_string(o.pp_layers.size()) + " stages");
    o.pp = static_cast<unsigned>(o.stage_hw.size());
  }
  if (auto d = pick<std::string>(vm, "dtype", "quantization")) o.dtype = *d;
  str("act-dtype", o.act_dtype);
  str("kv-dtype", o.kv_dtype);
  str("accumulate", o.accumulate);
  if (vm.count("input-tokens")) o.input_tokens = vm["input-tokens"].as<double>();
  if (vm.count("output-tokens")) o.output_tokens = vm["output-tokens"].as<double>();
  if (auto b = pick<double>(vm, "batch", "batch_size")) o.batch = *b;
  if (auto b = pick<double>(vm, "beam", "beam_size")) o.beam = *b;
  str("context-limit", o.context_policy);
  if (vm.count("trace")) o.traces = vm["trace"].as<std::vector<std::string>>();
  if (!o.traces.empty()) o.trace = o.traces.front();
  str("summary_dir", o.summary_dir);
  str("out", o.out_dir);
  o.calibration_out = o.out_dir;
  if (vm.count("report")) o.reports = split_list(vm["report"].as<std::string>());
  str("title", o.title);
  o.json = vm.count("json") > 0;
  o.breakdown = vm.count("breakdown") > 0;
  o.memory = vm.count("memory") > 0;
  str("measured", o.measured);
  if (vm.count("operators")) o.operators = vm["operators"].as<std::vector<std::string>>();
  if (vm.count("network")) o.network = vm["network"].as<std::vector<std::string>>();
  o.folds = static_cast<unsigned>(whole_number("folds", vm["folds"].as<std::string>(), 2, 100));
  str("data-dir", o.data_dir);
  o.strict = vm.count("strict") > 0;
  if (vm.count("requests")) o.requests = whole_number("requests", vm["requests"].as<std::string>(), 1, 100000000);
  o.seed = whole_number("seed", vm["seed"].as<std::string>(), 0, ~0ull);
  str("known", o.known_failures);
  fill_simulate(o, vm);
  fill_plan(o, vm);
  fill_spec(o, vm);
}

// Same bounds as the corresponding keys of a cluster or hardware file; NaN
// fails every comparison, so the test is written to reject it.
void check_range(const char* flag, const std::optional<double>& v, double lo, double hi, const char* unit) {
  if (!v || (*v >= lo && *v <= hi)) return;
  std::ostringstream msg;
  msg << "--" << flag << ": expected a number in [" << lo << ", " << hi << "]" << unit << ", found " << *v;
  throw InputError(msg.str());
}

void check(const Options& o) {
  if (o.context_policy != "warn" && o.context_policy != "error")
    throw InputError("--context-limit: expected warn or error, found '" + o.context_policy + "'");
  if (o.accumulate != "fp32" && o.accumulate != "fp16")
    throw InputError("--accumulate: expected fp32 or fp16, found '" + o.accumulate + "'");
  if (!o.hw.empty() && !o.hw_file.empty()) throw InputError("--hw and --hw-file are exclusive: give one");
  if (!o.hw.empty() && !o.system.empty()) throw InputError("--hw and --system are exclusive: give one");
  if (!o.model.empty() && !o.model_config.empty())
    throw InputError("--model and --model-config are exclusive: give one");
  if (o.traces.size() > 1 && o.command != "calibrate")
    throw InputError("--trace given " + std::to_string(o.traces.size()) + " times; only calibrate takes several");
  if (!o.trace.empty() && !o.summary_dir.empty()) throw InputError("--trace and --summary_dir are exclusive");
  for (std::size_t i = 0; i < o.reports.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (o.reports[i] == o.reports[j])
        throw InputError("--report: '" + o.reports[i] + "' given twice (each report is written once)");
  if (o.command == "sweep" && !o.traces.empty())
    throw InputError(
        "sweep: --trace is not read (a sweep predicts one request shape per configuration: give "
        "input-tokens=... and output-tokens=... axes, or predict the trace with genz --trace)");
  check_range("system_eff", o.system_eff, 0.01, 1.0, "");
  check_range("inter-node-bw", o.inter_node_gbps, 1e-3, 1e5, " Gb/s");
  check_range("inter-node-latency", o.inter_node_latency_us, 0.0, 1e5, " microseconds");
  check_range("gpu-mem-util", o.gpu_mem_util, 0.05, 1.0, "");
  check_range("ctx-size", o.ctx_size, 1.0, 1e8, " tokens");
  check_simulate(o);
  check_plan(o);
  check_spec(o);
}

}  // namespace

std::vector<std::string> option_names() {
  std::vector<std::string> names;
  const po::options_description all = describe_options();  // kept alive while iterated
  for (const auto& opt : all.options()) names.push_back(opt->long_name());
  return names;
}

std::vector<std::filesystem::path> input_paths(const Options& o) {
  std::vector<std::filesystem::path> files;
  for (const auto& t : o.traces) {
    const auto at = t.rfind('@');
    files.push_back(at != std::string::npos && t.find('=', at) != std::string::npos ? t.substr(0, at) : t);
  }
  for (const auto& f : o.operators) files.emplace_back(f);
  for (const auto& f : o.network) files.emplace_back(f);
  for (const std::string* f :
       {&o.hw_file, &o.model_config, &o.engine_file, &o.cluster, &o.measured, &o.known_failures, &o.prices})
    if (!f->empty()) files.push_back(*f);
  if (!o.summary_dir.empty()) files.push_back(o.summary_dir + "/chat.csv");
  return files;
}

Options parse_options(int argc, const char* const* argv) {
  Options o;
  std::vector<std::string> args(argv + 1, argv + argc);
  o.command_line = "genz";
  for (const auto& a : args) o.command_line += " " + a;
  o.argv = args;
  if (!args.empty())
    for (const char* c : kCommands)
      if (args.front() == c) {
        o.command = c;
        args.erase(args.begin());
        break;
      }
  const po::options_description desc = describe_options();
  std::ostringstream help;
  help << desc;
  o.help_text = help.str();
  po::options_description hidden;
  hidden.add_options()("positional", po::value<std::vector<std::string>>(), "");
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description pos;
  pos.add("positional", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw InputError(std::string(e.what()) + " (see genz --help)");
  }
  if (vm.count("positional")) o.args = vm["positional"].as<std::vector<std::string>>();
  // The command may also follow options: genz --plugin-path DIR plugins.
  if (o.command == "predict" && !o.args.empty())
    for (const char* c : kCommands)
      if (o.args.front() == c) {
        o.command = c;
        o.args.erase(o.args.begin());
        break;
      }
  fill(o, vm);
  if (!o.args.empty() && o.command != "plugins" && o.command != "sweep" && o.command != "plan")
    throw InputError("unexpected argument '" + o.args.front() +
                     "' (commands: predict, plugins, memory, calibrate, validate, make-trace, sweep, simulate, plan)");
  check(o);
  return o;
}

}  // namespace genz::cli
