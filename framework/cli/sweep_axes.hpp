// The axes of `genz sweep`: positional arguments KEY=V1,V2,... whose cartesian
// product is the set of configurations predicted.
//
//   genz sweep hw=rtx4090,h100 tp=1,2,4,8 batch=1,16,64 dtype=fp16,fp8
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "options.hpp"

namespace genz::cli {

struct SweepAxis {
  std::string key;  // as typed: hw, tp, pp, ep, batch, beam, dtype, kv-dtype, input-tokens, ...
  std::vector<std::string> values;
};

/// Parses KEY=V1,V2 arguments; throws InputError naming the argument and what
/// was expected (a known key, non-empty values, numbers where numbers go).
std::vector<SweepAxis> parse_sweep_axes(const std::vector<std::string>& args);

/// Number of configurations (the product of the axes' sizes).
std::size_t sweep_size(const std::vector<SweepAxis>& axes);

/// The configuration `index` (0 .. sweep_size - 1, last axis fastest):
/// `base` with each axis's value applied.
Options sweep_point(const Options& base, const std::vector<SweepAxis>& axes, std::size_t index);

/// The keys parse_sweep_axes accepts, for messages and --help.
std::string sweep_keys();

}  // namespace genz::cli
