// genz's physical model against measured kernel tables (aiconfigurator's
// format, io/kernel_tables.hpp): each measured kernel is rebuilt as the
// operator genz's graphs would contain, lowered with the engine's profile
// and timed by the hardware (or comm) plugin, exactly as a prediction does.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "genz/calibration/validation.hpp"
#include "genz/engine/engine_profile.hpp"
#include "genz/host/plugin_registry.hpp"
#include "genz/io/kernel_tables.hpp"
#include "genz/sdk/comm.hpp"
#include "genz/sdk/hardware.hpp"

namespace genz {

struct KernelModel {
  const Hardware* hardware = nullptr;
  const CommBackend* comm = nullptr;
  const EngineProfile* engine = nullptr;
};

/// Predicted seconds of one measured kernel; nullopt where genz has no model
/// of that kernel (sliding-window attention, MLA), with the reason in `why`.
std::optional<double> predict_kernel(const KernelSample& s, const KernelModel& m, std::string* why = nullptr);

/// The operators genz times for a measured kernel (one for most classes;
/// the MoE layer is its two grouped GEMMs and the gated activation), lowered.
std::vector<Op> kernel_ops(const KernelSample& s, const EngineProfile& engine);

/// Errors of one (GPU, engine, class) in percent, signed. On the H100, whose
/// tables the attention kernels were fitted on, the held-out half of the head
/// configurations is a class of its own ("... (held-out heads)").
struct KernelClassErrors {
  std::string gpu, engine, cls;
  std::vector<double> errors_pct;
  std::size_t skipped = 0;  // rows genz does not model (see note)
  std::string note;
  bool targeted = true;  // false: a configuration the engines do not serve with (eager all-reduce)
};

/// Compares every table under `tables_dir` (aiconfigurator-kernels:
/// <gpu>/<engine>_<version>/*.csv, <gpu>/nccl_<version>/nccl.csv,
/// <gpu>/other_backends/<engine>_<version>_*.csv.gz) with genz's shipped
/// description of that GPU and the engine's profile.
std::vector<KernelClassErrors> compare_kernel_tables(const std::shared_ptr<const PluginRegistry>& registry,
                                                     const std::string& tables_dir);

/// The validate rows: median and p90 of the absolute errors per class, with
/// the targets (TensorRT-LLM and NCCL on H100/H200/B200: 8 % / 20 %;
/// the rest: 12 % / 25 %).
std::vector<ValidationRow> kernel_table_rows(const std::shared_ptr<const PluginRegistry>& registry,
                                             const std::string& tables_dir);

}  // namespace genz
