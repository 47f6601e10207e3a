// How a serving engine runs a model: what it fuses, how many kernels an
// operator costs, what the CPU does per kernel and per step, how attention is
// parallelised and what stays in memory. Profiles are data (data/engines/).
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "genz/engine/attention_model.hpp"
#include "genz/engine/collective_model.hpp"
#include "genz/engine/gemm_model.hpp"
#include "genz/engine/measured_kernels.hpp"
#include "genz/sdk/model.hpp"
#include "genz/sdk/op.hpp"

namespace genz {

inline constexpr int kEwKindCount = static_cast<int>(EwKind::other) + 1;

/// Cost of one element-wise operator under an engine: kernel launches, and
/// DRAM traffic in activation-sized elements moved per element of the tensor
/// (negative: the fused default of op_resources.hpp).
struct EwCost {
  double kernels = 1;
  double traffic = -1;
};

enum class KvStrategy { preallocated, concat };

enum class StepOrder { decode_first, prefill_first };

/// How the engine's scheduler forms serving steps (`genz simulate`).
struct SchedulerProfile {
  bool static_batching = false;  // a batch runs to its end before the next starts (HF generate)
  unsigned max_seqs = 256;       // sequences in one step
  double max_tokens = 8192;      // tokens in one step (prefill chunks + decodes)
  bool chunked_prefill = true;   // long prompts split into chunks that share steps with decodes
  StepOrder order = StepOrder::decode_first;
  unsigned block_size = 16;     // tokens per KV-cache block
  bool reserve_output = false;  // admission reserves blocks for the whole output: never preempts
  double kv_free_fraction = 0;  // > 0: KV cache = this share of the memory left after weights and activations
  // Full KV blocks of a prompt stay cached after its request leaves and a
  // later prompt that starts with the same tokens reuses them.
  bool prefix_caching = false;
};

// The speculative decoding methods an engine runs (a profile without the
// key allows every one: a user's engine is not second-guessed).
struct SpeculativeSupport {
  bool draft = true;  // a separate draft model
  bool eagle = true;  // EAGLE-style heads
  bool mtp = true;    // DeepSeek's multi-token prediction modules
};

// A kernel the engine's own tables timed as eager calls: it would not capture
// in the benchmark's CUDA graph, so each call's time is the longer of the
// host's work for it (Python dispatch, scale layouts) and the kernel's. The
// kernel table's check models that; serving captures these kernels in the
// engine's graphs, so predictions do not use it.
struct EagerCall {
  std::string architecture;  // kernel-library target of the GPU the table was measured on
  std::string source;        // the table's kernel_source
  double host_seconds = 0;
};

struct EngineProfile {
  std::string name;
  std::string description;
  std::string version;  // of the engine whose behaviour the profile describes
  EngineTraits traits;
  std::array<EwCost, kEwKindCount> elementwise{};
  bool attention_split_kv = true;  // flash-decoding: decode attention fills the GPU
  KvStrategy kv_strategy = KvStrategy::preallocated;
  bool cuda_graphs = false;        // decode steps replay a captured graph
  double host_per_kernel = 0;      // s of CPU per launch when not in a graph
  double host_per_graph_step = 0;  // s of CPU per decode step with graphs
  double host_per_request = 0;     // s of CPU before prefill starts
  // CPU work between steps that the GPU waits for (a runtime that does not
  // overlap its scheduling with the GPU): per step, and per sequence in it.
  double step_overhead = 0, step_overhead_per_seq = 0;
  // Decode steps of several sequences cost this much more per layer than the
  // kernels explain, rising linearly from none at one sequence to all of it
  // at batch_layer_seqs sequences (TensorRT-LLM 0.14, see trtllm.jsonc).
  double batch_layer = 0, batch_layer_seqs = 2;
  // The serving front end between the client and the engine (HTTP/gRPC,
  // tokenizer, detokenizer): adds to TTFT, holds no GPU.
  double server_latency = 0;
  double extra_kernels_per_step = 0;  // masks, position tensors, bookkeeping
  bool keeps_prompt_logits = false;   // prompt logits alive after prefill
  bool beam_copies_prompt = true;     // beams hold their own prompt KV
  double memory_fraction = 1.0;       // of GPU memory the engine may use
  // Engines whose default depends on the TP degree (SGLang): (smallest TP, fraction).
  std::vector<std::pair<unsigned, double>> memory_fraction_by_tp;
  double memory_fraction_for(unsigned tp) const noexcept {
    double f = memory_fraction;
    unsigned best = 0;
    for (const auto& [from, fraction] : memory_fraction_by_tp)
      if (tp >= from && from > best) best = from, f = fraction;
    return f;
  }
  double reserved_bytes = 0;     // CUDA context and workspace
  double kv_context_tokens = 0;  // > 0: KV cache allocated at load for this many tokens per sequence (llama.cpp -c)
  // Prefill batches of at least this many tokens run CPU-resident weights on
  // the GPU, streamed over PCIe (llama.cpp); 0: the CPU computes them.
  double offload_gpu_batch = 0;
  SchedulerProfile scheduler;
  SpeculativeSupport speculative;
  // What the engine runs for collectives (empty: the comm plugin's model).
  CollectiveProfile collectives;
  // Its attention kernels (unset: the hardware plugin's roofline).
  AttentionProfile attention;
  // Its own GEMM kernels by kernel-library target and format (empty: the
  // hardware description's, which are TensorRT-LLM's).
  GemmProfile gemms;
  // Kernels its tables timed as eager calls (data/calibration/fit_gemm.py).
  std::vector<EagerCall> eager_calls;
  std::optional<double> eager_call_seconds(const std::string& architecture, const std::string& source) const {
    for (const EagerCall& c : eager_calls)
      if (c.architecture == architecture && c.source == source) return c.host_seconds;
    return std::nullopt;
  }
  // Kernels the user measured under this engine (--kernels DIR): they take
  // over from every model where they cover a shape.
  std::shared_ptr<const MeasuredKernels> measured;
};

/// The engine's own time for an operator: from the user's measured tables
/// where they cover it (bound "table"), else from the attention and GEMM
/// kernels its profile describes; nullopt: the hardware plugin times it.
std::optional<OpCost> engine_op_cost(const EngineProfile& e, const Op& op, const HardwareSpec& hw);

/// The engine's own time for a collective: from the user's measured
/// all-reduce tables where they cover it (bound "table"), else from the
/// algorithms its profile describes; nullopt: the comm plugin times it.
std::optional<OpCost> engine_collective_cost(const EngineProfile& e, const CollectiveQuery& q);

/// Built-in profiles: hf, vllm, trtllm, ideal.
const std::vector<EngineProfile>& builtin_engines();
const EngineProfile* find_engine(const std::string& name);
/// Reads a profile file (JSON with comments); errors name the file and key.
EngineProfile engine_from_text(const std::string& text, const std::string& source);
std::string engine_names();

}  // namespace genz
