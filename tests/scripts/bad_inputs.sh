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
  sed -e "s#$TMP#<tmp>#g" -e "s#$FIXTURES#<fixtures>#g" -e "s#$BUILD#<build>#g" -e "s#$SRC#<src>#g" -e 's/|/\\|/g' | tr '\n' ' ' |
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

# --- outputs that would destroy data -----------------------------------------
MEASURED='input_tokens,output_tokens,TTFT,TPOT\n100,20,30,18\n200,20,40,18\n'
T1=$(trace tp1.csv "$MEASURED")
check "calibrate: --out is one of its --trace inputs" fail calibrate --hw rtx3090 --engine hf --trace "$T1" --out "$T1"
[ "$(cat "$T1")" = "$(printf "$MEASURED")" ] || fail "calibrate --out onto its trace changed the trace"
check "calibrate: --out is a device (/dev/full)" fail calibrate --hw rtx3090 --engine hf --trace "$T1" --out /dev/full
[ -c /dev/full ] || fail "calibrate --out /dev/full replaced the device"
check "sweep: --out is a device (/dev/null)" fail sweep batch=1,2 --hw rtx3090 --out /dev/null
[ -c /dev/null ] || fail "sweep --out /dev/null replaced the device"
ln -s "$T1" "$TMP/link.csv"
check "sweep: --out is a symbolic link" fail sweep batch=1,2 --hw rtx3090 --out "$TMP/link.csv"
[ -L "$TMP/link.csv" ] && [ "$(cat "$T1")" = "$(printf "$MEASURED")" ] || fail "sweep --out onto a link replaced it"
mkfifo "$TMP/fifo"
check "make-trace: --out is a FIFO" fail make-trace --requests 5 --out "$TMP/fifo"
[ -p "$TMP/fifo" ] || fail "make-trace --out onto a FIFO replaced it"
check "make-trace: --out is its own --trace" fail make-trace --requests 5 --trace "$T1" --out "$T1"
CFG=$(hw cfg.json "{\"architectures\": [\"LlamaForCausalLM\"], $LLAMA}")
check "sweep: --out is its --model-config" fail sweep batch=1,2 --model-config "$CFG" --out "$CFG"
check "report: the same report twice (--report csv,csv)" fail --trace "$(trace ok2.csv 'input_tokens,output_tokens\n10,20\n')" $HW --report csv,csv --out "$OUT"

# --- unbounded numbers and reads -------------------------------------------------
check "flag: --gpus-per-node 2147483648" fail --gpus-per-node 2147483648
check "flag: --nodes x --gpus-per-node beyond the cluster bounds" fail --nodes 3 --gpus-per-node 1431655766
check "flag: --tp -2" fail --tp -2
check "flag: --pp 0" fail --pp 0
check "make-trace: --requests -1" fail make-trace --requests -1 --out "$OUT/t.csv"
check "hardware: --hw-file /dev/zero" fail --hw-file /dev/zero
check "model config: --model-config /dev/zero" fail --model-config /dev/zero
check "engine: --engine-file /dev/zero" fail --engine-file /dev/zero
mkfifo "$TMP/hwfifo"
check "hardware: --hw-file a FIFO nobody writes to (read as empty, no hang)" fail --hw-file "$TMP/hwfifo"
check "cluster: --cluster a FIFO nobody writes to" fail --cluster "$TMP/hwfifo"
check "model config: 2097152 shared experts" fail --model-config "$(hw shared.json '{"architectures": ["DeepseekV3ForCausalLM"], "hidden_size": 7168, "num_hidden_layers": 61, "num_attention_heads": 128, "num_key_value_heads": 128, "intermediate_size": 18432, "moe_intermediate_size": 2048, "n_routed_experts": 256, "n_shared_experts": 2097152, "num_experts_per_tok": 8, "first_k_dense_replace": 3, "kv_lora_rank": 512, "q_lora_rank": 1536, "qk_nope_head_dim": 128, "qk_rope_head_dim": 64, "v_head_dim": 128, "vocab_size": 129280}')"

# --- pipeline splits and engine memory ---------------------------------------------------
check "flag: --pp-layers that do not add up to the model's layers" fail --model llama2_7b --hw h100 --pp-layers 10,10,10
check "flag: --pp-layers with an empty stage" fail --model llama2_7b --hw h100 --pp-layers 16,16,0
check "flag: --pp-layers with fewer counts than --pp" fail --model llama2_7b --hw h100 --pp 4 --pp-layers 16,16
check "flag: --pp-layers not a list of numbers" fail --model llama2_7b --hw h100 --pp-layers 16,x
check "flag: --gpu-mem-util 1.5" fail --gpu-mem-util 1.5
check "flag: --ctx-size 0" fail --ctx-size 0

# --- GGUF formats and offload to CPU memory --------------------------------------------
check "flag: a GGUF type that does not exist" fail --engine llamacpp --dtype q4_k_x
check "sweep: a GGUF type that does not exist" fail sweep dtype=q4_k_m,q7_k
check "flag: more offloaded layers than the model has" fail --model llama2_7b --hw rtx3090 --engine llamacpp --dtype q4_k_m --host desktop_ddr5 --offload-layers 40
check "flag: --offload-layers -1" fail --offload-layers -1
check "flag: offload without a host description" fail --model llama2_7b --hw rtx3090 --dtype q4_k_m --offload-layers 8
check "flag: --offload-experts on a dense model" fail --model llama2_7b --hw rtx3090 --host desktop_ddr5 --offload-experts
check "flag: offload with tensor parallelism" fail --model llama2_7b --hw rtx3090 --host desktop_ddr5 --offload-layers 8 --tp 2
check "flag: an unknown host preset" fail --host ryzen9000 --offload-layers 4
check "flag: offloaded weights larger than the host's memory" fail --model-plugin deepseek_v3 --hw rtx4090 --dtype q8_0 --host desktop_ddr5 --offload-experts
GOOD_HOST='"name": "h", "cores": 16, "clock_GHz": 3, "flops_per_cycle_per_core": 32, "achieved": {"bandwidth_fraction": 0.5, "compute_fraction": 0.5}'
check "host: no memory description (no bandwidth)" fail --host "$(hw host1.json "{$GOOD_HOST}")" --offload-layers 4
check "host: memory without channels" fail --host "$(hw host2.json "{$GOOD_HOST, \"memory\": {\"MTps\": 4800, \"capacity_GiB\": 64}}")" --offload-layers 4
check "host: zero transfer rate" fail --host "$(hw host3.json "{$GOOD_HOST, \"memory\": {\"channels\": 2, \"MTps\": 0, \"capacity_GiB\": 64}}")" --offload-layers 4
check "host: PCIe generation 9" fail --host "$(hw host4.json "{$GOOD_HOST, \"memory\": {\"channels\": 2, \"MTps\": 4800, \"capacity_GiB\": 64}, \"pcie\": {\"generation\": 9}}")" --offload-layers 4
check "cluster: a GPU list that does not match nodes x gpus_per_node" fail --cluster "$(hw gpus1.json '{"name": "g", "nodes": 2, "gpus_per_node": 2, "inter_node": {"bandwidth_Gbps": 100}, "gpus": [{"hardware": "rtx3090", "count": 3}]}')"
check "cluster: a pipeline stage of two GPU kinds" fail --model llama2_7b --tp 2 --cluster "$(hw gpus2.json '{"name": "g", "gpus": [{"hardware": "rtx3090"}, {"hardware": "rtx4090"}]}')"
check "cluster: an unknown GPU in the list" fail --model llama2_7b --cluster "$(hw gpus3.json '{"name": "g", "gpus": [{"hardware": "rtx3090"}, {"hardware": "rtx9090"}]}')"
check "cluster: a host without cores" fail --cluster "$(hw hostcl.json '{"name": "c", "host": {"name": "h", "clock_GHz": 3}}')"

# --- nonsense numbers ----------------------------------------------------------------
check "flag: --system_eff nan" fail --system_eff nan
check "flag: --system_eff 5e-324" fail --system_eff 5e-324
check "flag: --inter-node-latency nan" fail --inter-node-latency nan
check "flag: --inter-node-bw nan" fail --inter-node-bw nan
check "flag: --inter-node-bw 1e-300" fail --inter-node-bw 1e-300
check "flag: --inter-node-latency without a multi-node layout (warned)" 0 --inter-node-latency 100000 --hw h100 --tp 2
NOLINK='{"compute": {"tensor_tflops": {"bf16": 100}}, "memory": {"capacity_GiB": 80, "bandwidth_GBps": 2000}, "interconnect": {"intra_node": {"kind": "pcie", "bandwidth_GBps": 0}}}'
check "hardware: intra-node bandwidth 0 with TP 2" fail --hw-file "$(hw nolink.json "$NOLINK")" --tp 2
check "trace: measured TTFT 1e-320" fail --trace "$(trace tiny.csv 'input_tokens,output_tokens,TTFT\n10,20,1e-320\n')" $HW $T
MEM_HEADER='Model,Platform,Input_Tokens,Output_Tokens,Weights (MB),KV Prefill (MB),KV Total (MB),KV Decode Delta (MB)'
for bad in nan inf 1e308 0; do
  check "memory: measured $bad MiB" fail memory --hw rtx3090 --engine hf --measured "$(trace "mem-$bad.csv" "$MEM_HEADER\nllama2_7b,rtx3090,4096,128,$bad,2048,2112,64\n")"
done

# --- serving simulation ------------------------------------------------------------
SIM="simulate --model llama3_8b --hw h100 --engine vllm --report csv --out $OUT"
check "simulate: arrival times going backwards" fail $SIM --trace "$(trace back.csv 'arrival_time,input_tokens,output_tokens\n0,10,20\n2,10,20\n1,10,20\n')"
check "simulate: a negative arrival time" fail $SIM --trace "$(trace neg.csv 'arrival_time,input_tokens,output_tokens\n-1,10,20\n')"
check "simulate: arrival time NaN" fail $SIM --trace "$(trace nan.csv 'timestamp,input_tokens,output_tokens\nnan,10,20\n')"
check "simulate: an arrival time missing" fail $SIM --trace "$(trace miss.csv 'arrival_time,input_tokens,output_tokens\n0,10,20\n,10,20\n')"
check "simulate: a trace without arrival times and no --rate" fail $SIM --trace "$(trace noarr.csv 'input_tokens,output_tokens\n10,20\n')"
check "simulate: --rate 0" fail $SIM --rate 0
check "simulate: --rate 1e12" fail $SIM --rate 1e12
check "simulate: --slo-ttft without a value" fail $SIM --rate 1 --slo-ttft
check "simulate: --rate and --concurrency together" fail $SIM --rate 1 --concurrency 4
check "simulate: --length-spread without --lengths lognormal" fail $SIM --rate 1 --length-spread 0.5
check "simulate: --length-spread beyond 3" fail $SIM --rate 1 --lengths lognormal --length-spread 5
check "simulate: an unknown router" fail $SIM --rate 1 --router random
check "simulate: a serving flag outside simulate" fail --hw h100 --rate 5
check "simulate: a request that never fits the KV cache (rejected, counted, warned)" 0 simulate --model llama3_8b --hw h100 --engine vllm --trace "$(trace huge.csv 'arrival_time,input_tokens,output_tokens\n0,100,20\n1,2000000,20\n2,100,20\n')" -q
check "simulate: arrivals faster than service (overload warned, bounded)" 0 simulate --model llama3_8b --hw h100 --engine vllm --rate 5000 --requests 20000 --max-sim-time 10 -q
check "simulate: --prefill-hw without --prefill-workers" fail $SIM --rate 1 --prefill-hw h100
check "simulate: disaggregated with closed-loop clients" fail $SIM --concurrency 4 --prefill-workers 1
check "simulate: --stage-hw with another number of stages than --pp" fail $SIM --rate 1 --stage-hw h100,rtx4090 --pp 3
check "simulate: --stage-hw whose first kind is not --hw" fail simulate --model llama3_8b --hw h200 --stage-hw h100,rtx4090 --rate 1

# --- genz plan -------------------------------------------------------------------------
PLAN="plan --model llama3_8b --rate 4 --slo-ttft 500 --slo-tpot 50 --out $OUT"
check "plan: no --hw to choose from" fail $PLAN
check "plan: unknown hardware in the list" fail $PLAN --hw h100,h1000
check "plan: an empty GPU budget (--gpus 0)" fail $PLAN --hw h100 --gpus 0
check "plan: a cost ceiling below one GPU's price" fail $PLAN --hw h100,rtx4090 --max-cost 0.2
check "plan: a price table missing a GPU searched" fail $PLAN --hw h100,rtx4090 --prices "$(hw prices.json '{"gpus": {"h100": {"per_hour": 3}}}')"
check "plan: a price table naming unknown hardware" fail $PLAN --hw h100 --prices "$(hw prices2.json '{"gpus": {"h100": {"per_hour": 3}, "h1000": {"per_hour": 9}}}')"
check "plan: a negative price" fail $PLAN --hw h100 --prices "$(hw prices3.json '{"gpus": {"h100": {"per_hour": -3}}}')"
check "plan: a TTFT target of zero" fail plan --model llama3_8b --hw h100 --rate 4 --slo-ttft 0 --out "$OUT"
check "plan: a negative TPOT target" fail plan --model llama3_8b --hw h100 --rate 4 --slo-tpot -5 --out "$OUT"
check "plan: a percentile the simulation does not report" fail $PLAN --hw h100 --slo-percentile 95
check "plan: --shard 3/2" fail $PLAN --hw h100 --shard 3/2
check "plan: --shard without --out" fail plan --model llama3_8b --hw h100 --rate 4 --shard 1/2
check "plan: --dp (plan chooses the replicas)" fail $PLAN --hw h100 --dp 2
check "plan: an axis that is not a layout degree" fail $PLAN --hw h100 batch=1,2
mkdir -p "$TMP/part1"
"$GENZ" plan --model llama3_8b --rate 4 --hw h100 --shard 1/2 --out "$TMP/part1" -q tp=1 pp=1 >/dev/null 2>&1 || fail "plan --shard 1/2 failed"
check "plan merge: a part missing" fail plan merge "$TMP/part1" --out "$OUT"
check "plan merge: a folder without a part" fail plan merge "$TMP/part1" "$TMP/kernels_empty_not_here" --out "$OUT"

# --- speculative decoding and prefix caching ------------------------------------------
check "spec: an acceptance rate above 1" fail --model llama3_8b --hw h100 --spec-eagle --spec-accept 1.2
check "spec: a negative acceptance rate in a list" fail --model llama3_8b --hw h100 --spec-eagle --spec-accept 0.9,-0.1
check "spec: k of 0" fail --model llama3_8b --hw h100 --spec-eagle --spec-k 0 --spec-accept 0.8
check "spec: k above 16" fail --model llama3_8b --hw h100 --spec-eagle --spec-k 17 --spec-accept 0.8
check "spec: more acceptance rates than draft positions" fail --model llama3_8b --hw h100 --spec-eagle --spec-k 2 --spec-accept 0.9,0.8,0.7
check "spec: a draft model with another vocabulary" fail --model llama3_70b --hw h100 --tp 4 --spec-draft llama2_7b --spec-accept 0.8
check "spec: MTP on a model without MTP modules" fail --model llama3_8b --hw h100 --mtp 1 --spec-accept 0.85
check "spec: two drafters" fail --model llama3_8b --hw h100 --spec-eagle --spec-draft llama3_8b --spec-accept 0.8
check "spec: no acceptance rate" fail --model llama3_8b --hw h100 --spec-eagle
check "prefix: a cached prefix longer than the prompt" fail --model llama3_8b --hw h100 --input-tokens 1024 --prefix-cached 2000
check "prefix: a trace row caching more than its prompt" fail --trace "$(trace cached.csv 'input_tokens,output_tokens,cached_tokens\n100,20,50\n100,20,101\n')" --model llama3_8b --hw h100 $T
check "prefix: a cached prefix in a simulated trace without prefix_id" fail $SIM --rate 1 --trace "$(trace cachedsim.csv 'input_tokens,output_tokens,cached_tokens\n100,20,50\n')"
check "prefix: a simulated trace row caching more than its prompt" fail $SIM --rate 1 --trace "$(trace cachedsim2.csv 'input_tokens,output_tokens,prefix_id,cached_tokens\n100,20,a,50\n100,20,a,120\n')"
check "prefix: a hit rate above 1" fail $SIM --rate 1 --prefix-hit-rate 1.5 --prefix-tokens 500
check "prefix: a hit rate without the prefix's length" fail $SIM --rate 1 --prefix-hit-rate 0.5
check "prefix: a negative prefix length" fail $SIM --rate 1 --prefix-hit-rate 0.5 --prefix-tokens -3
check "prefix: zero shared prefixes" fail $SIM --rate 1 --prefix-hit-rate 0.5 --prefix-tokens 500 --prefix-groups 0
check "prefix: --prefix-caching neither on nor off" fail $SIM --rate 1 --prefix-caching yes
check "prefix: a serving prefix flag in genz predict" fail --model llama3_8b --hw h100 --prefix-hit-rate 0.5 --prefix-tokens 500
check "prefix: --prefix-cached in genz simulate" fail $SIM --rate 1 --prefix-cached 100
check "spec: an acceptance rate above 1 in genz simulate" fail $SIM --rate 1 --spec-eagle --spec-accept 1.01
check "spec: a draft model with another vocabulary in genz simulate" fail $SIM --rate 1 --spec-draft llama2_7b --spec-accept 0.8
check "spec: speculative decoding on static batches (HF) in genz simulate" fail simulate --model llama3_8b --hw h100 --engine hf --rate 1 --spec-eagle --spec-accept 0.8
check "spec: an EAGLE head on an engine that runs none (llama.cpp)" fail --model llama3_8b --hw h100 --engine llamacpp --spec-eagle --spec-accept 0.8
check "spec: a drafter in genz predict with a trace" fail --trace "$T1" --model llama3_8b --hw h100 --spec-eagle --spec-accept 0.8

# --- silently accepted -----------------------------------------------------------------
check "trace: the same column twice (TTFT, ttft)" fail --trace "$(trace dupcol.csv 'input_tokens,output_tokens,TTFT,ttft\n10,20,30,31\n')" $HW $T
check "hardware: a key given twice" fail --hw-file "$(hw dupkey.json '{"compute": {"tensor_tflops": {"bf16": 100}}, "memory": {"capacity_GiB": 24, "bandwidth_GBps": 900, "bandwidth_GBps": 9000}}')"
check "calibrate: a layout key given twice (@tp=1,tp=2)" fail calibrate --hw rtx3090 --engine hf --trace "$T1@tp=1,tp=2" --out "$OUT/c.json"
check "sweep: --trace is not read by sweep" fail sweep batch=1,2 --trace "$T1"
check "engine: an unknown key (cuda_graph)" fail --engine-file "$(hw eng.json '{"name": "mine", "cuda_graph": true}')"
mkdir -p "$TMP/kernels_empty" "$TMP/kernels_cut"
check "kernels: --kernels on a missing folder" fail --model llama3_8b --hw h100 --kernels "$TMP/nokernels"
check "kernels: a folder without kernel tables" fail --model llama3_8b --hw h100 --kernels "$TMP/kernels_empty"
check "kernels: a GEMM table cut mid-row" fail --model llama3_8b --hw h100 --kernels "$(printf 'gemm_dtype,m,n,k,latency_ms\nbfloat16,1,4096,4096,0.02\nbfloat16,2,4096' >"$TMP/kernels_cut/gemm.csv"; echo "$TMP/kernels_cut")"
printf 'not gzip data' | gzip -c | head -c 12 >"$TMP/kernels_gz.gz"; mkdir -p "$TMP/kernels_gz"; mv "$TMP/kernels_gz.gz" "$TMP/kernels_gz/gemm.csv.gz"
check "kernels: a truncated gzip table" fail --model llama3_8b --hw h100 --kernels "$TMP/kernels_gz"
check "calibrate: 40 identical requests" fail calibrate --hw rtx3090 --engine hf --trace "$(trace same.csv "input_tokens,output_tokens,TTFT,TPOT\n$(for _ in $(seq 40); do printf '100,20,30,18\\n'; done)")" --out "$OUT/c.json"
check "calibrate: two distinct request lengths" fail calibrate --hw rtx3090 --engine hf --trace "$(trace two.csv "input_tokens,output_tokens,TTFT,TPOT\n$(for i in $(seq 20); do printf '100,20,30,18\\n500,20,90,18.5\\n'; done)")" --out "$OUT/c.json"
ESC_HW=$(hw esc.json "{\"name\": \"evil\\u001b[2J\\u0007gpu\", $GOOD_COMPUTE, \"memory\": {\"capacity_GiB\": 24, \"bandwidth_GBps\": 900}}")
check "hardware: a name holding ESC and BEL (escaped)" 0 --hw-file "$ESC_HW" -q
"$GENZ" --hw-file "$ESC_HW" >"$TMP/esc.out" 2>&1 || fail "the ESC-named hardware was refused"
grep -q $'\x1b' "$TMP/esc.out" && fail "a raw ESC reached the terminal: $(cat -v "$TMP/esc.out")"
grep -qF 'evil\x1b[2J\x07gpu' "$TMP/esc.out" || fail "the escaped name is not shown: $(cat -v "$TMP/esc.out")"

# --- plugins -------------------------------------------------------------------
MIS="--plugin-path $FIXTURES/misbehaving_hardware"
check "plugin: returns NaN" fail $MIS --hw nan_gpu
check "plugin: returns a negative time" fail $MIS --hw negative_gpu
check "plugin: factory returns nothing" fail $MIS --hw null_gpu
check "plugin: crashes (SIGSEGV)" signal $MIS --hw crash_gpu
check "plugin: throws out of a noexcept call (SIGABRT)" signal $MIS --hw throwing_gpu
check "plugin: describes an invalid part" fail $MIS --hw invalid_spec_gpu
check "plugin: a link without latency (warned, latency assumed)" 0 $MIS --hw no_link_latency_gpu --tp 2
check "plugin: a model entry creating a Hardware object" fail --plugin-path "$FIXTURES/wrong_interface" --model hardware_as_model
check "plugin: a library named like a shipped one (refused, warned)" 0 --plugin-path "$FIXTURES/named_nvidia" --hw h100

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
