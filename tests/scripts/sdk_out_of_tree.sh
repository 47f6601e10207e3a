# A third party builds a hardware plugin against the SDK in this build tree
# (find_package(genz) only), genz lists it and predicts with it.
source "$(dirname "$0")/lib.sh"
GENERATOR=$1
cmake -S "$SRC/sdk/examples/hardware_example" -B "$TMP/example" -G "$GENERATOR" \
  -Dgenz_DIR="$BUILD" -DCMAKE_BUILD_TYPE=Release >"$TMP/configure.log" 2>&1 || { cat "$TMP/configure.log"; fail "configure"; }
cmake --build "$TMP/example" >"$TMP/build.log" 2>&1 || { cat "$TMP/build.log"; fail "build"; }
test -f "$TMP/example/example_gpus.so" || fail "no example_gpus.so"
out=$("$GENZ" --plugin-path "$TMP/example" plugins)
expect_in "$out" "hardware  example_gpus"
expect_in "$out" "provides: example_gpu, example_gpu_l2"
json=$("$GENZ" --plugin-path "$TMP/example" --hw example_gpu --model llama2_7b --json -q)
expect_in "$json" '"TTFT":'
expect_in "$json" "Example Accelerator 48GB"
l2=$("$GENZ" --plugin-path "$TMP/example" --hw example_gpu_l2 --model llama2_7b -q)
expect_in "$l2" "TTFT"
# The run's hardware options reach the plugin through its configuration, and
# the L2-aware part keeps its own time() under every flag.
ttft() { "$GENZ" --plugin-path "$TMP/example" --model llama2_7b --json -q "$@" | grep -o '"TTFT": [0-9.e+-]*' | head -1; }
for flags in "" "--system_eff 0.85" "--accumulate fp16" "--system_eff 0.85 --accumulate fp16"; do
  plain=$(ttft --hw example_gpu $flags)
  cached=$(ttft --hw example_gpu_l2 $flags)
  [ -n "$plain" ] && [ "$plain" != "$cached" ] || fail "with '$flags' the L2-aware plugin's time() was not used ($plain vs $cached)"
done
[ "$(ttft --hw example_gpu)" != "$(ttft --hw example_gpu --system_eff 0.5)" ] || fail "--system_eff did not reach the plugin"
# A plugin directory from GENZ_PLUGIN_PATH works the same way.
env_out=$(GENZ_PLUGIN_PATH="$TMP/example" "$GENZ" plugins)
expect_in "$env_out" "example_gpus"
echo "out-of-tree plugin built, listed and used"
