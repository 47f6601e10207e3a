#include "genz/io/report_run.hpp"

#include "genz/host/error.hpp"
#include "genz/io/output_dir.hpp"
#include "genz/host/plugin_guard.hpp"

namespace genz {

ReportRun::ReportRun(const PluginRegistry& registry,
                     const std::vector<std::pair<std::string, std::string>>& reporters) {
  for (const auto& [name, config] : reporters)
    reporters_.push_back(registry.create<Reporter>(PluginKind::report, name, config));
}

void ReportRun::check(const Status& s, const Handle<Reporter>& r, const char* stage) const {
  if (s) return;
  std::string msg = "report plugin '" + r.name() + "' failed in " + stage + ": " + s.message;
  if (const auto* dir = dynamic_cast<const OutputDirectory*>(sink_); dir && !dir->last_error().empty()) {
    msg += " (" + dir->last_error() + ")";
    if (dir->refused_by_input()) throw InputError(msg + ": choose another --out");
  }
  throw Error(msg);
}

void ReportRun::begin(const RunInfo& run, OutputSink& sink) {
  sink_ = &sink;
  for (auto& r : reporters_) {
    PluginCall guard(r.plugin().c_str());
    check(r->begin(run, sink), r, "begin");
  }
}

void ReportRun::add(const RequestRecord& rec) {
  for (auto& r : reporters_) {
    PluginCall guard(r.plugin().c_str());
    check(r->add(rec), r, "add");
  }
}

void ReportRun::end(const RunSummary& s) {
  for (auto& r : reporters_) {
    PluginCall guard(r.plugin().c_str());
    check(r->end(s), r, "end");
  }
}

}  // namespace genz
