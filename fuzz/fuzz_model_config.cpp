// libFuzzer target: Hugging Face config.json files. A configuration that is
// accepted must also build its operators and size its weights.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "genz/host/error.hpp"
#include "hf_config.hpp"
#include "transformer_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto doc = genz::parse_json(text, "config.json");
    const auto c = genz::models::config_from_hf(doc, "config.json", {"llama", "deepseek_v3", "mixtral", "qwen_moe"});
    const genz::ModelInfo info = genz::models::make_info(c);
    if (!(std::isfinite(info.params_total) && info.params_total > 0)) __builtin_trap();
    genz::BuildRequest r;
    r.phase = genz::Phase::decode;
    r.context = 100;
    genz::Graph g;
    genz::models::build_graph(c, r, g);
    genz::ShardRequest s;
    s.layer_end = c.layers;
    const genz::ShardFootprint f = genz::models::footprint(c, s);
    if (!(std::isfinite(f.kv_bytes_per_token) && f.kv_bytes_per_token >= 0)) __builtin_trap();
  } catch (const genz::InputError&) {
  }
  return 0;
}
