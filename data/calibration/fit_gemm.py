#!/usr/bin/env python3
"""Fits the GEMM kernel descriptions ("gemm_kernels") of the NVIDIA specs.

The model is sdk/include/genz/sdk/gemm_kernel.hpp's, written again here in
Python's standard library: the library picks the fastest of a few CTA tiles;
each CTA walks its share of K one 128-byte step at a time (latency-bound at
few CTAs); K is split over idle SMs; the kernel takes the smooth maximum of
that latency, the tensor work in whole waves and the DRAM traffic, plus a
floor. The GPU's SM count, tensor peak and DRAM bandwidth are its data
sheet's; the eight parameters per GPU and format are fitted here.

Data: TensorRT-LLM's GEMM tables of ../shared/data/aiconfigurator-kernels
(CUDA-graph replay, so no launch gaps; `fp8` includes the activation
quantization; `fp8_block`, 128x128 weight and 1x128 activation scales, is
DeepGEMM-style kernels with their own description, "fp8_block", at the FP8
peak; genz runs it for Op::block_scaled GEMMs). bf16 GEMMs are cuBLAS's in every engine (the vLLM and SGLang
tables agree with TensorRT-LLM's within a few per cent, median), so one
description per GPU serves them all.

Each fit uses half of the (n, k) weight shapes (a hash of the shape, as
`genz validate` splits them) and reports the other half as held out; the H100 fit is also reported on the H200 with
only the data-sheet numbers changed (the H200 ships the H100's values: same
die). Writes the "gemm_kernels" block of plugins/hardware/nvidia/specs/*.jsonc
between its marker comments. Run from the repository root:
    python3 data/calibration/fit_gemm.py [../shared/data]
"""
import csv
import json
import math
import multiprocessing
import re
import sys

DATA = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
SPECS = "plugins/hardware/nvidia/specs"
TILES = ((128, 128), (128, 64), (64, 128), (64, 64), (64, 32), (32, 64))
# Data sheets (SXM dense peaks; see each spec file for its source).
GPUS = {
    "h100_sxm": dict(spec="h100", sm=132, bf16=989.4e12, fp8=1979e12, bw=3350e9),
    "h200_sxm": dict(spec="h200", sm=132, bf16=989.4e12, fp8=1979e12, bw=4800e9),
    "b200_sxm": dict(spec="b200", sm=148, bf16=2250e12, fp8=4500e12, bw=8000e9),
    "a100_sxm": dict(spec="a100_80gb", sm=108, bf16=312e12, fp8=0, bw=2039e9),
    "l40s": dict(spec="l40s", sm=142, bf16=362.05e12, fp8=733e12, bw=864e9),
}
NAMES = ("floor_us", "compute_fraction", "bandwidth_fraction", "iteration_ns", "overlap_exponent",
         "split_reduce_us", "wave_us", "quantize_us")
SPLIT_K_MIN = 2048
PEAK = {"bf16": "bf16", "fp8": "fp8", "fp8_block": "fp8"}  # block-scaled FP8 runs at the FP8 peak
START = [2.4, 0.8, 0.8, 60, 4, 1.5, 0.3, 4]
STEPS = [0.5, 0.1, 0.1, 20, 1, 0.5, 0.2, 1]


def load(gpu, dtype):
    import glob
    path = glob.glob(f"{DATA}/aiconfigurator-kernels/{gpu}/trtllm_*/gemm.csv")[0]
    rows = {}
    with open(path) as f:
        for r in csv.DictReader(f):
            if r["gemm_dtype"] == dtype:
                key = (int(r["m"]), int(r["n"]), int(r["k"]))
                rows[key] = min(float(r["latency_ms"]) * 1e-3, rows.get(key, 1.0))
    return rows


def kernel(m, n, k, g, p, fmt, tm, tn):
    floor, cf, bf, it, ex, red, wave, _ = p
    ib = 2 if fmt == "bf16" else 1
    tiles = math.ceil(m / tm) * math.ceil(n / tn)
    split = 1 if tiles >= g["sm"] else max(1, min(g["sm"] // tiles, math.ceil(k / SPLIT_K_MIN)))
    waves = math.ceil(tiles * split / g["sm"])
    kc = k / split
    lat = waves * math.ceil(kc / (128 / ib)) * it * 1e-9
    comp = waves * (2 * tm * tn * kc / (g[PEAK[fmt]] * cf / g["sm"]) + wave * 1e-6)
    data = (m * k + n * k) * ib + m * n * 2 + (m * n * 8 * split if split > 1 else 0)
    mem = data / (g["bw"] * bf)
    hi = max(lat, comp, mem)
    return floor * 1e-6 + (red * 1e-6 if split > 1 else 0) + hi * sum((x / hi) ** ex for x in (lat, comp, mem)) ** (1 / ex)


def predict(m, n, k, g, p, fmt):
    t = min(kernel(m, n, k, g, p, fmt, tm, tn) for tm, tn in TILES)
    if fmt != "bf16":
        t += p[7] * 1e-6 + 3 * m * k / (g["bw"] * p[2])
    return t


def errors(rows, g, p, fmt):
    return sorted(abs(predict(m, n, k, g, p, fmt) / t - 1) for (m, n, k), t in rows)


def summary(e):
    return f"median {100 * e[len(e) // 2]:.1f} %, p90 {100 * e[int(len(e) * 0.9)]:.1f} % ({len(e)} shapes)"


def held_out(n, k):
    """The same split as calibration/kernel_check.cpp's held_out_gemm: whole
    (n, k) weight shapes, by one bit of a multiplicative hash."""
    return (((n * 2654435761 + k * 40503) & 0xFFFFFFFF) >> 16) & 1 == 1


def halves(rows):
    a = [(s, t) for s, t in rows.items() if not held_out(s[1], s[2])]
    b = [(s, t) for s, t in rows.items() if held_out(s[1], s[2])]
    return a, b


def nelder_mead(f, x0, steps, iters):
    n = len(x0)
    pts = [list(x0)] + [[x0[j] + (steps[j] if j == i else 0) for j in range(n)] for i in range(n)]
    vals = [f(p) for p in pts]
    for _ in range(iters):
        order = sorted(range(n + 1), key=lambda i: vals[i])
        pts, vals = [pts[i] for i in order], [vals[i] for i in order]
        c = [sum(p[j] for p in pts[:-1]) / n for j in range(n)]
        r = [c[j] + (c[j] - pts[-1][j]) for j in range(n)]
        fr = f(r)
        if fr < vals[0]:
            e = [c[j] + 2 * (c[j] - pts[-1][j]) for j in range(n)]
            fe = f(e)
            pts[-1], vals[-1] = (e, fe) if fe < fr else (r, fr)
        elif fr < vals[-2]:
            pts[-1], vals[-1] = r, fr
        else:
            cc = [c[j] + 0.5 * (pts[-1][j] - c[j]) for j in range(n)]
            fc = f(cc)
            if fc < vals[-1]:
                pts[-1], vals[-1] = cc, fc
            else:
                for i in range(1, n + 1):
                    pts[i] = [pts[0][j] + 0.5 * (pts[i][j] - pts[0][j]) for j in range(n)]
                    vals[i] = f(pts[i])
    return pts[0]


def fit(job):
    gpu, dtype = job
    fmt = "bf16" if dtype == "bfloat16" else dtype
    g = GPUS[gpu]
    train, held = halves(load(gpu, dtype))
    sample = train[::2]  # every other shape of the fitting half keeps the search quick

    def score(p):
        if p[0] <= 0 or not 0 < p[1] < 1.5 or not 0 < p[2] < 2 or p[3] < 0 or p[4] < 1 or min(p[5:]) < 0:
            return 1e9
        e = errors(sample, g, p, fmt)
        return e[len(e) // 2] + e[int(len(e) * 0.9)] / 2.5

    p = nelder_mead(score, START, STEPS, 300)
    lines = [f"{gpu} {fmt}: fitted half {summary(errors(train, g, p, fmt))}; "
             f"held-out half {summary(errors(held, g, p, fmt))}"]
    if gpu == "h100_sxm":
        for other in ("h200_sxm", "b200_sxm"):
            lines.append(f"  H100's values on {other}, data sheet only: "
                         f"{summary(errors(list(load(other, dtype).items()), GPUS[other], p, fmt))}")
    return gpu, fmt, p, lines


def block(entries):
    out = {}
    for fmt, p in entries:
        d = {name: round(v, 4) for name, v in zip(NAMES, p)}
        if fmt == "bf16":
            del d["quantize_us"]
        d["split_k_min"] = SPLIT_K_MIN
        out[fmt] = d
    body = ",\n".join(f'                   "{f}": {json.dumps(d)}' for f, d in out.items())
    return '  "gemm_kernels": {\n' + body + "}"


def write(spec, entries, source):
    path = f"{SPECS}/{spec}.jsonc"
    text = open(path).read()
    begin, end = "  // gemm_kernels: generated by data/calibration/fit_gemm.py", "  // end gemm_kernels"
    new = f"{begin} ({source})\n{block(entries)}\n{end}"
    pattern = re.escape(begin) + r".*?" + re.escape(end)
    if not re.search(pattern, text, flags=re.S):
        sys.exit(f"{path}: no gemm_kernels markers ('{begin}' ... '{end}')")
    open(path, "w").write(re.sub(pattern, lambda _: new, text, flags=re.S))


def main():
    jobs = [("h100_sxm", "bfloat16"), ("h100_sxm", "fp8"), ("h100_sxm", "fp8_block"), ("b200_sxm", "bfloat16"),
            ("b200_sxm", "fp8"), ("b200_sxm", "fp8_block"), ("a100_sxm", "bfloat16"), ("l40s", "bfloat16"),
            ("l40s", "fp8")]
    with multiprocessing.Pool() as pool:
        results = pool.map(fit, jobs)
    fitted = {}
    for gpu, fmt, p, lines in results:
        print("\n".join(lines))
        fitted.setdefault(gpu, []).append((fmt, p))
    for gpu, entries in fitted.items():
        write(GPUS[gpu]["spec"], entries, f"fitted on {gpu}")
    write("h200", fitted["h100_sxm"], "the H100's: same die, fitted on h100_sxm")


if __name__ == "__main__":
    main()
