#include "genz/engine/engine_profile.hpp"

#include <cstdlib>

#include "builtin_list.hpp"
#include "genz/host/error.hpp"

namespace genz_embedded {
extern const File engine_files[];
extern const std::size_t engine_files_count;
}  // namespace genz_embedded

namespace genz {
namespace {

struct EwName {
  const char* key;
  EwKind kind;
};
constexpr EwName kEwNames[] = {{"embedding", EwKind::embedding},
                               {"rmsnorm", EwKind::rmsnorm},
                               {"layernorm", EwKind::layernorm},
                               {"rope", EwKind::rope},
                               {"activation", EwKind::activation},
                               {"gated_activation", EwKind::gated_activation},
                               {"residual_add", EwKind::residual_add},
                               {"router_topk", EwKind::router_topk},
                               {"kv_append", EwKind::kv_append},
                               {"sampling", EwKind::sampling},
                               {"copy", EwKind::copy},
                               {"moe_permute", EwKind::moe_permute},
                               {"other", EwKind::other}};

void read_elementwise(const JsonView& table, EngineProfile& e) {
  for (auto it = table.raw().begin(); it != table.raw().end(); ++it) {
    const EwName* found = nullptr;
    for (const auto& n : kEwNames)
      if (it.key() == n.key) found = &n;
    if (found == nullptr) {
      std::string names;
      for (const auto& n : kEwNames) names += std::string(names.empty() ? "" : ", ") + n.key;
      table.fail(it.key(), "one of " + names, "\"" + it.key() + "\"");
    }
    const JsonView c = table.object(it.key().c_str());
    c.only_keys({"kernels", "traffic"});
    EwCost& cost = e.elementwise[static_cast<int>(found->kind)];
    cost.kernels = c.number_or("kernels", 1, 0, 1000);
    cost.traffic = c.number_or("traffic", -1, -1, 1000);
  }
}

void read_traits(const JsonView& t, EngineTraits& traits) {
  t.only_keys({"fused_qkv", "fused_gate_up", "all_prompt_logits", "mla_absorb"});
  traits.fused_qkv = t.boolean_or("fused_qkv", traits.fused_qkv);
  traits.fused_gate_up = t.boolean_or("fused_gate_up", traits.fused_gate_up);
  traits.all_prompt_logits = t.boolean_or("all_prompt_logits", traits.all_prompt_logits);
  traits.mla_absorb = t.boolean_or("mla_absorb", traits.mla_absorb);
}

void read_scheduler(const JsonView& t, SchedulerProfile& s) {
  t.only_keys({"static_batching", "max_seqs", "max_tokens", "chunked_prefill", "order", "block_size", "reserve_output",
               "kv_free_fraction", "prefix_caching"});
  s.static_batching = t.boolean_or("static_batching", s.static_batching);
  s.max_seqs = static_cast<unsigned>(t.number_or("max_seqs", s.max_seqs, 1, 65536));
  s.max_tokens = t.number_or("max_tokens", s.max_tokens, 1, 1e7);
  s.chunked_prefill = t.boolean_or("chunked_prefill", s.chunked_prefill);
  const std::string order = t.string_or("order", "decode_first");
  if (order == "decode_first")
    s.order = StepOrder::decode_first;
  else if (order == "prefill_first")
    s.order = StepOrder::prefill_first;
  else
    t.fail("order", "\"decode_first\" or \"prefill_first\"", "\"" + order + "\"");
  s.block_size = static_cast<unsigned>(t.number_or("block_size", s.block_size, 1, 65536));
  s.reserve_output = t.boolean_or("reserve_output", s.reserve_output);
  s.kv_free_fraction = t.number_or("kv_free_fraction", 0, 0, 1);
  s.prefix_caching = t.boolean_or("prefix_caching", s.prefix_caching);
}

// {"sm90": {"DeepGemmFp8BlockScaledMMKernel": 91.4, ...}, ...}: microseconds.
std::vector<EagerCall> read_eager_calls(const JsonView& v) {
  std::vector<EagerCall> out;
  for (auto arch = v.raw().begin(); arch != v.raw().end(); ++arch) {
    const JsonView sources = v.object(arch.key().c_str());
    for (auto s = sources.raw().begin(); s != sources.raw().end(); ++s)
      out.push_back({arch.key(), s.key(), sources.number(s.key().c_str(), 0, 1e6) * 1e-6});
  }
  return out;
}

EngineProfile parse(const nlohmann::json& doc, const std::string& source) {
  const JsonView v(doc, source);
  v.only_keys({"name",
               "description",
               "traits",
               "elementwise",
               "attention_split_kv",
               "kv_strategy",
               "cuda_graphs",
               "host_per_kernel_us",
               "host_per_graph_step_us",
               "host_per_request_ms",
               "extra_kernels_per_step",
               "keeps_prompt_logits",
               "beam_copies_prompt",
               "memory_fraction",
               "reserved_MiB",
               "kv_context_tokens",
               "offload_gpu_batch",
               "memory_fraction_by_tp",
               "version",
               "scheduler",
               "step_overhead_us",
               "step_overhead_per_seq_us",
               "batch_layer_us",
               "batch_layer_seqs",
               "server_latency_ms",
               "collectives",
               "attention",
               "gemm_kernels",
               "eager_call_us",
               "speculative"});
  EngineProfile e;
  e.name = v.string("name");
  e.description = v.string_or("description", "");
  e.version = v.string_or("version", "");
  if (v.has("traits")) read_traits(v.object("traits"), e.traits);
  if (v.has("elementwise")) read_elementwise(v.object("elementwise"), e);
  e.attention_split_kv = v.boolean_or("attention_split_kv", true);
  const std::string kv = v.string_or("kv_strategy", "preallocated");
  if (kv == "preallocated")
    e.kv_strategy = KvStrategy::preallocated;
  else if (kv == "concat")
    e.kv_strategy = KvStrategy::concat;
  else
    v.fail("kv_strategy", "\"preallocated\" or \"concat\"", "\"" + kv + "\"");
  e.cuda_graphs = v.boolean_or("cuda_graphs", false);
  e.host_per_kernel = v.number_or("host_per_kernel_us", 0, 0, 1e4) * 1e-6;
  e.host_per_graph_step = v.number_or("host_per_graph_step_us", 0, 0, 1e6) * 1e-6;
  e.host_per_request = v.number_or("host_per_request_ms", 0, 0, 1e5) * 1e-3;
  e.step_overhead = v.number_or("step_overhead_us", 0, 0, 1e6) * 1e-6;
  e.step_overhead_per_seq = v.number_or("step_overhead_per_seq_us", 0, 0, 1e5) * 1e-6;
  e.batch_layer = v.number_or("batch_layer_us", 0, 0, 1e4) * 1e-6;
  e.batch_layer_seqs = v.number_or("batch_layer_seqs", 2, 2, 1e5);
  e.server_latency = v.number_or("server_latency_ms", 0, 0, 1e5) * 1e-3;
  e.extra_kernels_per_step = v.number_or("extra_kernels_per_step", 0, 0, 1e5);
  e.keeps_prompt_logits = v.boolean_or("keeps_prompt_logits", false);
  e.beam_copies_prompt = v.boolean_or("beam_copies_prompt", true);
  e.memory_fraction = v.number_or("memory_fraction", 1.0, 0.05, 1.0);
  if (v.has("speculative")) {
    const JsonView t = v.object("speculative");
    t.only_keys({"draft", "eagle", "mtp"});
    e.speculative = {t.boolean_or("draft", false), t.boolean_or("eagle", false), t.boolean_or("mtp", false)};
  }
  if (v.has("memory_fraction_by_tp")) {
    const JsonView t = v.object("memory_fraction_by_tp");
    for (auto it = t.raw().begin(); it != t.raw().end(); ++it) {
      char* end = nullptr;
      const unsigned long tp = std::strtoul(it.key().c_str(), &end, 10);
      if (it.key().empty() || *end != '\0' || tp < 1 || tp > 1024)
        t.fail(it.key(), "a TP degree (1..1024) as the key", "\"" + it.key() + "\"");
      e.memory_fraction_by_tp.emplace_back(static_cast<unsigned>(tp), t.number(it.key().c_str(), 0.05, 1.0));
    }
  }
  e.reserved_bytes = v.number_or("reserved_MiB", 0, 0, 1e6) * 1048576.0;
  e.kv_context_tokens = v.number_or("kv_context_tokens", 0, 0, 1e8);
  e.offload_gpu_batch = v.number_or("offload_gpu_batch", 0, 0, 1e8);
  if (v.has("scheduler")) read_scheduler(v.object("scheduler"), e.scheduler);
  if (v.has("collectives")) e.collectives = read_collectives(v.object("collectives"));
  if (v.has("attention")) e.attention = read_attention(v.object("attention"));
  if (v.has("gemm_kernels")) e.gemms = read_gemm_profile(v.object("gemm_kernels"));
  if (v.has("eager_call_us")) e.eager_calls = read_eager_calls(v.object("eager_call_us"));
  return e;
}

}  // namespace

std::optional<OpCost> engine_op_cost(const EngineProfile& e, const Op& op, const HardwareSpec& hw) {
  if (e.measured)
    if (const auto t = e.measured->time(op)) {
      OpCost c;
      c.seconds = *t;
      c.bound = Bound::measured;
      return c;
    }
  if (op.kind == OpKind::attention) return engine_attention_cost(e.attention, op, hw);
  if (op.kind == OpKind::gemm) return engine_gemm_cost(e.gemms, op, hw);
  return std::nullopt;
}

std::optional<OpCost> engine_collective_cost(const EngineProfile& e, const CollectiveQuery& q) {
  OpCost c;
  const bool in_node = q.kind == CollectiveKind::all_reduce && q.ranks == q.ranks_per_node;
  if (const auto t = e.measured && in_node ? e.measured->all_reduce(q.ranks, q.bytes) : std::nullopt) {
    c.seconds = *t;
    c.bound = Bound::measured;
    return c;
  }
  if (const auto t = engine_collective_seconds(e.collectives, q)) {
    c.seconds = c.memory_seconds = *t;
    c.bound = Bound::communication;
    return c;
  }
  return std::nullopt;
}

EngineProfile engine_from_text(const std::string& text, const std::string& source) {
  return parse(parse_json(text, source), source);
}

const std::vector<EngineProfile>& builtin_engines() {
  static const std::vector<EngineProfile> engines = parse_builtins<EngineProfile>(
      genz_embedded::engine_files, genz_embedded::engine_files_count, "engine", engine_from_text);
  return engines;
}

const EngineProfile* find_engine(const std::string& name) {
  return find_named(builtin_engines(), name);
}

std::string engine_names() {
  return joined_names(builtin_engines());
}

}  // namespace genz
