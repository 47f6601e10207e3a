// One million requests through the whole CLI path: read the trace, predict,
// write the csv, json and html reports. Reports the wall time and how much
// the resident memory grew (the run streams: it must not grow with the trace).
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <filesystem>

#include "commands.hpp"
#include "options.hpp"

namespace {

namespace fs = std::filesystem;

long max_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

genz::cli::Options options(std::initializer_list<const char*> args) {
  std::vector<const char*> argv{"genz"};
  argv.insert(argv.end(), args.begin(), args.end());
  return genz::cli::parse_options(static_cast<int>(argv.size()), argv.data());
}

void BM_Trace_1M_Requests(benchmark::State& state) {
  const fs::path dir = fs::temp_directory_path() / "genz-bench-trace";
  fs::create_directories(dir);
  const std::string trace = (dir / "trace-1m.csv").string(), out = (dir / "out").string();
  genz::cli::run_make_trace(
      options({"make-trace", "--requests", "1000000", "--seed", "3", "--out", trace.c_str(), "-q"}));
  const std::string plugins = GENZ_BENCH_PLUGIN_DIR;
  const auto o =
      options({"--trace", trace.c_str(), "--model", "llama2_7b", "--hw", "rtx3090", "--engine", "hf", "--tp", "1",
               "--report", "csv,json,html", "--out", out.c_str(), "--plugin-path", plugins.c_str(), "--no-progress"});
  const long rss_before = max_rss_kib();
  for (auto _ : state) benchmark::DoNotOptimize(genz::cli::run_predict(o));
  state.counters["requests/s"] = benchmark::Counter(1e6, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["rss_growth_MiB"] = static_cast<double>(max_rss_kib() - rss_before) / 1024.0;
  fs::remove_all(dir);
}
BENCHMARK(BM_Trace_1M_Requests)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

}  // namespace
