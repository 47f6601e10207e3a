// Numeric formats of weights, activations and the KV cache.
//
// The first seven are compute formats: a matrix unit may run them, and a
// hardware description gives a peak for each. The others are GGUF block
// formats (llama.cpp): weights stored in blocks of 32 or 256 with their
// scales, dequantized by the kernel that reads them.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace genz {
inline namespace v1 {

enum class DType : std::uint8_t {
  fp32,
  tf32,
  bf16,
  fp16,
  fp8,
  int8,
  int4,
  // GGUF block formats (ggml/src/ggml-common.h block_* structs)
  q4_0,
  q4_1,
  q5_0,
  q5_1,
  q8_0,
  q2_k,
  q3_k,
  q4_k,
  q5_k,
  q6_k,
  iq4_nl,
  iq4_xs,
  iq3_xxs,
  iq3_s,
  iq2_xxs,
  iq2_xs,
  iq2_s,
  iq1_s,
  iq1_m
};

/// The compute formats (hardware peaks are indexed by these).
inline constexpr DType kAllDTypes[] = {DType::fp32, DType::tf32, DType::bf16, DType::fp16,
                                       DType::fp8,  DType::int8, DType::int4};
inline constexpr int kDTypeCount = 7;

inline constexpr DType kBlockDTypes[] = {DType::q4_0,   DType::q4_1,   DType::q5_0,    DType::q5_1,  DType::q8_0,
                                         DType::q2_k,   DType::q3_k,   DType::q4_k,    DType::q5_k,  DType::q6_k,
                                         DType::iq4_nl, DType::iq4_xs, DType::iq3_xxs, DType::iq3_s, DType::iq2_xxs,
                                         DType::iq2_xs, DType::iq2_s,  DType::iq1_s,   DType::iq1_m};

/// One GGUF block: `elements` weights stored in `bytes` bytes, scales,
/// minimums and sub-block scales included.
struct BlockLayout {
  unsigned elements = 0;
  unsigned bytes = 0;
};

/// From the block structs of ggml-common.h (QK_K = 256), e.g. block_q4_K =
/// d, dmin (2 x fp16) + 12 bytes of 6-bit scales/mins + 128 bytes of nibbles
/// = 144 bytes per 256 weights = 4.5 bits per weight.
constexpr BlockLayout block_layout(DType t) noexcept {
  switch (t) {
    case DType::q4_0:
      return {32, 18};  // d + 16 B nibbles
    case DType::q4_1:
      return {32, 20};  // d, m + 16 B
    case DType::q5_0:
      return {32, 22};  // d + 4 B high bits + 16 B
    case DType::q5_1:
      return {32, 24};  // d, m + 4 B + 16 B
    case DType::q8_0:
      return {32, 34};  // d + 32 B
    case DType::q2_k:
      return {256, 84};  // 16 B scales/mins + 64 B quants + d, dmin
    case DType::q3_k:
      return {256, 110};  // 32 B hmask + 64 B quants + 12 B scales + d
    case DType::q4_k:
      return {256, 144};  // d, dmin + 12 B scales + 128 B
    case DType::q5_k:
      return {256, 176};  // d, dmin + 12 B scales + 32 B high bits + 128 B
    case DType::q6_k:
      return {256, 210};  // 128 B low + 64 B high + 16 B scales + d
    case DType::iq4_nl:
      return {32, 18};  // d + 16 B indices into a non-linear table
    case DType::iq4_xs:
      return {256, 136};  // d + 2 B high scales + 4 B low scales + 128 B
    case DType::iq3_xxs:
      return {256, 98};  // d + 96 B grid indices, signs and scales
    case DType::iq3_s:
      return {256, 110};  // d + 64 B + 8 B high + 32 B signs + 4 B scales
    case DType::iq2_xxs:
      return {256, 66};  // d + 32 x uint16
    case DType::iq2_xs:
      return {256, 74};  // d + 32 x uint16 + 8 B scales
    case DType::iq2_s:
      return {256, 82};  // d + 64 B + 8 B high + 8 B scales
    case DType::iq1_s:
      return {256, 50};  // d + 32 B + 8 x uint16
    case DType::iq1_m:
      return {256, 56};  // 32 B + 16 B + 8 B scales (d folded into them)
    default:
      return {};
  }
}

constexpr bool is_block_format(DType t) noexcept {
  return block_layout(t).elements > 0;
}

/// Storage size of one element in bytes (int4 packs two per byte; block
/// formats include their scales).
constexpr double bytes_of(DType t) noexcept {
  switch (t) {
    case DType::fp32:
    case DType::tf32:
      return 4.0;
    case DType::bf16:
    case DType::fp16:
      return 2.0;
    case DType::fp8:
    case DType::int8:
      return 1.0;
    case DType::int4:
      return 0.5;
    default:
      break;
  }
  const BlockLayout b = block_layout(t);
  return b.elements ? static_cast<double>(b.bytes) / b.elements : 2.0;
}

constexpr std::string_view name_of(DType t) noexcept {
  switch (t) {
    case DType::fp32:
      return "fp32";
    case DType::tf32:
      return "tf32";
    case DType::bf16:
      return "bf16";
    case DType::fp16:
      return "fp16";
    case DType::fp8:
      return "fp8";
    case DType::int8:
      return "int8";
    case DType::int4:
      return "int4";
    case DType::q4_0:
      return "q4_0";
    case DType::q4_1:
      return "q4_1";
    case DType::q5_0:
      return "q5_0";
    case DType::q5_1:
      return "q5_1";
    case DType::q8_0:
      return "q8_0";
    case DType::q2_k:
      return "q2_k";
    case DType::q3_k:
      return "q3_k";
    case DType::q4_k:
      return "q4_k";
    case DType::q5_k:
      return "q5_k";
    case DType::q6_k:
      return "q6_k";
    case DType::iq4_nl:
      return "iq4_nl";
    case DType::iq4_xs:
      return "iq4_xs";
    case DType::iq3_xxs:
      return "iq3_xxs";
    case DType::iq3_s:
      return "iq3_s";
    case DType::iq2_xxs:
      return "iq2_xxs";
    case DType::iq2_xs:
      return "iq2_xs";
    case DType::iq2_s:
      return "iq2_s";
    case DType::iq1_s:
      return "iq1_s";
    case DType::iq1_m:
      return "iq1_m";
  }
  return "?";
}

inline std::optional<DType> parse_dtype(std::string_view s) noexcept {
  for (DType t : kAllDTypes)
    if (name_of(t) == s) return t;
  for (DType t : kBlockDTypes)
    if (name_of(t) == s) return t;
  if (s == "float16" || s == "half" || s == "f16") return DType::fp16;
  if (s == "bfloat16") return DType::bf16;
  if (s == "float32" || s == "float" || s == "f32") return DType::fp32;
  if (s == "fp8_e4m3" || s == "e4m3" || s == "float8_e4m3fn") return DType::fp8;
  return std::nullopt;
}

/// Integer formats are stored weights only: the matrix unit runs at 16 bits
/// (weight-only quantization) unless activations are integers too.
constexpr bool is_integer(DType t) noexcept {
  return t == DType::int8 || t == DType::int4 || is_block_format(t);
}

constexpr int index_of(DType t) noexcept {
  return static_cast<int>(t);
}

}  // namespace v1
}  // namespace genz
