# Runs genz on every bad input we know of and checks that each one ends in a
# clear message and a non-zero exit, prints no number on stdout and leaves no
# output file behind. Writes the table of what genz answers to
# BUILD/tests/bad-inputs.md and compares it with docs/bad-inputs.md (the
# copy the README links to); regenerate that with
#   cp build/tests/bad-inputs.md docs/bad-inputs.md
source "$(dirname "$0")/lib.sh"
FIXTURES=$1
TABLE=$BUILD/tests/bad-inputs.md
OUT=$TMP/out

# Makes paths in messages independent of where the test runs.
normalize() {
  sed -e "s#$TMP#<tmp>#g" -e "s#$FIXTURES#<fixtures>#g" -e "s#$SRC#<src>#g" -e 's/|/\\|/g' | tr '\n' ' ' |
    sed -e 's/ *$//' -e 's/  */ /g'
}

rows=()
# check NAME EXPECTED_EXIT ARGS... : EXPECTED_EXIT is "fail" (1 or 2), "signal", or "0" (accepted).
check() {
  local name=$1 expected=$2
  shift 2
  rm -rf "$OUT"
  set +e
  "$GENZ" "$@" >"$TMP/stdout" 2>"$TMP/stderr"
  local code=$?
  set -e
  local answer
  answer=$(grep -m1 -E 'genz: (error|warning)|fatal signal' "$TMP/stderr" | normalize || true)
  case $expected in
    fail)
      [ "$code" = 1 ] || [ "$code" = 2 ] || fail "$name: expected exit 1 or 2, got $code: $(cat "$TMP/stderr")"
      [ -z "$answer" ] && fail "$name: no message on stderr"
      [ -s "$TMP/stdout" ] && fail "$name: printed on stdout: $(head -c 300 "$TMP/stdout")"
      if [ -d "$OUT" ] && [ -n "$(ls -A "$OUT")" ]; then fail "$name: left files in --out: $(ls -A "$OUT")"; fi
      ;;
    signal)
      [ "$code" -ge 128 ] || fail "$name: expected death by signal, got $code"
      [ -s "$TMP/stdout" ] && fail "$name: printed on stdout"
      ;;
    0)
      [ "$code" = 0 ] || fail "$name: expected success, got $code: $(cat "$TMP/stderr")"
      [ -z "$answer" ] && answer="accepted"
      ;;
  esac
  local cmd
  cmd=$(printf '%s ' "$@" | normalize)
  rows+=("| $name | \`genz $cmd\` | $code | $answer |")
}

trace() {  # trace NAME CONTENT -> path
  printf '%b' "$2" >"$TMP/$1"
  echo "$TMP/$1"
}
HW="--hw rtx3090 --engine hf"
T="--report csv --out $OUT"

# --- trace CSV --------------------------------------------------------------
check "trace: missing columns" fail --trace "$(trace nocols.csv 'prompt,completion\n10,20\n')" $HW $T
check "trace: non-numeric tokens" fail --trace "$(trace nonnum.csv 'input_tokens,output_tokens\nabc,20\n')" $HW $T
check "trace: negative tokens" fail --trace "$(trace neg.csv 'input_tokens,output_tokens\n-5,20\n')" $HW $T
check "trace: zero tokens" fail --trace "$(trace zero.csv 'input_tokens,output_tokens\n10,0\n')" $HW $T
check "trace: fractional tokens" fail --trace "$(trace frac.csv 'input_tokens,output_tokens\n10.5,20\n')" $HW $T
check "trace: empty file" fail --trace "$(trace empty.csv '')" $HW $T
check "trace: header only" fail --trace "$(trace header.csv 'input_tokens,output_tokens\n')" $HW $T
check "trace: ragged row" fail --trace "$(trace ragged.csv 'input_tokens,output_tokens\n10,20\n10,20,30\n')" $HW $T
check "trace: unterminated quote" fail --trace "$(trace quote.csv 'id,input_tokens,output_tokens\n"abc,10,20\n')" $HW $T
check "trace: negative measured TTFT" fail --trace "$(trace negttft.csv 'input_tokens,output_tokens,TTFT\n10,20,-3\n')" $HW $T
check "trace: NaN measurement" fail --trace "$(trace nan.csv 'input_tokens,output_tokens,TPOT\n10,20,nan\n')" $HW $T
check "trace: 10 million tokens (does not fit on one RTX 3090)" fail --trace "$(trace huge.csv 'input_tokens,output_tokens\n10000000,20\n')" $HW --tp 1 $T
check "trace: 2e9 tokens (refused)" fail --trace "$(trace toolong.csv 'input_tokens,output_tokens\n2000000000,20\n')" $HW $T
printf 'input_tokens,output_tokens\n10,20\n\177ELF\002\001\001\000\000\000\000' >"$TMP/binary.csv"
check "trace: binary garbage" fail --trace "$TMP/binary.csv" $HW $T
{ printf 'input_tokens,output_tokens\n10,'; head -c 1073741824 /dev/zero | tr '\0' '7'; printf '\n'; } >"$TMP/gigaline.csv"
check "trace: a 1 GB line" fail --trace "$TMP/gigaline.csv" $HW $T
rm -f "$TMP/gigaline.csv"
check "trace: missing file" fail --trace "$TMP/nope.csv" $HW $T
check "trace: a directory" fail --trace "$TMP" $HW $T
check "trace: UTF-8 byte-order mark and CRLF" 0 --trace "$(trace bom.csv '\357\273\277input_tokens,output_tokens\r\n10,20\r\n')" $HW $T -q
mkdir -p "$TMP/indir"
printf 'input_tokens,output_tokens\n10,20\n' >"$TMP/indir/predictions.csv"
check "trace: --out would overwrite the trace" fail --trace "$TMP/indir/predictions.csv" $HW --report csv --out "$TMP/indir"

# --- hardware and cluster JSON ----------------------------------------------
hw() {  # hw NAME JSON -> path
  printf '%s' "$2" >"$TMP/$1"
  echo "$TMP/$1"
}
GOOD_COMPUTE='"compute": {"tensor_tflops": {"bf16": 100}}'
check "hardware: missing key" fail --hw-file "$(hw nomem.json "{$GOOD_COMPUTE}")"
check "hardware: wrong type" fail --hw-file "$(hw type.json "{$GOOD_COMPUTE, \"memory\": {\"capacity_GiB\": 24, \"bandwidth_GBps\": \"fast\"}}")"
check "hardware: zero bandwidth" fail --hw-file "$(hw zero.json "{$GOOD_COMPUTE, \"memory\": {\"capacity_GiB\": 24, \"bandwidth_GBps\": 0}}")"
check "hardware: negative bandwidth" fail --hw-file "$(hw negbw.json "{$GOOD_COMPUTE, \"memory\": {\"capacity_GiB\": 24, \"bandwidth_GBps\": -900}}")"
check "hardware: 1e30 FLOP/s" fail --hw-file "$(hw absurd.json '{"compute": {"tensor_tflops": {"bf16": 1e30}}, "memory": {"capacity_GiB": 24, "bandwidth_GBps": 900}}')"
check "hardware: not JSON" fail --hw-file "$(hw broken.json '{"name": "x",
  "compute": ')"
check "hardware: unknown format" fail --hw-file "$(hw fmt.json '{"compute": {"tensor_tflops": {"fp5": 1}}, "memory": {"capacity_GiB": 24, "bandwidth_GBps": 900}}')"
check "hardware: original keys, negative Memory_BW" fail --hw-file "$(hw seed.json '{"Flops": 142, "Memory_size": 24, "Memory_BW": -936}')"
check "cluster: two nodes, no inter-node link" fail --cluster "$(hw c1.json '{"nodes": 2, "gpus_per_node": 8}')" --tp 8 --pp 2
check "cluster: zero inter-node bandwidth" fail --cluster "$(hw c2.json '{"nodes": 2, "inter_node": {"bandwidth_Gbps": 0}}')" --tp 8 --pp 2

# --- model config.json ------------------------------------------------------
LLAMA='"hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "intermediate_size": 11008, "vocab_size": 32000'
check "model config: unknown architecture" fail --model-config "$(hw bert.json "{\"architectures\": [\"BertModel\"], $LLAMA}")"
check "model config: KV heads do not divide heads" fail --model-config "$(hw kv.json "{\"architectures\": [\"LlamaForCausalLM\"], $LLAMA, \"num_key_value_heads\": 5}")"
check "model config: missing key" fail --model-config "$(hw novocab.json '{"architectures": ["LlamaForCausalLM"], "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "intermediate_size": 11008}')"
check "model config: heads do not divide hidden" fail --model-config "$(hw heads.json '{"architectures": ["LlamaForCausalLM"], "hidden_size": 4100, "num_hidden_layers": 32, "num_attention_heads": 32, "intermediate_size": 11008, "vocab_size": 32000}')"

# --- command line -------------------------------------------------------------
check "flag: unknown flag" fail --tpp 2
check "flag: TP does not divide the heads" fail --model llama2_7b --tp 3
check "flag: TP x PP larger than the GPUs" fail --model llama2_70b --hw h100 --tp 8 --pp 4 --nodes 2 --gpus-per-node 8
check "flag: batch 0" fail --batch 0
check "flag: prompt beyond the context window (default: warn)" 0 --model llama2_7b --hw h100 --input-tokens 8000 --output-tokens 100
check "flag: prompt beyond the context window (--context-limit error)" fail --model llama2_7b --hw h100 --input-tokens 8000 --output-tokens 100 --context-limit error
check "flag: unknown format" fail --dtype fp5
check "flag: unknown engine" fail --engine tgi
check "flag: unknown hardware" fail --hw rtx9090
check "flag: layout does not fit" fail --model llama2_70b --hw rtx3090 --tp 2
check "flag: expert parallel on a dense model" fail --model llama2_7b --hw h100 --tp 2 --ep 2
check "flag: batch 100000 (KV cache does not fit)" fail --model llama2_7b --hw h100 --batch 100000
check "flag: --out is a file" fail --trace "$(trace ok.csv 'input_tokens,output_tokens\n10,20\n')" --out "$TMP/ok.csv" --report csv
check "flag: output tokens not a number" fail --output-tokens lots
check "sweep: unknown axis" fail sweep tpp=1,2
check "sweep: not a whole number" fail sweep tp=1,two
check "sweep: unknown hardware in an axis" fail sweep hw=rtx3090,rtx9090 --out "$OUT/sweep.csv"
check "sweep: axis and flag both given" fail sweep tp=1,2 --tp 2

# --- plugins -------------------------------------------------------------------
MIS="--plugin-path $FIXTURES/misbehaving_hardware"
check "plugin: returns NaN" fail $MIS --hw nan_gpu
check "plugin: returns a negative time" fail $MIS --hw negative_gpu
check "plugin: factory returns nothing" fail $MIS --hw null_gpu
check "plugin: crashes (SIGSEGV)" signal $MIS --hw crash_gpu
check "plugin: throws out of a noexcept call (SIGABRT)" signal $MIS --hw throwing_gpu

{
  echo "# Bad inputs and what genz answers"
  echo
  echo "Generated by \`tests/scripts/bad_inputs.sh\` (ctest: bad_inputs), which runs every case below and"
  echo "checks that it exits non-zero (or, for the two accepted ones, zero), prints nothing on stdout and"
  echo "leaves no output file. Exit 2 is a mistake in the input, 1 a failure during the run, 128 + n death"
  echo "by signal n (reported by name before the process dies)."
  echo
  echo "| case | command | exit | genz answers (first line on stderr) |"
  echo "|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} >"$TABLE"
if ! diff -u "$SRC/docs/bad-inputs.md" "$TABLE"; then
  fail "docs/bad-inputs.md is out of date: cp $TABLE $SRC/docs/bad-inputs.md"
fi
echo "${#rows[@]} bad inputs checked"
