// The evaluated configurations of one part of a sharded search, as a file:
// `genz plan --shard K/N --out DIR` writes one, `genz plan merge DIR...`
// joins them. Numbers are written with enough digits to read back exactly,
// so the joined search ranks exactly as one run would.
#pragma once

#include <string>
#include <vector>

#include "genz/planning/plan_types.hpp"

namespace genz::plan {

struct ShardFile {
  unsigned shard = 0, shards = 0;  // K of N
  std::size_t total = 0;           // configurations in the whole search
  std::vector<std::string> args;   // the command's arguments, --shard and --out removed
  std::vector<ConfigEval> evals;   // this part's
};

std::string shard_to_text(const ShardFile& f);
/// Errors name `source` and what was expected.
ShardFile shard_from_text(const std::string& text, const std::string& source);

/// Joins parts: every part of the same search (same arguments and total),
/// each once, all present; the evaluations in search order.
std::vector<ConfigEval> join_shards(const std::vector<ShardFile>& parts, const std::vector<std::string>& sources);

}  // namespace genz::plan
