// genz: predicts how fast large language models run on given hardware.
#include <spdlog/spdlog.h>

#include <iostream>

#include "commands.hpp"
#include "genz/host/error.hpp"
#include "genz/host/plugin_guard.hpp"
#include "genz/io/output_dir.hpp"
#include "genz/sdk/abi.h"
#include "genz/sdk/printable.hpp"
#include "genz/sdk/version.hpp"
#include "logging.hpp"

namespace {

constexpr int kUsageError = 2;
constexpr int kRunError = 1;

int dispatch(const genz::cli::Options& o) {
  using namespace genz::cli;
  if (o.command == "plugins") return run_plugins(o);
  if (o.command == "memory") return run_memory(o);
  if (o.command == "calibrate") return run_calibrate(o);
  if (o.command == "validate") return run_validate(o);
  if (o.command == "make-trace") return run_make_trace(o);
  if (o.command == "sweep") return run_sweep(o);
  if (o.command == "simulate") return run_simulate(o);
  if (o.command == "plan") return run_plan(o);
  return run_predict(o);
}

}  // namespace

int main(int argc, char** argv) {
  genz::install_crash_reporter();
  genz::install_interrupt_cleanup();
  genz::cli::Options o;
  try {
    o = genz::cli::parse_options(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "genz: error: " << genz::printable(e.what(), true) << "\n";
    return kUsageError;
  }
  if (o.help) {
    std::cout
        << "usage: genz [predict|plugins|memory|calibrate|validate|make-trace|sweep|simulate|plan] [options]\n\n"
           "  genz --model llama2_7b --hw rtx3090 --input-tokens 1024 --output-tokens 200\n"
           "  genz --trace chat.csv --hw rtx3090 --engine hf --tp 1 --out report/\n"
           "  genz plugins [info FILE]\n"
           "  genz memory --model llama2_7b --input-tokens 4096 --output-tokens 128 [--measured FILE]\n"
           "  genz calibrate --hw rtx3090 --engine hf --trace tp1.csv@tp=1 --trace tp2.csv@tp=2 --out my-gpu.json\n"
           "  genz validate [--data-dir ../shared/data]\n"
           "  genz make-trace --requests 200 --seed 1 --out chat.csv\n"
           "  genz sweep hw=rtx4090,h100 tp=1,2,4,8 batch=1,16,64 --model llama3_70b [--out sweep.csv]\n"
           "  genz simulate --model llama3_8b --hw h100 --engine vllm --rate 8 --requests 2000 --lengths chat\n"
           "  genz plan --model llama3_70b --hw h100,h200 --rate 20 --lengths chat --slo-ttft 1000 --slo-tpot 50 "
           "--gpus 32 [--out DIR]\n"
           "  genz plan merge PART_DIR... --out DIR\n\n"
        << o.help_text;
    return 0;
  }
  if (o.version) {
    std::cout << "genz " << GENZ_SDK_VERSION_STRING << " (plugin ABI " << GENZ_PLUGIN_ABI_VERSION << ")\n";
    return 0;
  }
  genz::cli::init_logging(o.verbosity);
  try {
    return dispatch(o);
  } catch (const genz::InputError& e) {
    spdlog::error("{}", genz::printable(e.what(), true));
    return kUsageError;
  } catch (const std::exception& e) {
    spdlog::error("{}", genz::printable(e.what(), true));
    return kRunError;
  }
}
