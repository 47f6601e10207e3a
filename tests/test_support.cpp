#include "test_support.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

namespace genz::test {
namespace fs = std::filesystem;

PluginRegistry& plugins() {
  static PluginRegistry r;
  static const bool loaded = (r.load_directory(GENZ_TEST_PLUGIN_DIR), true);
  (void)loaded;
  return r;
}

std::string fixture(const std::string& name) {
  return (fs::path(GENZ_TEST_FIXTURE_DIR) / name / (name + ".so")).string();
}

std::string data(const std::string& relative) {
  const fs::path p = fs::path(GENZ_TEST_DATA_DIR) / relative;
  return fs::exists(p) ? p.lexically_normal().string() : "";
}

std::string source(const std::string& relative) {
  return (fs::path(GENZ_TEST_SOURCE_DIR) / relative).string();
}

TempDir::TempDir() {
  std::random_device rd;
  path_ = fs::temp_directory_path() / ("genz-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

fs::path TempDir::file(const std::string& name, const std::string& text) const {
  const fs::path p = path_ / name;
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

namespace {
std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

RunResult run_genz(const std::string& args) {
  TempDir t;
  const std::string cmd = "env -u GENZ_PLUGIN_PATH " + std::string(GENZ_TEST_EXE) + " " + args + " >" +
                          (t.path() / "out").string() + " 2>" + (t.path() / "err").string();
  const int status = std::system(cmd.c_str());
  RunResult r;
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.exit_code = 128 + WTERMSIG(status);
  r.out = slurp(t.path() / "out");
  r.err = slurp(t.path() / "err");
  return r;
}

Components Stack::components(const Parallelism& p, Precision precision, unsigned nodes, unsigned gpus_per_node,
                             LinkSpec inter) const {
  return parts->view(parts->layout_for(p, nodes, gpus_per_node, inter), precision);
}

Stack stack(const std::string& model, const std::string& hardware, const std::string& comm, const std::string& engine,
            const std::string& model_config) {
  static const std::shared_ptr<const PluginRegistry> registry(&plugins(), [](const PluginRegistry*) {});
  Recipe r;
  r.model = model;
  r.hardware = hardware;
  r.comm = comm;
  r.engine = engine;
  r.model_config = model_config;
  return Stack{compose(registry, r)};
}

}  // namespace genz::test
