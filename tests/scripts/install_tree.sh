# cmake --install gives the build tree's layout under a prefix: the installed
# genz finds its plugins, and the SDK package works from the install tree.
source "$(dirname "$0")/lib.sh"
GENERATOR=$1
cmake --install "$BUILD" --prefix "$TMP/prefix" >"$TMP/install.log" 2>&1 || { cat "$TMP/install.log"; fail "install"; }
for f in bin/genz lib/genz/plugins/nvidia.so lib/genz/plugins/llama.so lib/cmake/genz/genzConfig.cmake \
         lib/cmake/genz/GenzPlugin.cmake include/genz/sdk/plugin.hpp include/genz/sdk/version.hpp; do
  test -e "$TMP/prefix/$f" || fail "missing $f in the install tree"
done
out=$("$TMP/prefix/bin/genz" plugins)
expect_in "$out" "$TMP/prefix/lib/genz/plugins"
expect_in "$out" "hardware  nvidia"
pred=$("$TMP/prefix/bin/genz" --model llama2_7b --hw h100 -q)
expect_in "$pred" "TPOT"
cmake -S "$SRC/sdk/examples/hardware_example" -B "$TMP/example" -G "$GENERATOR" \
  -Dgenz_DIR="$TMP/prefix/lib/cmake/genz" -DCMAKE_BUILD_TYPE=Release >"$TMP/configure.log" 2>&1 || { cat "$TMP/configure.log"; fail "configure against the install tree"; }
cmake --build "$TMP/example" >"$TMP/build.log" 2>&1 || { cat "$TMP/build.log"; fail "build against the install tree"; }
out=$("$TMP/prefix/bin/genz" --plugin-path "$TMP/example" --hw example_gpu --model llama2_7b -q)
expect_in "$out" "TTFT"
# The Python module, installed in the interpreter's site-packages layout under
# the prefix, finds the installed plugins beside it.
PYTHON=${4:-}
if [ -n "$PYTHON" ]; then
  site=$(ls -d "$TMP"/prefix/lib/python3*/site-packages 2>/dev/null | head -1)
  [ -n "$site" ] && [ -f "$site/genz/__init__.py" ] || fail "the Python module is not in the install tree"
  py=$(cd "$TMP" && PYTHONPATH="$site" "$PYTHON" -c 'import genz; print(genz.predict(model="llama2_7b", hw="h100").ttft > 0, [p["path"] for p in genz.plugins() if p.get("name") == "nvidia"][0])')
  expect_in "$py" "True $TMP/prefix/lib/genz/plugins/nvidia.so"
fi
echo "install tree works"
