// Numeric formats of weights, activations and the KV cache.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace genz {
inline namespace v1 {

enum class DType : std::uint8_t { fp32, tf32, bf16, fp16, fp8, int8, int4 };

inline constexpr DType kAllDTypes[] = {DType::fp32, DType::tf32, DType::bf16, DType::fp16,
                                       DType::fp8,  DType::int8, DType::int4};
inline constexpr int kDTypeCount = 7;

/// Storage size of one element in bytes (int4 packs two per byte).
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
  }
  return 2.0;
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
  }
  return "?";
}

inline std::optional<DType> parse_dtype(std::string_view s) noexcept {
  for (DType t : kAllDTypes)
    if (name_of(t) == s) return t;
  if (s == "float16" || s == "half") return DType::fp16;
  if (s == "bfloat16") return DType::bf16;
  if (s == "float32" || s == "float") return DType::fp32;
  if (s == "fp8_e4m3" || s == "e4m3" || s == "float8_e4m3fn") return DType::fp8;
  return std::nullopt;
}

/// Integer formats are stored weights only: the matrix unit runs at 16 bits
/// (weight-only quantization) unless activations are integers too.
constexpr bool is_integer(DType t) noexcept {
  return t == DType::int8 || t == DType::int4;
}

constexpr int index_of(DType t) noexcept {
  return static_cast<int>(t);
}

}  // namespace v1
}  // namespace genz
