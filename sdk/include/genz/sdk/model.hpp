// Model plugins describe a network as the operators one GPU runs in a phase,
// and how much memory a GPU's share of it takes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "genz/sdk/abi.h"
#include "genz/sdk/dtype.hpp"
#include "genz/sdk/op.hpp"
#include "genz/sdk/status.hpp"

namespace genz {
inline namespace v1 {

enum class Phase : std::uint8_t { prefill, decode };

struct Parallelism {
  unsigned tp = 1;  // tensor parallel: heads and MLP columns split
  unsigned pp = 1;  // pipeline parallel: layers split into stages
  unsigned ep = 1;  // expert parallel: routed experts split

  // The layout rules, written once for the host and every plugin.
  /// Experts spread over the tensor-parallel GPUs rather than extra GPUs
  /// (the original tool's ep_share_tp_group) when EP <= TP.
  bool ep_shares_tp() const noexcept { return ep <= tp; }
  /// GPUs of one pipeline stage: the TP group, or the EP group when larger.
  unsigned stage_size() const noexcept { return ep > tp ? ep : tp; }
  /// GPUs of the whole layout.
  unsigned world() const noexcept { return pp * stage_size(); }
};

struct Precision {
  DType weights = DType::bf16;
  DType activations = DType::bf16;
  DType kv_cache = DType::bf16;
};

/// What the serving engine fuses or computes; set from the engine profile.
struct EngineTraits {
  bool fused_qkv = true;           // one GEMM for q, k, v
  bool fused_gate_up = true;       // one GEMM for gate and up
  bool all_prompt_logits = false;  // LM head over every prompt token (HF eager)
  bool mla_absorb = true;          // MLA decode with absorbed up-projections
};

struct BuildRequest {
  Phase phase = Phase::prefill;
  double batch = 1;    // sequences in this step (decode: batch * beam)
  double tokens = 1;   // new tokens per sequence
  double context = 0;  // tokens already cached per sequence
  Parallelism parallel;
  Precision precision;
  EngineTraits traits;
};

/// Operators one GPU of one tensor/expert-parallel rank runs in a phase,
/// for the whole depth of the model; the host assigns layers to stages.
struct Graph {
  std::vector<Op> ops;
  unsigned num_layers = 0;
  double pipeline_bytes = 0;  // activations one stage hands the next, per step
};

struct ModelInfo {
  std::string name;          // e.g. "llama2_7b"
  std::string architecture;  // e.g. "LlamaForCausalLM"
  unsigned layers = 0, hidden = 0, heads = 0, kv_heads = 0, head_dim = 0;
  unsigned intermediate = 0, vocab = 0, max_context = 0;
  unsigned experts = 0, experts_active = 0, shared_experts = 0;
  double params_total = 0;           // parameters
  double params_active = 0;          // parameters touched per token
  double kv_elements_per_token = 0;  // over all layers, unsharded
  DType native_dtype = DType::bf16;  // format of the published checkpoint
};

/// One GPU's share: which layers, which ranks.
struct ShardRequest {
  Parallelism parallel;
  Precision precision;
  EngineTraits traits;
  unsigned layer_begin = 0, layer_end = 0;
  bool first_stage = true, last_stage = true;
};

struct ShardFootprint {
  double dense_weight_bytes = 0;          // attention, dense MLPs, norms, router, shared experts
  double expert_weight_bytes = 0;         // routed experts held by this GPU
  double embedding_bytes = 0;             // embedding and LM head held by this GPU
  double kv_bytes_per_token = 0;          // per cached token of one sequence
  double activation_bytes_per_token = 0;  // peak transient per in-flight token
  double logits_bytes_per_token = 0;      // vocab share of this GPU, activation format
};

class Model {
 public:
  static constexpr uint32_t kInterfaceKind = GENZ_KIND_MODEL;  // checked by the host at registration
  virtual ~Model() = default;
  virtual const ModelInfo& info() const noexcept = 0;
  /// Whether the model can be split this way (e.g. tp divides the heads).
  virtual Status check(const Parallelism& p) const noexcept = 0;
  /// Replaces out.ops with the operators of one step.
  virtual Status build(const BuildRequest& request, Graph& out) const noexcept = 0;
  virtual Status footprint(const ShardRequest& request, ShardFootprint& out) const noexcept = 0;
};

}  // namespace v1
}  // namespace genz
