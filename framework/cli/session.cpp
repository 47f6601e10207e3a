#include "session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "genz/engine/layout_search.hpp"
#include "genz/engine/stage_split.hpp"
#include "genz/host/error.hpp"
#include "genz/host/hardware_check.hpp"
#include "genz/host/search_path.hpp"
#include "genz/io/kernel_tables.hpp"
#include "genz/io/text_file.hpp"
#include "genz/sdk/hardware_json.hpp"

namespace genz::cli {
namespace {

struct SystemName {
  const char* seed;
  const char* genz;
};
constexpr SystemName kSystems[] = {
    {"RTX3090_GPU", "rtx3090"},     {"RTX4090_GPU", "rtx4090"}, {"A100_40GB_GPU", "a100_40gb"},
    {"A100_80GB_GPU", "a100_80gb"}, {"H100_GPU", "h100"},       {"H200_GPU", "h200"},
    {"GH200_GPU", "gh200"},         {"B100", "b100"},           {"GB200", "gb200"},
    {"MI300X", "mi300x"},           {"MI325X", "mi325x"},       {"TPUv4", "tpuv4"},
    {"TPUv5e", "tpuv5e"},           {"TPUv5p", "tpuv5p"},       {"TPUv6", "tpuv6"},
    {"Gaudi3", "gaudi3"},           {"A6000", "a6000"},         {"RTXA6000_GPU", "a6000"}};

// The run's hardware options as the factory configuration every hardware
// entry receives (see HardwareOptions in the SDK).
std::string hardware_config(Session& s, const Options& o) {
  nlohmann::json config = nlohmann::json::object();
  if (o.system_eff) {
    // The original tool's single efficiency knob.
    config["system_eff"] = *o.system_eff;
    const std::string note =
        "--system_eff " + std::to_string(*o.system_eff) + " replaces the calibrated compute and bandwidth fractions";
    if (std::find(s.notes.begin(), s.notes.end(), note) == s.notes.end()) s.notes.push_back(note);
  }
  if (o.accumulate == "fp16") config["accumulate"] = "fp16";
  return config.dump();
}

Handle<Hardware> open_hardware(Session& s, const Options& o) {
  const std::string config = hardware_config(s, o);
  if (!o.hw_file.empty()) {
    const std::string text = read_text_file(o.hw_file, "--hw-file");
    const std::string stem = std::filesystem::path(o.hw_file).stem().string();
    HardwareSpec spec = hardware_from_text(text, o.hw_file, stem);
    return Handle<Hardware>::local(std::make_unique<RooflineHardware>(std::move(spec), hardware_options(config)), stem);
  }
  std::string name = o.hw;
  if (!o.system.empty()) name = hardware_for_system(o.system);
  if (name.empty()) name = s.cluster.hardware.empty() ? "rtx3090" : s.cluster.hardware;
  auto hw = s.registry->create<Hardware>(PluginKind::hardware, name, config);
  if (const std::string why = hardware_spec_problem(hw->spec()); !why.empty())
    throw Error("hardware '" + hw.name() + "' (plugin " + hw.plugin() + ") describes an invalid part: " + why);
  return hw;
}

// --model-plugin takes an entry name; the name of a model library is
// accepted too when the library provides one entry, else its entries are
// listed.
std::string model_entry(const PluginRegistry& registry, const std::string& name) {
  if (registry.find(PluginKind::model, name)) return name;
  for (const auto& l : registry.libraries()) {
    if (l.kind != PluginKind::model || l.name != name) continue;
    if (l.entries.size() == 1) return l.entries.front();
    std::string list;
    for (const auto& e : l.entries) list += (list.empty() ? "" : ", ") + e;
    throw InputError("--model-plugin " + name + ": the library '" + name + "' provides several models (" + list +
                     "); name one of them");
  }
  return name;  // unknown: create() lists what exists
}

// The architecture a config.json names: architectures[0], else model_type.
std::vector<std::string> architectures_of(const nlohmann::json& hf, const std::string& source) {
  const JsonView v(hf, source);
  std::vector<std::string> names;
  if (v.has("architectures")) {
    const auto& a = hf["architectures"];
    if (!a.is_array() || a.empty() || !a[0].is_string())
      v.fail("architectures", "a list with one architecture name", type_name(a));
    names.push_back(a[0].get<std::string>());
  }
  if (v.has("model_type")) names.push_back(v.string("model_type"));
  if (names.empty())
    v.fail("architectures", "the model's architecture (e.g. [\"LlamaForCausalLM\"])", "nothing (the key is missing)");
  return names;
}

// The model entry that declared it reads the config's architecture (its
// accepts list) creates the model; its own message explains a bad file.
Handle<Model> model_for_config(const PluginRegistry& registry, const nlohmann::json& cfg, const std::string& source) {
  const std::vector<std::string> names = architectures_of(cfg["hf_config"], source);
  for (const auto& arch : names)
    for (const Entry* e : registry.readers_of(arch)) {
      std::string why;
      if (auto m = registry.try_create<Model>(PluginKind::model, e->name, cfg.dump(), why)) return m;
      throw InputError(why.rfind(source, 0) == 0 ? why : source + ": " + why);
    }
  std::string readers;
  for (const Entry* e : registry.entries(PluginKind::model)) {
    if (e->accepts.empty()) continue;
    std::string list;
    for (const auto& a : e->accepts) list += (list.empty() ? "" : ", ") + a;
    readers += (readers.empty() ? "" : "; ") + e->name + ": " + list;
  }
  throw InputError(source + ": no model plugin reads the architecture '" + names.front() + "' (" +
                   (readers.empty() ? "no model plugin reads config.json files" : "readers: " + readers) + ")");
}

}  // namespace

Handle<Model> open_model(const PluginRegistry& registry, const Options& o) {
  const std::string plugin = o.model_plugin.empty() ? "" : model_entry(registry, o.model_plugin);
  nlohmann::json cfg = nlohmann::json::object();
  if (o.model_layers) cfg["layers"] = o.model_layers;  // a drafting head of the model's shape
  if (!o.model_config.empty()) {
    const std::string text = read_text_file(o.model_config, "--model-config");
    cfg["hf_config"] = parse_json(text, o.model_config);
    cfg["source"] = o.model_config;
    if (!plugin.empty()) return registry.create<Model>(PluginKind::model, plugin, cfg.dump());
    return model_for_config(registry, cfg, o.model_config);
  }
  if (!plugin.empty()) {
    if (!o.model.empty()) cfg["variant"] = o.model;
    return registry.create<Model>(PluginKind::model, plugin, cfg.dump());
  }
  return registry.create<Model>(PluginKind::model, o.model.empty() ? "llama2_7b" : o.model, cfg.dump());
}

namespace {

EngineProfile engine_by_name(const Options& o) {
  if (!o.engine_file.empty()) return engine_from_text(read_text_file(o.engine_file, "--engine-file"), o.engine_file);
  const std::string name = o.engine.empty() ? "vllm" : o.engine;
  if (const EngineProfile* e = find_engine(name)) return *e;
  throw InputError("--engine: unknown engine '" + name + "'; built-in engines: " + engine_names() +
                   " (or --engine-file)");
}

}  // namespace

EngineProfile open_engine(const Options& o) {
  EngineProfile e = engine_by_name(o);
  if (o.gpu_mem_util) {
    e.memory_fraction = *o.gpu_mem_util;
    e.memory_fraction_by_tp.clear();
    // TensorRT-LLM's knob is kv_cache_free_gpu_mem_fraction.
    if (e.scheduler.kv_free_fraction > 0) e.scheduler.kv_free_fraction = *o.gpu_mem_util;
  }
  if (o.ctx_size) e.kv_context_tokens = *o.ctx_size;
  if (!o.kernels.empty()) {
    e.measured = read_measured_kernels(o.kernels);
    spdlog::info("--kernels {}: {} measured kernel timings; they replace the model where they cover a shape", o.kernels,
                 e.measured->points());
  }
  return e;
}

namespace {

DType dtype_flag(const std::string& value, const char* flag) {
  if (auto t = parse_dtype(value)) return *t;
  throw InputError(std::string(flag) + ": expected one of fp32, bf16, fp16, fp8, int8, int4 or a GGUF type (" +
                   gguf_ftype_names() + "), found '" + value + "'");
}

}  // namespace

Precision choose_precision(const ModelInfo& model, const HardwareSpec& hw, const Options& o,
                           std::vector<std::string>& notes) {
  Precision p;
  const GgufFtype* gguf = find_gguf_ftype(o.dtype);
  p.weights = o.dtype.empty() ? model.native_dtype : gguf ? gguf->base : dtype_flag(o.dtype, "--dtype");
  if (!o.act_dtype.empty()) {
    p.activations = dtype_flag(o.act_dtype, "--act-dtype");
  } else if (p.weights == DType::fp8 && hw.peak_for(DType::fp8) > 0) {
    p.activations = DType::fp8;
  } else if (p.weights == DType::fp16 || p.weights == DType::fp32 || is_block_format(p.weights)) {
    // GGUF runs its matrix products in fp16 (cuBLAS 16F, ggml-cuda)
    p.activations = is_block_format(p.weights) ? DType::fp16 : p.weights;
  } else {
    p.activations = DType::bf16;
  }
  if (p.weights == DType::fp8 && p.activations != DType::fp8)
    notes.push_back(hw.name + " has no fp8 tensor cores: fp8 weights are dequantized and multiplied in bf16");
  if (is_integer(p.weights) && !is_integer(p.activations))
    notes.push_back((gguf ? std::string(gguf->name) : std::string(name_of(p.weights))) +
                    " weights are weight-only: they read fewer bytes but compute in " +
                    std::string(name_of(p.activations)));
  p.kv_cache = o.kv_dtype.empty() ? (p.activations == DType::fp8 ? DType::bf16 : p.activations)
                                  : dtype_flag(o.kv_dtype, "--kv-dtype");
  return p;
}

namespace {

// --stage-hw: each pipeline stage's GPUs of one kind, as a cluster file's
// "gpus" list would place them (--hw, when given, must be the first).
void place_stage_hw(ClusterSpec& c, const Options& o) {
  if (!c.gpus.empty())
    throw InputError("--stage-hw and the --cluster file's \"gpus\" list both place GPU kinds: give one");
  if (!o.hw.empty() && o.hw != o.stage_hw.front())
    throw InputError("--hw " + o.hw + " and --stage-hw " + o.stage_hw.front() +
                     ",...: the first stage's kind is the run's hardware; give --stage-hw alone");
  Parallelism p;
  p.tp = o.tp.value_or(1);
  p.ep = o.ep.value_or(1);
  for (const std::string& kind : o.stage_hw) c.gpus.insert(c.gpus.end(), p.stage_size(), kind);
  c.hardware = o.stage_hw.front();
}

ClusterSpec open_cluster(const Options& o) {
  ClusterSpec c;
  if (!o.cluster.empty()) {
    if (const ClusterSpec* preset = find_cluster(o.cluster))
      c = *preset;
    else if (std::filesystem::exists(o.cluster))
      c = cluster_from_text(read_text_file(o.cluster, "--cluster"), o.cluster);
    else
      throw InputError("--cluster: '" + o.cluster + "' is neither a preset (" + cluster_names() + ") nor a file");
  } else if (!o.system.empty()) {
    if (const ClusterSpec* preset = find_cluster(o.system)) c = *preset;
  }
  if (o.nodes) c.nodes = *o.nodes;
  if (o.gpus_per_node) c.gpus_per_node = *o.gpus_per_node;
  if (o.inter_node_gbps) {
    c.inter.kind = "infiniband";
    c.inter.bandwidth = *o.inter_node_gbps / 8.0 * 1e9;
    if (c.inter.latency <= 0) c.inter.latency = 15e-6;
    c.inter.efficiency = 0.85;
  }
  if (o.inter_node_latency_us) c.inter.latency = *o.inter_node_latency_us * 1e-6;
  if (!o.stage_hw.empty()) place_stage_hw(c, o);
  return c;
}

}  // namespace

std::optional<HostSpec> open_host(const Options& o, const ClusterSpec& cluster) {
  if (o.host.empty()) return cluster.host;
  if (const HostSpec* preset = find_host(o.host)) return *preset;
  if (std::filesystem::exists(o.host)) return host_from_text(read_text_file(o.host, "--host"), o.host);
  throw InputError("--host: '" + o.host + "' is neither a preset (" + host_names() + ") nor a file");
}

std::string default_comm(const LinkSpec& link) {
  return link.kind == "nvlink" || link.kind == "xgmi" || link.kind == "ici" ? "nv_like" : "pcie_like";
}

namespace {

// Without an inter-node description, multi-node layouts use the cluster
// preset of the same hardware, else 100 Gb/s InfiniBand, and say so.
LinkSpec assumed_inter(Session& s) {
  if (s.cluster.inter.bandwidth > 0) return s.cluster.inter;
  for (const auto& c : builtin_clusters())
    if (c.hardware == s.hardware->spec().name && c.inter.bandwidth > 0) {
      s.notes.push_back("no inter-node network given: assuming " + c.name +
                        "'s (--cluster or --inter-node-bw to choose)");
      return c.inter;
    }
  s.notes.push_back(
      "no inter-node network given: assuming 100 Gb/s InfiniBand per node (--cluster or --inter-node-bw)");
  LinkSpec l;
  l.kind = "infiniband";
  l.bandwidth = 100e9 / 8;
  l.latency = 15e-6;
  l.efficiency = 0.85;
  return l;
}

LinkSpec default_inter(Session& s) {
  LinkSpec l = assumed_inter(s);
  if (s.inter_latency) l.latency = *s.inter_latency;
  return l;
}

// A described link without a latency would make every collective's fixed
// cost zero: the measured latency of a link of the same class is used.
const LinkSpec& described_intra(const Session& s) {
  return s.cluster.intra ? *s.cluster.intra : s.hardware->spec().intra_node;
}

LinkSpec intra_link(const Session& s) {
  LinkSpec l = described_intra(s);
  if (l.bandwidth > 0 && !(l.latency > 0)) l.latency = assumed_link_latency(l.kind);
  return l;
}

const Hardware* kind_handle(Session& s, const std::string& kind, const std::string& config) {
  if (kind == s.hardware.name()) return s.hardware.get();
  for (const auto& h : s.other_hardware)
    if (h.name() == kind) return h.get();
  s.other_hardware.push_back(s.registry->create<Hardware>(PluginKind::hardware, kind, config));
  if (const std::string why = hardware_spec_problem(s.other_hardware.back()->spec()); !why.empty())
    throw Error("hardware '" + kind + "' describes an invalid part: " + why);
  return s.other_hardware.back().get();
}

// GPUs of several kinds in one box talk over what they all have: the
// slowest of their intra-node links (an RTX 4090 beside an H100: PCIe).
LinkSpec slowest_link(Session& s, const Options& o) {
  LinkSpec slowest = s.hardware->spec().intra_node;
  for (const std::string& kind : o.stage_hw) {
    const LinkSpec& l = kind_handle(s, kind, hardware_config(s, o))->spec().intra_node;
    if (l.bandwidth < slowest.bandwidth) slowest = l;
  }
  return slowest;
}

// --offload-layers / --offload-experts: what the CPU side holds and runs.
void apply_offload(Session& s, const Options& o) {
  if (!o.offload_layers && !o.offload_experts) return;
  const Parallelism& p = s.layout.parallel;
  if (p.tp > 1 || p.ep > 1)
    throw InputError(
        "--offload-layers/--offload-experts: offload runs with whole layers on each GPU (--tp 1 --ep 1, "
        "as llama.cpp's layer split and KTransformers do), found " +
        describe_parallel(p));
  if (!s.host)
    throw InputError("--offload-layers/--offload-experts: the CPU side is not described: give --host (" + host_names() +
                     " or a JSON file) or a --cluster file with a \"host\"");
  if (o.offload_experts && s.model->info().experts == 0)
    throw InputError("--offload-experts: " + s.model->info().name + " has no routed experts");
  if (o.offload_layers) set_host_layers(s.layout, *o.offload_layers, s.model->info().layers);
  s.layout.host_experts = o.offload_experts;
}

// A cluster file's "gpus" list: each pipeline stage gets the hardware of
// its GPUs, which must all be of one kind.
void place_gpu_kinds(Session& s, const std::string& config) {
  const std::vector<std::string>& gpus = s.cluster.gpus;
  if (gpus.empty()) return;
  const unsigned world = s.layout.world(), size = s.layout.stage_size();
  if (world != gpus.size())
    throw InputError("--cluster lists " + std::to_string(gpus.size()) + " GPUs but the layout " +
                     describe_parallel(s.layout.parallel) + " uses " + std::to_string(world));
  s.layout.stage_hardware.clear();
  for (unsigned stage = 0; stage < s.layout.parallel.pp; ++stage) {
    const std::string& kind = gpus[stage * size];
    for (unsigned r = stage * size; r < (stage + 1) * size; ++r)
      if (gpus[r] != kind)
        throw InputError("--cluster: pipeline stage " + std::to_string(stage) + " mixes " + kind + " and " + gpus[r] +
                         "; the GPUs of one stage must be alike");
    s.layout.stage_hardware.push_back(kind_handle(s, kind, config));
  }
}

// The kind of GPU whose memory overflows first.
std::string busiest_gpu(const Session& s) {
  const unsigned stage = s.memory.stage;
  return stage < s.layout.stage_hardware.size() ? s.layout.stage_hardware[stage]->spec().name : s.hardware->spec().name;
}

const HostSpec* host_of(const Session& s) {
  return s.host ? &*s.host : nullptr;
}

// Before giving up on the GPUs asked for: the fewest layers (or the routed
// experts) that would have to live in CPU memory, on the described host or,
// without one, on a host with memory enough (said so).
std::string offload_advice(const Session& s, const Request& largest) {
  if (s.layout.offloads() || s.layout.parallel.tp > 1 || s.layout.parallel.ep > 1) return {};
  HostSpec roomy = s.host ? *s.host : *find_host("xeon_6454s_2s");
  const std::string where = s.host ? "on " + s.host->name : "given a --host with the memory";
  auto fits = [&](Layout l) {
    return estimate_memory(*s.model, l, s.precision, s.engine, s.hardware->spec(), largest, &roomy).fits();
  };
  const unsigned layers = s.model->info().layers, pp = s.layout.parallel.pp;
  if (s.model->info().experts > 0) {
    Layout l = s.layout;
    l.host_experts = true;
    if (fits(l)) return ". Or keep the routed experts in CPU memory (--offload-experts, " + where + ")";
  }
  for (unsigned n = 1; n + pp <= layers; ++n) {
    Layout l = s.layout;
    set_host_layers(l, n, layers);
    if (auto split = balanced_stage_split(*s.model, l, s.precision, s.engine, s.hardware->spec(), largest))
      set_stage_layers(l, *split, layers, "the balanced split");
    if (fits(l))
      return ". Or keep " + std::to_string(n) + " layers in CPU memory (--offload-layers " + std::to_string(n) + ", " +
             where + ")";
  }
  return {};
}

void choose_layout(Session& s, const Options& o, const Request& largest) {
  const LinkSpec intra = intra_link(s);
  const bool given = o.tp || o.pp || o.ep || o.offload_layers || o.offload_experts || !s.cluster.gpus.empty();
  const std::size_t notes_before = s.notes.size();
  SearchSpace space{intra, default_inter(s), s.cluster.gpus_per_node ? s.cluster.gpus_per_node : 8u,
                    s.cluster.nodes > 1 ? s.cluster.nodes : 0u, 4096};
  s.notes.resize(notes_before);  // said below, only if the layout spans nodes
  if (!given) {
    auto choice = smallest_fitting_layout(*s.model, s.hardware->spec(), s.engine, s.precision, largest, space);
    if (!choice) {
      Parallelism one;
      Layout l = make_layout(one, 1, 1, intra, space.inter, s.model->info().layers);
      const MemoryEstimate m = estimate_memory(*s.model, l, s.precision, s.engine, s.hardware->spec(), largest);
      throw InputError("no standard layout of up to " + std::to_string(space.max_gpus) + " " + s.hardware->spec().name +
                       " GPUs fits " + s.model->info().name + " (one GPU " +
                       describe_overflow(m, s.hardware->spec().name) + "); try a smaller --dtype or batch");
    }
    s.layout = choice->layout;
    s.memory = choice->memory;
    if (s.layout.nodes > 1) default_inter(s);  // records the assumption
    if (choice->parallel.tp * choice->parallel.pp > 1)
      s.notes.push_back("no layout given: using the smallest that fits, " + describe_parallel(choice->parallel) + " (" +
                        describe(s.layout) + ")");
    return;
  }
  Parallelism p;
  p.tp = o.tp.value_or(1);
  // A cluster that lists its GPUs runs them as pipeline stages by default.
  const unsigned listed = static_cast<unsigned>(s.cluster.gpus.size());
  p.pp = o.pp.value_or(listed && !o.tp && !o.ep ? listed : 1);
  p.ep = o.ep.value_or(1);
  if (Status st = s.model->check(p); !st) throw InputError(st.message);
  const unsigned world = p.world();
  const LinkSpec inter =
      world > (s.cluster.gpus_per_node ? s.cluster.gpus_per_node : 8u) ? default_inter(s) : s.cluster.inter;
  s.layout = make_layout(p, o.nodes || !o.cluster.empty() ? s.cluster.nodes : 0, s.cluster.gpus_per_node, intra, inter,
                         s.model->info().layers);
  place_gpu_kinds(s, hardware_config(s, o));
  apply_offload(s, o);
  if (!o.pp_layers.empty())
    set_stage_layers(s.layout, o.pp_layers, s.model->info().layers);
  else if (auto split = balanced_stage_split(*s.model, s.layout, s.precision, s.engine, s.hardware->spec(), largest))
    set_stage_layers(s.layout, *split, s.model->info().layers, "the balanced split");
  s.memory = estimate_memory(*s.model, s.layout, s.precision, s.engine, s.hardware->spec(), largest, host_of(s));
  if (!s.memory.fits()) {
    std::string msg = "the layout " + describe_parallel(p) + " does not fit: " + s.model->info().name + " " +
                      describe_overflow(s.memory, busiest_gpu(s));
    if (auto fit = smallest_fitting_layout(*s.model, s.hardware->spec(), s.engine, s.precision, largest, space))
      msg += ". A layout that fits: " + describe_parallel(fit->parallel) + " (" + describe(fit->layout) + ")";
    msg += offload_advice(s, largest);
    throw InputError(msg);
  }
}

// A link that the layout crosses must exist; flags about a link the layout
// does not cross would be silently ignored, so they are pointed out.
void check_links(Session& s, const Options& o) {
  const Parallelism& p = s.layout.parallel;
  if (s.layout.world() > s.layout.nodes && !(s.layout.intra.bandwidth > 0))
    throw InputError(s.hardware->spec().name + " has no intra-node link (interconnect/intra_node/bandwidth_GBps is " +
                     "0), so the GPUs of " + describe_parallel(p) +
                     " cannot communicate: give the link, or use one "
                     "GPU per node");
  const LinkSpec& described = described_intra(s);
  if (p.stage_size() > 1 && !(described.latency > 0)) {
    char us[32];
    std::snprintf(us, sizeof us, "%.1f", s.layout.intra.latency * 1e6);
    s.notes.push_back(s.hardware->spec().name + "'s description gives no intra-node collective latency: assuming " +
                      us + " us, the fitted latency of a measured " + described.kind +
                      "-class link (data/calibration)");
    if (o.command != "sweep" && o.command != "plan") spdlog::warn("{}", s.notes.back());
  }
  if ((o.inter_node_gbps || o.inter_node_latency_us) && s.layout.nodes <= 1 && o.command != "sweep" &&
      o.command != "plan")
    spdlog::warn("--inter-node-bw/--inter-node-latency have no effect: the layout {} fits in one node",
                 describe(s.layout));
}

}  // namespace

LinkSpec network_share(Session& s, unsigned gpus) {
  LinkSpec l = default_inter(s);
  const unsigned per_node = s.cluster.gpus_per_node ? s.cluster.gpus_per_node : 8u;
  l.bandwidth *= std::min(1.0, static_cast<double>(gpus) / per_node);
  return l;
}

std::string hardware_for_system(const std::string& system) {
  for (const auto& s : kSystems)
    if (system == s.seed) return s.genz;
  if (const ClusterSpec* c = find_cluster(system)) return c->hardware;
  return system;  // a genz name given to --system works too
}

void load_plugins(PluginRegistry& registry, const Options& o) {
  load_plugins(registry, o.plugin_paths, executable_path());
}

void load_plugins(PluginRegistry& registry, const std::vector<std::string>& plugin_paths,
                  const std::filesystem::path& executable) {
  for (const auto& dir : plugin_search_path(plugin_paths, std::getenv("GENZ_PLUGIN_PATH"), executable))
    registry.load_directory(dir);
  // A name clash means a third-party plugin is not what the user will get.
  for (const auto& r : registry.rejected())
    if (r.reason == RejectReason::duplicate_name) spdlog::warn("plugin {} refused: {}", r.path, r.message);
}

std::unique_ptr<Session> open_session(const Options& o, const Request& largest) {
  auto registry = std::make_shared<PluginRegistry>();
  load_plugins(*registry, o);
  return open_session(std::move(registry), o, largest);
}

std::unique_ptr<Session> open_session(std::shared_ptr<const PluginRegistry> registry, const Options& o,
                                      const Request& largest) {
  auto s = std::make_unique<Session>(std::move(registry));
  s->cluster = open_cluster(o);
  if (auto h = open_host(o, s->cluster)) s->set_host(*h);
  if (o.inter_node_latency_us) s->inter_latency = *o.inter_node_latency_us * 1e-6;
  s->hardware = open_hardware(*s, o);
  if (!o.stage_hw.empty() && !s->cluster.intra) s->cluster.intra = slowest_link(*s, o);
  s->model = open_model(*s->registry, o);
  s->engine = open_engine(o);
  s->precision = choose_precision(s->model->info(), s->hardware->spec(), o, s->notes);
  if (const GgufFtype* gguf = find_gguf_ftype(o.dtype)) s->use_gguf(*gguf);
  choose_layout(*s, o, largest);
  check_links(*s, o);
  const std::string comm = !o.comm.empty()            ? o.comm
                           : !s->cluster.comm.empty() ? s->cluster.comm
                                                      : default_comm(s->layout.intra);
  s->comm = s->registry->create<CommBackend>(PluginKind::comm, comm);
  s->start();
  return s;
}

}  // namespace genz::cli
