// Everything the command line can say, after aliases are resolved.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace genz::cli {

struct Options {
  std::string command =
      "predict";  // predict | plugins | memory | calibrate | validate | make-trace | sweep | simulate | plan
  std::vector<std::string> args;  // positional arguments after the command

  std::vector<std::string> plugin_paths;
  std::string model_plugin, model, model_config;
  std::string hw, hw_file, system;  // --system: the original tool's names (RTX3090_GPU, ...)
  std::optional<double> system_eff;
  std::string comm;
  std::string engine, engine_file;
  std::string kernels;  // --kernels DIR: measured kernel tables
  std::string cluster;
  std::optional<unsigned> nodes, gpus_per_node;
  std::optional<double> inter_node_gbps, inter_node_latency_us;
  std::optional<unsigned> tp, pp, ep;
  std::vector<unsigned> pp_layers;    // --pp-layers: layers per pipeline stage, by hand
  std::vector<std::string> stage_hw;  // --stage-hw: the GPU kind of each pipeline stage
  std::string dtype, act_dtype, kv_dtype, accumulate = "fp32";
  std::optional<double> gpu_mem_util;      // --gpu-mem-util: the engine's memory fraction
  std::optional<double> ctx_size;          // --ctx-size: KV cache allocated per sequence at load (llama.cpp -c)
  std::string host;                        // --host: CPU-side preset or JSON file, for offload
  std::optional<unsigned> offload_layers;  // --offload-layers: layers kept in CPU memory
  bool offload_experts = false;            // --offload-experts: routed experts in CPU memory

  double input_tokens = 1024, output_tokens = 200, batch = 1, beam = 1;
  std::optional<double> prefix_cached;    // --prefix-cached: prompt tokens already in the KV cache
  std::string prefix_caching;             // --prefix-caching on|off (default: the engine's)
  std::optional<double> prefix_share;     // --prefix-hit-rate
  std::optional<double> prefix_tokens;    // --prefix-tokens
  std::optional<unsigned> prefix_groups;  // --prefix-groups
  // speculative decoding (genz predict)
  std::string spec_draft;           // --spec-draft MODEL
  bool spec_eagle = false;          // --spec-eagle
  std::optional<unsigned> mtp;      // --mtp N: DeepSeek's MTP modules
  std::optional<unsigned> spec_k;   // --spec-k
  std::vector<double> spec_accept;  // --spec-accept a or a1,a2,...
  unsigned model_layers = 0;        // internal: build the model with this many layers (a drafting head)
  std::string trace, summary_dir, out_dir;
  std::vector<std::string> reports;
  std::string title;
  bool json = false, breakdown = false, memory = false;
  std::string context_policy = "warn";  // lengths beyond the model's context: warn | error

  // memory
  std::string measured;
  // calibrate
  std::vector<std::string> traces;     // --trace, repeatable for calibrate
  std::vector<std::string> operators;  // Vidur-style operator tables
  std::vector<std::string> network;    // NCCL collective tables
  std::string calibration_out;         // --out FILE for calibrate
  unsigned folds = 5;
  // make-trace
  unsigned long long requests = 0, seed = 1;
  // simulate
  std::optional<double> length_spread;   // --lengths lognormal: sigma of log(length)
  std::optional<double> rate, duration;  // Poisson arrivals per second; seconds of arrivals
  std::optional<unsigned> concurrency;   // closed-loop clients
  std::string lengths;                   // fixed | chat | trace
  unsigned dp = 1;                       // replicas behind the router
  std::string router = "round_robin";    // round_robin | least_loaded
  std::optional<unsigned> max_seqs, block_size;
  std::optional<double> max_tokens;
  std::string chunked_prefill, step_order;  // on|off; decode_first|prefill_first
  std::optional<double> slo_ttft_ms, slo_tpot_ms, max_sim_time;
  // disaggregated serving: prefill workers (the --dp replicas decode)
  std::optional<unsigned> prefill_workers, prefill_tp, prefill_pp, prefill_ep;
  std::string prefill_hw;
  std::vector<std::string> prefill_stage_hw;
  // plan
  std::optional<unsigned> gpus;          // --gpus: at most this many GPUs
  std::string prices;                    // --prices FILE: $/GPU-hour per hardware
  std::optional<double> max_cost;        // --max-cost: $/hour ceiling
  double slo_percentile = 90;            // --slo-percentile: 50, 90 or 99
  unsigned shard_index = 0, shards = 0;  // --shard K/N (1-based K); 0: whole search
  unsigned top = 3;                      // --top: candidates re-checked by simulation
  std::string disagg = "on";             // --disagg: on | off | only
  // validate
  std::string data_dir;  // ../shared/data by default
  bool strict = false;
  std::string known_failures;

  int verbosity = 0;  // -1 quiet, 0 info, 1 debug
  bool progress = true;
  bool help = false, version = false;
  std::string help_text;
  std::string command_line;       // as typed, for provenance in calibration files
  std::vector<std::string> argv;  // the arguments as given (plan shards record them)
};

/// "a,b,,c" -> {"a", "b", "c"}: a flag's comma-separated values.
std::vector<std::string> split_list(const std::string& s);

/// Parses argv; throws InputError naming the flag at fault.
Options parse_options(int argc, const char* const* argv);

/// The long name of every option, for callers that build arguments (the
/// Python module maps its keyword arguments onto them).
std::vector<std::string> option_names();

/// Every file the options name as something to read (traces without their
/// @layout, tables, descriptions, measurements): an output may never be one.
std::vector<std::filesystem::path> input_paths(const Options& o);

}  // namespace genz::cli
