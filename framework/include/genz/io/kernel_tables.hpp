// Measured kernel timings in aiconfigurator's table format
// (../shared/data/aiconfigurator-kernels, README there): one CSV per kernel
// class, plain or gzip, timed by CUDA-graph replay (no launch overhead).
// The columns' meaning is kept: attention heads are per GPU, `step` is the
// number of tokens already cached, collective `message_size` counts
// elements, fp8 GEMMs include the activation quantization.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "genz/engine/measured_kernels.hpp"

#include "genz/sdk/dtype.hpp"
#include "genz/sdk/op.hpp"

namespace genz {

enum class KernelClass : std::uint8_t {
  gemm,
  context_attention,     // prefill
  generation_attention,  // decode: one new token per sequence
  custom_all_reduce,     // the engine's own all-reduce inside one node
  nccl,                  // nccl-tests collectives
  moe,                   // one rank's fused MoE layer, balanced routing
  mla_context,
  mla_generation,
};

std::string_view name_of(KernelClass c) noexcept;

/// The class a table file holds, from its name (gemm.csv,
/// vllm_0.24.0_gemm.csv.gz, nccl.csv, ...); nullopt for tables genz does
/// not read (mla_bmm, the MLA modules, moe_full with skewed routing).
std::optional<KernelClass> kernel_class_of_file(const std::string& path);

/// One measured kernel. Only the fields of its class are set.
struct KernelSample {
  KernelClass cls = KernelClass::gemm;
  std::string variant;  // dtype of a GEMM or MoE, op of a NCCL row, backend of an all-reduce
  std::string source;   // kernel_source where the table names one
  double seconds = 0;
  // GEMM: (m x k) by (k x n).
  double m = 0, n = 0, k = 0;
  DType dtype = DType::bf16;  // GEMM/MoE/attention compute format
  bool block_scaled = false;  // fp8_block: 1x128 / 128x128 scales
  // Attention and MLA: heads per GPU, step = tokens already cached.
  double batch = 0, isl = 0, step = 0, heads = 0, kv_heads = 0, head_dim = 0, window = 0;
  DType kv_dtype = DType::bf16;
  // Collectives: elements per rank buffer (nccl-tests size / element size).
  CollectiveKind collective = CollectiveKind::all_reduce;
  unsigned gpus = 1;
  double elements = 0;
  // MoE: one rank of moe_tp x moe_ep.
  double tokens = 0, hidden = 0, inter = 0, topk = 0, experts = 0, moe_tp = 1, moe_ep = 1;
};

/// Reads every row of one table and hands it to `fn`. Rows of formats genz
/// has no type for (e.g. nvfp4, mxfp4 MoE) are counted in the return value
/// and skipped. Throws InputError naming the file and line on a malformed
/// or truncated table.
std::size_t for_each_kernel_sample(const std::string& path, KernelClass cls,
                                   const std::function<void(const KernelSample&)>& fn);

/// Every GEMM, attention and all-reduce table under `dir` (searched
/// recursively, any GPU) as measured kernels for `genz --kernels DIR`.
/// Sliding-window rows and formats genz has no type for are left out.
/// Throws InputError naming the directory when it holds no such table.
std::shared_ptr<const MeasuredKernels> read_measured_kernels(const std::string& dir);

}  // namespace genz
