#!/usr/bin/env bash
# The README's two commands, each doing all set-up on a fresh Debian machine:
#   ./run.sh demo   install what is missing, build, predict the bundled chat trace
#                   (and the real RTX 3090 traces in ../shared/data when present),
#                   write the reports under report/
#   ./run.sh test   install what is missing, build, run every test
set -euo pipefail
cd "$(dirname "$0")"

BUILD_PACKAGES=(g++ cmake make libboost-dev libboost-program-options-dev libboost-filesystem-dev
                nlohmann-json3-dev libspdlog-dev libgtest-dev libbenchmark-dev zlib1g-dev
                python3 python3-dev pybind11-dev)  # the Python module
TEST_PACKAGES=(chromium                                         # renders the HTML report in the tests
               python3-pytest python3-pandas python3-matplotlib)  # the Python module's tests and example

install_missing() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "run.sh: installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() {
  # Debian's interpreter, for which python3-pytest and the others are installed.
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DPython3_EXECUTABLE=/usr/bin/python3 >/dev/null
  cmake --build build -j"$(nproc)"
}

demo() {
  local genz=build/bin/genz data=../shared/data/rtx3090-llama2-7b
  mkdir -p report
  echo "== Llama-2-7B on one RTX 3090, eager PyTorch (HF transformers), the bundled chat trace"
  $genz --trace examples/chat-trace.csv --model llama2_7b --hw rtx3090 --engine hf --tp 1 --dtype fp16 \
    --title "Llama-2-7B on RTX 3090: bundled chat trace" --out report/chat-trace
  if [ -d "$data" ]; then
    for tp in 1 2; do
      echo "== the real RTX 3090 measurements, TP$tp: predicted against measured"
      $genz --trace "$data/tp$tp/chat.csv" --model llama2_7b --hw rtx3090 --engine hf --tp "$tp" --dtype fp16 \
        --title "Llama-2-7B on RTX 3090, TP$tp: genz against measurements" --out "report/rtx3090-tp$tp"
    done
    echo "== memory against the PyTorch measurement"
    $genz memory --model llama2_7b --hw rtx3090 --engine hf --dtype fp16 --measured "$data/memory/measured.csv" -q
  fi
  echo
  echo "open report/chat-trace/report.html (and report/rtx3090-tp1/report.html, report/rtx3090-tp2/report.html)"
}

case "${1:-}" in
  demo)
    install_missing "${BUILD_PACKAGES[@]}"
    build
    demo
    ;;
  test)
    install_missing "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    build
    ctest --test-dir build --output-on-failure -j"$(nproc)"
    ;;
  *)
    echo "usage: ./run.sh demo | test" >&2
    exit 2
    ;;
esac
