// Default lowering: the FLOPs, DRAM bytes and launches of one operator as a
// single fused kernel would run it. The host's engine profiles start from this
// and adjust (unfused eager kernels, attention without KV split, ...), so a
// plugin that times operators by hand sees the same numbers the host reports.
#pragma once

#include "genz/sdk/op.hpp"

namespace genz {
inline namespace v1 {

/// Bytes per stored weight element, including per-group scales of integer
/// formats (GPTQ/AWQ style: one 16-bit scale per 128 weights; GGUF blocks
/// carry theirs).
constexpr double weight_bytes_of(DType t) noexcept {
  if (is_block_format(t)) return bytes_of(t);
  return is_integer(t) ? bytes_of(t) + 2.0 / 128.0 : bytes_of(t);
}

/// The format the matrix unit computes in: weight-only integer formats are
/// dequantized to the activation format.
constexpr DType gemm_compute_dtype(DType a, DType w) noexcept {
  if (is_integer(w) && !is_integer(a)) return a;
  if (a == DType::fp8 && w != DType::fp8) return is_integer(w) ? DType::bf16 : w;
  return a;
}

/// Keys each query attends to on average; causal attention skips the masked
/// upper triangle of the new tokens' block.
constexpr double attended_keys(const Op& op) noexcept {
  if (!op.causal) return op.kv_len;
  const double past = op.kv_len - op.q_len;
  return (past > 0 ? past : 0) + (op.q_len + 1) / 2;
}

/// DRAM traffic of an element-wise kernel, in elements moved per element.
constexpr double fused_traffic(EwKind k) noexcept {
  switch (k) {
    case EwKind::gated_activation:
    case EwKind::residual_add:
      return 3;  // two reads, one write
    case EwKind::router_topk:
    case EwKind::sampling:
      return 1;  // read the scores; the chosen indices are negligible
    case EwKind::moe_permute:
      return 1;  // its elements count every read and write
    default:
      return 2;  // one read, one write
  }
}

/// Rows up to which llama.cpp multiplies block-format weights with its
/// matrix-vector kernel (ggml-cuda mmvq.cuh MMVQ_MAX_BATCH_SIZE): dequantized
/// in registers on the vector units, dp4a dot products.
inline constexpr double kBlockVectorRows = 8;

/// Vector-unit instructions per weight to unpack a block format (bit fields,
/// scales and minimums, grid lookups), estimated from the block layouts: the
/// legacy 32-weight blocks need a mask and shift per nibble, K-quants also
/// unpack 6-bit sub-block scales, IQ formats look their values up in grids.
constexpr double dequant_instructions(DType t) noexcept {
  switch (t) {
    case DType::q4_0:
    case DType::q4_1:
    case DType::q8_0:
    case DType::iq4_nl:
      return 1.0;
    case DType::q5_0:
    case DType::q5_1:
    case DType::q4_k:
    case DType::q5_k:
    case DType::q6_k:
    case DType::iq4_xs:
      return 1.5;
    case DType::q2_k:
    case DType::q3_k:
      return 2.0;
    default:
      return is_block_format(t) ? 3.0 : 0.0;
  }
}

/// Block-format weights: the matrix-vector kernel pays the unpacking on the
/// vector units; larger products dequantize the matrix to fp16 first and
/// multiply it with cuBLAS (ggml_cuda_op_mul_mat_cublas), writing and
/// reading the fp16 copy once.
inline void add_dequantization(Op& op) noexcept {
  const double weights = op.batch * op.k * op.n;
  op.flops += 2.0 * weights * dequant_instructions(op.w_dtype);
  if (op.m > kBlockVectorRows) {
    op.bytes += weights * 2.0 * bytes_of(DType::fp16);
    op.kernels += 1;
    op.compute_dtype = DType::fp16;
  }
}

inline void resolve_gemm(Op& op) noexcept {
  const double b_bytes = op.b_is_weight ? weight_bytes_of(op.w_dtype) : bytes_of(op.a_dtype);
  op.flops = 2.0 * op.m * op.n * op.k * op.batch;
  op.bytes =
      op.batch * (op.m * op.k * bytes_of(op.a_dtype) + op.k * op.n * b_bytes + op.m * op.n * bytes_of(op.out_dtype));
  op.compute_dtype = gemm_compute_dtype(op.a_dtype, op.w_dtype);
  if (op.b_is_weight && is_block_format(op.w_dtype)) add_dequantization(op);
}

inline void resolve_attention(Op& op) noexcept {
  const double per_key = op.head_dim_qk + op.head_dim_v;
  op.flops = 2.0 * op.batch * op.heads * op.q_len * attended_keys(op) * per_key;
  const double kv_width = op.head_dim_qk + (op.kv_shared ? 0.0 : op.head_dim_v);
  const double q_and_out = op.q_len * op.heads * (op.head_dim_qk + op.head_dim_v);
  op.bytes = op.batch * (q_and_out * bytes_of(op.a_dtype) + op.kv_len * op.kv_heads * kv_width * bytes_of(op.kv_dtype));
  op.compute_dtype = op.a_dtype == DType::fp8 ? DType::fp8 : DType::bf16;
}

inline void resolve_elementwise(Op& op) noexcept {
  const DType t = op.ew == EwKind::kv_append ? op.kv_dtype : op.a_dtype;
  op.bytes = op.elements * fused_traffic(op.ew) * bytes_of(t);
  op.flops = op.elements * 4.0;  // a handful of vector operations per element
  op.compute_dtype = DType::fp32;
}

/// Fills flops, bytes, kernels, parallel_units and compute_dtype.
inline void resolve_defaults(Op& op) noexcept {
  op.kernels = 1;
  op.parallel_units = 0;
  op.compute_dtype = DType::bf16;
  switch (op.kind) {
    case OpKind::gemm:
      resolve_gemm(op);
      break;
    case OpKind::attention:
      resolve_attention(op);
      break;
    case OpKind::elementwise:
      resolve_elementwise(op);
      break;
    case OpKind::collective:
      op.flops = 0;
      op.bytes = op.bytes_per_rank;
      break;
  }
}

}  // namespace v1
}  // namespace genz
