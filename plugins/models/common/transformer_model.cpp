#include "transformer_model.hpp"

#include "genz/sdk/json_view.hpp"
#include "hf_config.hpp"

namespace genz::models {

TransformerModel::TransformerModel(TransformerConfig c) : config_(std::move(c)), info_(make_info(config_)) {}

Status TransformerModel::check(const Parallelism& p) const noexcept {
  try {
    return check_parallelism(config_, p);
  } catch (const std::exception& e) {
    return Status::error(e.what());
  }
}

Status TransformerModel::build(const BuildRequest& request, Graph& out) const noexcept {
  try {
    if (Status s = check_parallelism(config_, request.parallel); !s) return s;
    build_graph(config_, request, out);
    return Status::success();
  } catch (const std::exception& e) {
    return Status::error(e.what());
  }
}

Status TransformerModel::footprint(const ShardRequest& request, ShardFootprint& out) const noexcept {
  try {
    out = models::footprint(config_, request);
    return Status::success();
  } catch (const std::exception& e) {
    return Status::error(e.what());
  }
}

namespace {

// {"layers": N}: N decoder layers of the model's shape on its embedding and
// head, the later kind where it has two (MoE, not the leading dense ones):
// what an EAGLE head or a DeepSeek MTP module runs per drafted token.
TransformerConfig with_layers(TransformerConfig c, const JsonView& v) {
  if (!v.has("layers")) return c;
  const auto n = static_cast<unsigned>(v.integer("layers", 1, c.layers));
  c.layers = n;
  if (c.moe) c.moe->first_dense_layers = 0;
  c.name += "_head" + std::to_string(n);
  return c;
}

}  // namespace

std::unique_ptr<Model> make_model(const Family& family, std::string_view config_json) {
  const auto doc = parse_json(config_json, std::string(family.name) + " plugin configuration");
  const JsonView v(doc, std::string(family.name) + " plugin configuration");
  if (v.has("hf_config")) {
    const std::string source = v.string_or("source", "config.json");
    return std::make_unique<TransformerModel>(
        with_layers(config_from_hf(doc["hf_config"], source, family.hf_families), v));
  }
  const std::string variant = v.string_or("variant", family.default_variant);
  for (const auto& c : family.variants)
    if (c.name == variant) return std::make_unique<TransformerModel>(with_layers(c, v));
  std::string names;
  for (const auto& c : family.variants) names += (names.empty() ? "" : ", ") + c.name;
  throw InputError("unknown " + std::string(family.name) + " model '" + variant + "'; built-in variants: " + names +
                   " (or give --model-config path/config.json)");
}

std::unique_ptr<Model> make_variant(const TransformerConfig& c, std::string_view config_json) {
  const auto doc = parse_json(config_json, c.name + " configuration");
  if (doc.is_object() && doc.contains("hf_config"))
    throw InputError(c.name + " is a fixed built-in variant; a config.json goes to its family plugin");
  return std::make_unique<TransformerModel>(with_layers(c, JsonView(doc, c.name + " configuration")));
}

}  // namespace genz::models
