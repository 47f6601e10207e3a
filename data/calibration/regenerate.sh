#!/usr/bin/env bash
# Regenerates the fitted hardware parameters shipped in data/calibration/ from
# the measurements in ../shared/data (see DEVELOPERS.md). Run from the
# repository root after building; rebuild afterwards so the hardware plugins
# embed the new files:
#   bash data/calibration/regenerate.sh && cmake --build build -j2
set -euo pipefail
GENZ=${GENZ:-./build/bin/genz}
DATA=${DATA:-../shared/data}
V=$DATA/vidur-profiling
cd "$(dirname "$0")/../.."
# RTX 3090: Llama-2-7B traces measured with eager PyTorch (HF transformers),
# one GPU and two GPUs tensor-parallel over PCIe.
$GENZ calibrate --hw rtx3090 --engine hf --model llama2_7b --dtype fp16 \
  --trace $DATA/rtx3090-llama2-7b/tp1/chat.csv@tp=1 \
  --trace $DATA/rtx3090-llama2-7b/tp2/chat.csv@tp=2 \
  --out data/calibration/rtx3090.json
# H100 and A100: Vidur's per-operator GEMM timings (Llama-2-7B and 70B shapes,
# 1-4096 tokens, TP 1-8) and NCCL all-reduce timings inside one DGX.
for gpu in h100 a100; do
  hw=$gpu; [ "$gpu" = a100 ] && hw=a100_80gb
  $GENZ calibrate --hw $hw --comm nv_like \
    --operators $V/compute/$gpu/Llama-2-7b-hf-mlp.csv \
    --operators $V/compute/$gpu/Llama-2-70b-hf-mlp.csv \
    --network $V/network/${gpu}_dgx/all_reduce.csv \
    --out data/calibration/$hw.json
done
# GEMM kernels (bf16, fp8) under CUDA graphs, per GPU, on aiconfigurator's
# TensorRT-LLM GEMM tables: rewrites the "gemm_kernels" blocks of
# plugins/hardware/nvidia/specs/{h100,h200,b200,a100_80gb,l40s}.jsonc
# (pure Python on both cores, about 15 minutes).
python3 data/calibration/fit_gemm.py "$DATA"
# The engines' collectives (NCCL protocols, their own all-reduce) and
# attention kernels, on aiconfigurator's H100 tables (attention also per
# kernel-library target on the B200's, A100's and L40S's): rewrite the
# "collectives" and "attention" sections of
# framework/data/engines/{trtllm,vllm,sglang}.jsonc (pure Python on both
# cores, about 1 and 22 minutes).
python3 data/calibration/fit_collectives.py "$DATA"
python3 data/calibration/fit_attention.py "$DATA"
# TensorRT-LLM 0.14's serving overheads behind Triton, on the published
# online-serving runs of the H100 (the H200 runs held out): rewrites the
# "serving" section of framework/data/engines/trtllm.jsonc and the
# conversation dataset's length spread in
# framework/src/serving/published_serving.cpp (about a minute).
python3 data/calibration/fit_serving.py "$DATA"
