// genz::Model over a TransformerConfig, and the factory both model plugins use.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "genz/sdk/model.hpp"
#include "transformer_config.hpp"

namespace genz::models {

class TransformerModel final : public Model {
 public:
  explicit TransformerModel(TransformerConfig c);
  const ModelInfo& info() const noexcept override { return info_; }
  Status check(const Parallelism& p) const noexcept override;
  Status build(const BuildRequest& request, Graph& out) const noexcept override;
  Status footprint(const ShardRequest& request, ShardFootprint& out) const noexcept override;
  const TransformerConfig& config() const noexcept { return config_; }

 private:
  TransformerConfig config_;
  ModelInfo info_;
};

/// A model family: its built-in variants and the HF architectures it reads.
struct Family {
  const char* name;
  const char* default_variant;
  std::vector<TransformerConfig> variants;
  std::vector<std::string> hf_families;
};

/// Creates a model from the host's configuration JSON:
///   {"variant": "llama2_7b"}  or  {"hf_config": {...}, "source": "path/config.json"}
std::unique_ptr<Model> make_model(const Family& family, std::string_view config_json);
/// Creates one fixed variant (the entry registered under the variant's name).
std::unique_ptr<Model> make_variant(const TransformerConfig& c, std::string_view config_json);

}  // namespace genz::models
