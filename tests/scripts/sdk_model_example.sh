# A third party builds the model plugin of sdk/examples/model_example against
# the SDK in this build tree (find_package(genz) only); genz lists it, predicts
# with it, hands it a config.json by the architecture it declared, and splits
# it over GPUs.
source "$(dirname "$0")/lib.sh"
GENERATOR=$1
cmake -S "$SRC/sdk/examples/model_example" -B "$TMP/example" -G "$GENERATOR" \
  -Dgenz_DIR="$BUILD" -DCMAKE_BUILD_TYPE=Release >"$TMP/configure.log" 2>&1 || { cat "$TMP/configure.log"; fail "configure"; }
cmake --build "$TMP/example" >"$TMP/build.log" 2>&1 || { cat "$TMP/build.log"; fail "build"; }
test -f "$TMP/example/tiny_dense.so" || fail "no tiny_dense.so"
P="--plugin-path $TMP/example"
expect_in "$("$GENZ" $P plugins)" "model     tiny_dense"
one=$("$GENZ" $P --model tiny_dense --hw h100 --json -q)
expect_in "$one" '"model":"tiny_dense"'
# The plugin's own numbers, checked against first principles: decode reads
# every weight once per token, never faster than the data-sheet bandwidth.
tpot=$(grep -o '"TPOT": [0-9.e+-]*' <<<"$one" | head -1 | cut -d' ' -f2)
awk -v t="$tpot" 'BEGIN {
  params = 4 * (4 * 1024 * 1024 + 3 * 1024 * 2816 + 2 * 1024) + 2 * 1024 * 32000 + 1024
  floor_ms = params * 2 / 3.35e12 * 1e3   # bf16 weights at the H100 SXM data-sheet 3.35 TB/s
  exit !(t > floor_ms)
}' || fail "tiny_dense's decode ($tpot ms per token) beats the H100's memory bandwidth"
printf '{"architectures": ["TinyDenseForCausalLM"], "_name_or_path": "tiny-8l", "num_hidden_layers": 8, "hidden_size": 2048, "num_attention_heads": 16, "intermediate_size": 5632, "vocab_size": 32000}' >"$TMP/config.json"
cfg=$("$GENZ" $P --model-config "$TMP/config.json" --hw h100 --json -q)
expect_in "$cfg" '"model":"tiny-8l"'
tp2=$("$GENZ" $P --model tiny_dense --hw h100 --tp 2 --breakdown -q)
expect_in "$tp2" "attn_all_reduce"
bad=$("$GENZ" $P --model tiny_dense --hw h100 --tp 3 2>&1 || true)
expect_in "$bad" "--tp must divide the 16 heads"
echo "out-of-tree model plugin built, listed, predicted, given a config.json and split over GPUs"
