// Helpers shared by the unit tests: the built plugins, fixture paths, the
// measurements beside the checkout, temporary directories, running genz.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "genz/engine/composition.hpp"
#include "genz/engine/engine_profile.hpp"
#include "genz/engine/predictor.hpp"
#include "genz/host/plugin_registry.hpp"

namespace genz::test {

/// Every plugin built by this tree (the host's own search directory).
PluginRegistry& plugins();
std::string fixture(const std::string& name);   // path of build/tests/fixtures/<name>/<name>.so
std::string data(const std::string& relative);  // ../shared/data/<relative>, "" if absent
std::string source(const std::string& relative);

/// A fresh directory under the system temporary directory, removed at exit.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path file(const std::string& name, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

struct RunResult {
  int exit_code = 0;  // 128 + signal when killed by a signal
  std::string out, err;
};
/// Runs the genz executable with arguments (shell-quoted), without
/// GENZ_PLUGIN_PATH.
RunResult run_genz(const std::string& args);

/// A model + hardware + comm + engine composition for engine tests.
/// One composition of the named plugins (genz::compose), default layout;
/// components() gives a predictor's view of it with another layout.
struct Stack {
  std::unique_ptr<Composition> parts;
  Composition* operator->() const noexcept { return parts.get(); }
  Components components(const Parallelism& p, Precision precision, unsigned nodes = 0, unsigned gpus_per_node = 0,
                        LinkSpec inter = {}) const;
};
Stack stack(const std::string& model, const std::string& hardware, const std::string& comm = "pcie_like",
            const std::string& engine = "vllm", const std::string& model_config = "{}");

}  // namespace genz::test
