#!/usr/bin/env python3
"""Fits the attention kernels of the engine profiles (framework/data/engines/*.jsonc,
"attention") on the H100 tables of ../shared/data/aiconfigurator-kernels (CUDA-graph replay,
fused RoPE and KV-cache write included):

  prefill: time = floor + units * unit * (head size / 128)^head_dim_exponent / SMs
                  + max(scores * (4 * head size / (peak * compute_fraction) + softmax_flops / FP32 peak),
                        bytes / (bandwidth * bandwidth_fraction))
           units = batch * heads * ceil(isl / q_tile)          (one CTA per query tile and head)
           scores = batch * heads * isl * (past keys + min(isl, (isl + 1 + diagonal_keys) / 2))
           peak: BF16's, or FP8's at fp8_compute_fraction on an FP8 cache (an FP8 context kernel)
  decode:  time = floor + max(ctas, roofline) + serial_fraction * min(ctas, roofline)
           ctas = units * unit / SMs
           roofline = max(FLOPs / (peak * compute_fraction), bytes / (bandwidth * bandwidth_fraction)) / occupancy
           units = batch * kv_heads * splits,  occupancy = min(1, units / (SMs * ctas_per_sm))
           splits = min(ceil(cached tokens / kv_chunk), ceil(SMs * split_fill / (batch * kv_heads)))
           unit: one query head per CTA (MHA, or a group wider than max_group): single_unit;
                 a group on its KV head: unit (16-bit cache) or fp8_unit (FP8 cache, with fp8_floor)
                 x (head size / 128)^head_dim_exponent x (wide_group past 16 heads)

A CTA has a fixed cost (unit: loading its query tile, the softmax epilogue, writing out) and
the parallel work available bounds the bandwidth a decode reaches (Little's law: each CTA keeps
a bounded number of loads in flight), so batch-1 decode at long context is slower per byte
than batch 64. Scores count the causal half (and the diagonal keys the kernel computes anyway); bytes are the KV cache read plus queries and
outputs. SMs, peaks and bandwidth are the data sheet's, so the fitted values carry to another
GPU by its data sheet.

Fitted on the head configurations of even parity ((heads*31 + kv_heads*7 + head_dim) % 2 == 0,
the same split `genz validate` reports), held out: the others, and every H200/B200/A100/L40S row.
TensorRT-LLM's MLA context kernel ("mla_prefill", mla_context.csv: heads of 192 and 128) has the
prefill model, fitted on the head counts whose log2 is even.
Sliding-window rows are left out (genz does not model windows).

Usage: python3 data/calibration/fit_attention.py ../shared/data
Pure Python: Nelder-Mead on the mean squared log error of a sample of the fitting rows.
"""
import csv, gzip, math, os, random, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fit_collectives import nelder_mead  # noqa: E402

SMS, BF16, BW, VECTOR = 132, 989.4e12, 3350e9, 66.9e12  # H100 SXM data sheet (FP32 non-tensor peak), whitepaper
BYTES = {"bfloat16": 2, "float16": 2, "fp8": 1}


def rows(path):
    op = gzip.open if path.endswith(".gz") else open
    with op(path, "rt") as f:
        yield from csv.DictReader(f)


def parity(r):
    return (int(r["num_heads"]) * 31 + int(r["num_key_value_heads"]) * 7 + int(r["head_dim"])) % 2


def load(path, source=None):
    out = []
    for r in rows(path):
        if float(r.get("window_size", 0) or 0) > 0:
            continue
        if r["attn_dtype"] not in BYTES or r["kv_cache_dtype"] not in BYTES:
            continue
        if source and r.get("kernel_source") != source:
            continue
        b, isl, step = float(r["batch_size"]), float(r["isl"]), float(r["step"])
        h, kv, hd = float(r["num_heads"]), float(r["num_key_value_heads"]), float(r["head_dim"])
        out.append(dict(b=b, isl=isl, step=step, h=h, kv=kv, hd=hd, a=BYTES[r["attn_dtype"]],
                        k=BYTES[r["kv_cache_dtype"]], t=float(r["latency_ms"]) * 1e-3, even=parity(r) == 0))
    return out


def load_mla(path):
    """DeepSeek's MLA context kernel (query/key heads of 192, values of 128, one KV head per
    query head): fitted on the tables' head counts whose log2 is even, the others held out."""
    out = []
    for r in rows(path):
        h = float(r["num_heads"])
        out.append(dict(b=float(r["batch_size"]), isl=float(r["isl"]), step=float(r["step"]), h=h, kv=h, hd=160.0,
                        hq=192.0, a=BYTES[r["mla_dtype"]], k=BYTES[r["kv_cache_dtype"]],
                        t=float(r["latency_ms"]) * 1e-3, even=round(math.log2(h)) % 2 == 0))
    return out


def prefill_time(p, s):
    floor, unit, cf, bf, tile, cf8, softmax, hd_exp, diagonal = p
    kvlen = s["isl"] + s["step"]
    scores = s["b"] * s["h"] * s["isl"] * (s["step"] + min(s["isl"], (s["isl"] + 1 + diagonal) / 2))
    nbytes = s["b"] * (2 * s["isl"] * s["h"] * s["hd"] * s["a"] + kvlen * s["kv"] * 2 * s["hd"] * s["k"])
    units = s["b"] * s["h"] * math.ceil(s["isl"] / tile)
    mma = BF16 * 2 * cf8 if s["k"] == 1 else BF16 * cf  # an FP8 cache runs the FP8 kernel
    compute = scores * (4 * s["hd"] / mma + softmax / VECTOR)
    return floor + units * unit * (s.get("hq", s["hd"]) / 128) ** hd_exp / SMS + max(compute, nbytes / (BW * bf))


MAX_GROUP = {"trtllm": 32}  # XQA serves up to 32 query heads per KV head; larger groups run MMHA
ENGINE = None


DECODE = ["floor_us", "fp8_floor_us", "unit_us", "fp8_unit_us", "single_unit_us", "head_dim_exponent", "wide_group",
          "bandwidth_fraction", "kv_chunk", "split_fill", "ctas_per_sm", "compute_fraction", "serial_fraction"]


def decode_time(p, s):
    floor, floor8, unit16, unit8, single_unit, hd_exp, wide, bf, chunk, fill, per_sm, cf, n = p
    kvlen = s["step"] + 1
    group = s["h"] / s["kv"]
    # A kernel without support for this group size reads the cache once per query head.
    regrouped = group > MAX_GROUP.get(ENGINE, 1e9)
    kv = s["h"] if regrouped else s["kv"]
    flops = 2 * s["b"] * s["h"] * kvlen * 2 * s["hd"]
    nbytes = s["b"] * (2 * s["h"] * s["hd"] * s["a"] + kvlen * kv * 2 * s["hd"] * s["k"])
    heads = s["b"] * kv
    splits = max(1, min(math.ceil(kvlen / chunk), math.ceil(SMS * fill / heads)))
    units = heads * splits
    if regrouped or group <= 1:
        cta = single_unit
    else:
        cta = (unit8 if s["k"] == 1 else unit16) * (s["hd"] / 128) ** hd_exp * (wide if group > 16 else 1)
        if s["k"] == 1:
            floor = floor8
    par = min(1.0, units / (SMS * per_sm))
    peak = BF16 * (2 if s["k"] == 1 else 1)  # the products run in the cache's format (FP8 MMA for an FP8 cache)
    a = units * cta / SMS
    r = max(flops / (peak * cf), nbytes / (BW * bf)) / par
    # piecewise linear in the context, as genz's one-off predictions assume
    return floor + max(a, r) + n * min(a, r)


def fit(model, x0, scale, samples, fixed_tile, capped=(2,), iters=1500):
    """Nelder-Mead in log space; the `capped` values are at most 1 (fractions, the prefill head-size exponent)."""
    def unpack(x):
        v = [math.exp(c) for c in x]
        for i in capped:
            v[i] = min(v[i], 1.0)
        if fixed_tile is not None:
            v.insert(4, fixed_tile)
        return v

    def loss(x):
        p = unpack(x)
        return sum(math.log(model(p, s) / s["t"]) ** 2 for s in samples) / len(samples)

    x = nelder_mead(loss, [math.log(v) for v in x0], scale, iters=iters)
    return unpack(x)


def stats(model, p, samples):
    e = sorted(abs(model(p, s) / s["t"] - 1) * 100 for s in samples)
    if not e:
        return "n 0"
    return f"n {len(e)}, median {e[len(e) // 2]:.1f} %, p90 {e[int(len(e) * 0.9)]:.1f} %"


def write_kernel(engine, phase, text):
    """Replaces the phase's object in the "attention" section of the engine's profile."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "framework", "data", "engines",
                        f"{engine}.jsonc")
    with open(path) as f:
        old = f.read()
    new, n = re.subn(r'("%s": )\{[^{}]*\}' % phase, lambda m: m.group(1) + "{" + text + "}",
                     old[old.index('"attention":'):], count=1)
    if n != 1:
        sys.exit(f"{path}: no \"attention\" / \"{phase}\" object to replace")
    with open(path + ".tmp", "w") as f:  # renamed: an interrupted run leaves the profile whole
        f.write(old[:old.index('"attention":')] + new)
    os.replace(path + ".tmp", path)


def main():
    data = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
    d = f"{data}/aiconfigurator-kernels/h100_sxm"
    tables = {"trtllm": (f"{d}/trtllm_1.3.0rc20/context_attention.csv", f"{d}/trtllm_1.3.0rc20/generation_attention.csv",
                         f"{d}/trtllm_1.3.0rc20/mla_context.csv"),
              "vllm": (f"{d}/other_backends/vllm_0.24.0_context_attention.csv.gz",
                       f"{d}/other_backends/vllm_0.24.0_generation_attention.csv.gz", None),
              "sglang": (f"{d}/other_backends/sglang_0.5.14_context_attention.csv.gz",
                         f"{d}/other_backends/sglang_0.5.14_generation_attention.csv.gz", None)}
    global ENGINE
    phases = os.environ.get("GENZ_PHASES", "prefill,decode,mla_prefill").split(",")
    prefill_x0 = [16e-6, 3.5e-6, 0.6, 0.5, 0.45, 9, 0.25, 600]
    for engine, (ctx, gen, mla) in tables.items():
        ENGINE = engine
        for phase, path, model, x0 in (("prefill", ctx, prefill_time, prefill_x0),
                                       ("decode", gen, decode_time, [8.4e-6, 6e-6, 4.1e-6, 1.7e-6, 1.3e-6, 0.5, 2,
                                                                     0.86, 200, 8, 1, 0.5, 0.5]),
                                       ("mla_prefill", mla, prefill_time, prefill_x0)):
            if phase not in phases or path is None:
                continue
            random.seed(f"{engine} {phase}")  # the same sample whichever phases run
            s = load_mla(path) if phase == "mla_prefill" else load(path)
            train = [r for r in s if r["even"]]
            held = [r for r in s if not r["even"]]
            sample = random.sample(train, min(2000, len(train)))
            if phase != "decode":
                best = None
                for tile in (64, 128):
                    p = fit(model, x0, [0.5] * len(x0), sample, tile, capped=(2, 3, 4, 6), iters=2000)
                    l = sum(math.log(model(p, r) / r["t"]) ** 2 for r in sample)
                    if best is None or l < best[0]:
                        best = (l, p)
                p = best[1]
                names = ["floor_us", "unit_us", "compute_fraction", "bandwidth_fraction", "q_tile",
                         "fp8_compute_fraction", "softmax_flops", "head_dim_exponent", "diagonal_keys"]
            else:
                sample = random.sample(train, min(3000, len(train)))
                p = fit(model, x0, [0.5] * len(x0), sample, None, capped=(7, 11, 12), iters=2500)
                names = DECODE
            vals = [v * 1e6 if n.endswith("_us") else v for n, v in zip(names, p)]
            text = ", ".join(f'"{n}": {v:.3g}' for n, v in zip(names, vals))
            if phase == "decode" and engine in MAX_GROUP:
                text += f', "max_group": {MAX_GROUP[engine]}'
            print(f"{engine} {phase}: {{{text}}}")
            write_kernel(engine, phase, text)
            print(f"  fit {stats(model, p, train)}; held-out shapes {stats(model, p, held)}")


if __name__ == "__main__":
    main()
