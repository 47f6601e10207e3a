// Drives the chosen reporter plugins over one run.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "genz/host/handle.hpp"
#include "genz/host/plugin_registry.hpp"
#include "genz/sdk/report.hpp"

namespace genz {

class ReportRun {
 public:
  /// Each entry: reporter name and its configuration JSON.
  ReportRun(const PluginRegistry& registry, const std::vector<std::pair<std::string, std::string>>& reporters);
  void begin(const RunInfo& run, OutputSink& sink);
  void add(const RequestRecord& r);
  void end(const RunSummary& s);
  bool empty() const noexcept { return reporters_.empty(); }

 private:
  void check(const Status& s, const Handle<Reporter>& r, const char* stage) const;
  std::vector<Handle<Reporter>> reporters_;
  const OutputSink* sink_ = nullptr;
};

}  // namespace genz
