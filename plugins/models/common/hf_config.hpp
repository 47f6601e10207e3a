// Reading a Hugging Face config.json into a TransformerConfig.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "transformer_config.hpp"

namespace genz::models {

/// "llama", "deepseek_v3", "mixtral", "qwen_moe", or "" for an unknown architecture.
std::string family_of(const std::string& architecture);

/// The architectures a family reads, comma-separated, for Registrar::add's
/// accepts (static storage: it outlives the registration).
const char* accepted_architectures(const std::string& family);

/// Throws InputError naming the file and key when the architecture is not
/// one of `families` or a value is missing or inconsistent.
TransformerConfig config_from_hf(const nlohmann::json& doc, const std::string& source,
                                 const std::vector<std::string>& families);

}  // namespace genz::models
