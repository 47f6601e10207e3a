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

Then fits the engines' own FP8 GEMMs (vLLM's and SGLang's CUTLASS 3 kernels,
ENGINE_JOBS: their dispatch list by shape, no split-K, a per-token activation
quantization) on half of the H100 shapes of their tables, reports the other
half and the H200, and writes the "gemm_kernels" block of
framework/data/engines/<engine>.jsonc. GENZ_FIT=engines fits only those.
vLLM's block-scaled FP8 GEMMs take SGLang's description (the same DeepGEMM
kernels, SHARED), and its table's host time per eager call by kernel source
is written beside them ("eager_call_us", EAGER_JOBS).
"""
import csv
import json
import math
import multiprocessing
import os
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
    "l40s": dict(spec="l40s", sm=142, bf16=362.05e12, fp8=733e12, bw=864e9, l2=96 * 2**20),
}
# The tables replay one kernel on the same buffers, so a working set that fits
# the L2 stays there (Op::replayed). On the L40S (96 MB of L2 beside 864 GB/s
# of GDDR6) that is most of the table: fitted without it, its GEMMs would
# claim 1.3x the DRAM bandwidth, which a forward pass never sees. Its fits
# add the L2's bandwidth and the share of the data sheet's L2 that holds a
# working set (GemmKernelSpec::l2_bandwidth, l2_fraction).
L2_NAMES = ("l2_bandwidth_GBps", "l2_fraction")
NAMES = ("floor_us", "compute_fraction", "bandwidth_fraction", "iteration_ns", "overlap_exponent",
         "split_reduce_us", "wave_us", "quantize_us")
SPLIT_K_MIN = 2048
PEAK = {"bf16": "bf16", "fp8": "fp8", "fp8_block": "fp8"}  # block-scaled FP8 runs at the FP8 peak
START = [2.4, 0.8, 0.8, 60, 4, 1.5, 0.3, 4]
STEPS = [0.5, 0.1, 0.1, 20, 1, 0.5, 0.2, 1]


def table_rows(gpu, dtype, engine="trtllm"):
    """An engine's GEMM table rows of one format: ((m, n, k), seconds, kernel_source)."""
    import glob
    import gzip
    if engine == "trtllm":
        path, opener = glob.glob(f"{DATA}/aiconfigurator-kernels/{gpu}/trtllm_*/gemm.csv")[0], open
    else:
        path = glob.glob(f"{DATA}/aiconfigurator-kernels/{gpu}/other_backends/{engine}_*_gemm.csv.gz")[0]
        opener = lambda p: gzip.open(p, "rt")  # noqa: E731
    with opener(path) as f:
        return [((int(r["m"]), int(r["n"]), int(r["k"])), float(r["latency_ms"]) * 1e-3, r.get("kernel_source", ""))
                for r in csv.DictReader(f) if r["gemm_dtype"] == dtype]


def load(gpu, dtype, engine="trtllm"):
    """The fastest time of each shape."""
    rows = {}
    for key, t, _ in table_rows(gpu, dtype, engine):
        rows[key] = min(t, rows.get(key, 1.0))
    return rows


def kernel(m, n, k, g, p, fmt, tm, tn, cm=1, cn=1, split_k=True):
    floor, cf, bf, it, ex, red, wave = p[:7]
    ib = 2 if fmt == "bf16" else 1
    tiles = math.ceil(m / (tm * cm)) * cm * math.ceil(n / (tn * cn)) * cn
    split = 1 if tiles >= g["sm"] or not split_k else max(1, min(g["sm"] // tiles, math.ceil(k / SPLIT_K_MIN)))
    waves = math.ceil(tiles * split / g["sm"])
    kc = k / split
    lat = waves * math.ceil(kc / (128 / ib)) * it * 1e-9
    comp = waves * (2 * tm * tn * kc / (g[PEAK[fmt]] * cf / g["sm"]) + wave * 1e-6)
    data = (m * k + n * k) * ib + m * n * 2 + (m * n * 8 * split if split > 1 else 0)
    mem = memory(data, g, bf)
    hi = max(lat, comp, mem)
    return floor * 1e-6 + (red * 1e-6 if split > 1 else 0) + hi * sum((x / hi) ** ex for x in (lat, comp, mem)) ** (1 / ex)


def memory(data, g, bf):
    """gemm_memory_seconds: the DRAM traffic, less the share a replayed working set finds in the L2."""
    if not g.get("l2_bw"):
        return data / (g["bw"] * bf)
    resident = min(1.0, g["l2"] * g["l2_frac"] / data)
    return data * (resident / g["l2_bw"] + (1 - resident) / (g["bw"] * bf))


def with_l2(g, p):
    """Splits the fitted vector of a GPU with an L2 term: the kernel's parameters, and g with the L2's."""
    if "l2" not in g:
        return g, p
    return dict(g, l2_bw=p[-2] * 1e9, l2_frac=p[-1]), p[:-2]


def quantize(m, k, g, p):
    """gemm_quantize_seconds: floor plus the longer of the traffic and the
    rounds of one-CTA-per-row work (p[8], engines' descriptions only)."""
    rows = math.ceil(m / g["sm"]) * p[8] * 1e-9 if len(p) > 8 else 0
    return p[7] * 1e-6 + max(3 * m * k / (g["bw"] * p[2]), rows)


def predict(m, n, k, g, p, fmt, dispatch=None):
    if dispatch:
        tm, tn, cm, cn = next(d[2:] for d in dispatch if m <= d[0] and n <= d[1])
        t = kernel(m, n, k, g, p, fmt, tm, tn, cm, cn, split_k=False)
    else:
        t = min(kernel(m, n, k, g, p, fmt, tm, tn) for tm, tn in TILES)
    return t + (quantize(m, k, g, p) if fmt != "bf16" else 0)


def errors(rows, g, p, fmt, dispatch=None):
    g, p = with_l2(g, p)
    return sorted(abs(predict(m, n, k, g, p, fmt, dispatch) / t - 1) for (m, n, k), t in rows)


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


def fit_params(train, g, fmt, start, steps, dispatch=None):
    """Nelder-Mead on every other shape of the fitting half (keeps the search
    quick), weighing the median and the p90 of the error."""
    sample = train[::2]

    l2 = "l2" in g
    if l2:  # the DRAM fraction stays physical (at most 1) once the L2 is in
        start, steps = list(start) + [2000, 0.3], list(steps) + [500, 0.1]

    def score(p):
        if p[0] <= 0 or not 0 < p[1] < 1.5 or not 0 < p[2] < (1 if l2 else 2) or p[3] < 0 or p[4] < 1 or min(p[5:]) < 0:
            return 1e9
        if l2 and p[-1] > 1:
            return 1e9
        e = errors(sample, g, p, fmt, dispatch)
        return e[len(e) // 2] + e[int(len(e) * 0.9)] / 2.5

    return nelder_mead(score, start, steps, 600 if l2 else 300)


def fit(job):
    gpu, dtype = job
    fmt = "bf16" if dtype == "bfloat16" else dtype
    g = GPUS[gpu]
    train, held = halves(load(gpu, dtype))
    p = fit_params(train, g, fmt, START, STEPS)
    lines = [f"{gpu} {fmt}: fitted half {summary(errors(train, g, p, fmt))}; "
             f"held-out half {summary(errors(held, g, p, fmt))}"]
    if gpu == "h100_sxm":
        for other in ("h200_sxm", "b200_sxm"):
            lines.append(f"  H100's values on {other}, data sheet only: "
                         f"{summary(errors(list(load(other, dtype).items()), GPUS[other], p, fmt))}")
    return gpu, fmt, p, lines


def l2_entries(p, n):
    """The L2 values of a fitted vector of n kernel parameters (none without an L2 term)."""
    return {name: round(v, 4) for name, v in zip(L2_NAMES, p[n:])}


def block(entries):
    out = {}
    for fmt, p in entries:
        d = {name: round(v, 4) for name, v in zip(NAMES, p)}
        if fmt == "bf16":
            del d["quantize_us"]
        d["split_k_min"] = SPLIT_K_MIN
        d.update(l2_entries(p, len(NAMES)))
        out[fmt] = d
    body = ",\n".join(f'                   "{f}": {json.dumps(d)}' for f, d in out.items())
    return '  "gemm_kernels": {\n' + body + "}"


def write_block(path, text_of_block, source):
    """Replaces the text between the gemm_kernels marker comments of `path`."""
    text = open(path).read()
    begin, end = "  // gemm_kernels: generated by data/calibration/fit_gemm.py", "  // end gemm_kernels"
    new = f"{begin} ({source})\n{text_of_block}\n{end}"
    pattern = re.escape(begin) + r".*?" + re.escape(end)
    if not re.search(pattern, text, flags=re.S):
        sys.exit(f"{path}: no gemm_kernels markers ('{begin}' ... '{end}')")
    open(path, "w").write(re.sub(pattern, lambda _: new, text, flags=re.S))


def write(spec, entries, source):
    write_block(f"{SPECS}/{spec}.jsonc", block(entries), source)


# Engines whose FP8 GEMMs are CUTLASS 3 kernels of their own, picked by the
# shape: (m_max, n_max, tile_m, tile_n, cluster_m, cluster_n), first match.
# vLLM's sm90 list (csrc/quantization/w8a8/cutlass/c3x/scaled_mm_sm90_fp8_dispatch.cuh;
# its m <= 64 kernels swap A and B: tile and cluster written here in output
# coordinates, so their 16-row side and its cluster are m's).
# SGLang 0.5.14's table fits this list better than sgl-kernel's own older
# fp8_gemm_kernel.cu list (H100: median/p90 8.7/20.9 % against 9.9/26.7 %).
UNBOUNDED = 1e12
VLLM_SM90_FP8 = ((16, 1280, 16, 64, 2, 1), (16, UNBOUNDED, 16, 64, 1, 1), (64, 1280, 16, 64, 4, 1),
                 (64, UNBOUNDED, 64, 64, 1, 1), (128, UNBOUNDED, 64, 128, 2, 1),
                 (UNBOUNDED, UNBOUNDED, 128, 128, 2, 1))
# vLLM's sm100 list (scaled_mm_sm100_fp8_dispatch.cuh), per SM: a cluster of
# 2 along the tile's first dimension runs Blackwell's 2-SM MMA, each SM half
# the tile. m <= 16 and m <= 64 swap A and B (128x32 and 128x64 tiles in
# clusters of 4 along n: 32 or 64 rows by 64 columns per SM); m <= 256 128x128
# in clusters of 2 (64x128 per SM); larger m 256x128 in 2x2 clusters
# (128x128 per SM, the grid padded to 256x256). SGLang's B200 table fits it
# (median/p90 7.3/24.5 %; the whole tiles per SM instead: 8.6/31.7 %).
VLLM_SM100_FP8 = ((16, UNBOUNDED, 32, 64, 1, 4), (64, UNBOUNDED, 64, 64, 1, 4), (256, UNBOUNDED, 64, 128, 2, 1),
                  (UNBOUNDED, UNBOUNDED, 128, 128, 2, 2))
# vLLM's sm89 list (CUTLASS 2 kernels, scaled_mm_c2x_sm89_fp8_dispatch.cuh):
# by m (rows padded to a power of two, at least 32) and n; no clusters.
VLLM_SM89_FP8 = ((32, 8192, 32, 64, 1, 1), (32, 16384, 32, 128, 1, 1), (32, UNBOUNDED, 32, 64, 1, 1),
                 (64, 8192, 64, 64, 1, 1), (64, 16384, 64, 128, 1, 1), (64, UNBOUNDED, 64, 64, 1, 1),
                 (128, 8192, 64, 128, 1, 1), (128, 16384, 128, 128, 1, 1), (128, UNBOUNDED, 128, 64, 1, 1),
                 (256, 4096, 64, 128, 1, 1), (256, UNBOUNDED, 128, 128, 1, 1), (UNBOUNDED, 4096, 128, 128, 1, 1),
                 (UNBOUNDED, 8192, 256, 128, 1, 1), (UNBOUNDED, UNBOUNDED, 128, 128, 1, 1))
ENGINE_JOBS = (("vllm", "h100_sxm", "sm90", "fp8", VLLM_SM90_FP8), ("sglang", "h100_sxm", "sm90", "fp8", VLLM_SM90_FP8),
               ("vllm", "b200_sxm", "sm100", "fp8", VLLM_SM100_FP8),
               ("sglang", "b200_sxm", "sm100", "fp8", VLLM_SM100_FP8),
               ("vllm", "l40s", "sm89", "fp8", VLLM_SM89_FP8), ("sglang", "l40s", "sm89", "fp8", VLLM_SM89_FP8),
               # SGLang's block-scaled FP8 (DeepGEMM, sgl-kernel's blockwise
               # CUTLASS): no dispatch list, the fastest tile as the vendor
               # libraries pick it, with parameters of its own.
               ("sglang", "h100_sxm", "sm90", "fp8_block", None), ("sglang", "b200_sxm", "sm100", "fp8_block", None))
ENGINES = "framework/data/engines"
# vLLM's block-scaled FP8 GEMMs run DeepGEMM's kernels on sm90 and sm100 (its
# tables' kernel_source; FlashInfer's at m <= 17 on sm90), the library SGLang
# runs: SGLang's fitted description serves both. vLLM's table cannot fit one
# of its own: it timed these kernels as eager calls (below), so only large
# shapes show the kernel, and the few-row kernels decode runs stay hidden.
SHARED = {("vllm", "fp8_block"): "sglang"}
# vLLM's block-scaled FP8 table was timed as eager calls, not in a CUDA graph:
# a row's time is flat at the host's time per call (H100: 60 us FlashInfer,
# 91 us DeepGEMM, 179 us CUTLASS; the H200's box within 2 %) until the kernel
# takes longer, and then the kernel's (8192 x 8192 at m = 1: 61 us against
# SGLang's 32 us; m = 16384 x 8192 x 1024: 272 us against SGLang's 272 us).
# The host's time per kernel source is the median of the fitting half's
# small shapes (under 2^31 multiply-adds and 2^24 weights, kernels of a few
# microseconds), per GPU it was measured on ("eager_call_us").
EAGER_JOBS = (("vllm", "h100_sxm", "sm90"), ("vllm", "b200_sxm", "sm100"), ("vllm", "l40s", "sm89"))


def eager_calls(job):
    engine, gpu, arch = job
    by_source = {}
    for (m, n, k), t, source in table_rows(gpu, "fp8_block", engine):
        if not held_out(n, k) and m * n * k <= 2**31 and n * k <= 2**24:
            by_source.setdefault(source, []).append(t)
    hosts = {s: sorted(v)[len(v) // 2] for s, v in sorted(by_source.items())}
    return engine, gpu, arch, hosts


def eager_report(engine, gpu, hosts, p):
    """The table's error with the host's time per call and SGLang's kernel; and on the rows well above it."""
    lines = [f"{engine} {gpu} fp8_block eager calls: " + ", ".join(f"{s} {1e6 * h:.1f} us" for s, h in hosts.items())]
    for other in (gpu, "h200_sxm") if gpu == "h100_sxm" else (gpu,):
        rows = table_rows(other, "fp8_block", engine)
        if p is None or not rows:
            continue
        g = GPUS[other]
        pred = [(max(hosts.get(s, 0), predict(m, n, k, g, p, "fp8_block")), t, hosts.get(s, 0)) for (m, n, k), t, s in rows]
        every = sorted(abs(x / t - 1) for x, t, _ in pred)
        kernel_bound = sorted(abs(x / t - 1) for x, t, h in pred if t > 1.5 * h)
        lines.append(f"  {other}: every row {summary(every)}; rows over 1.5x the host's time {summary(kernel_bound)}")
    return lines


def eager_text(results):
    archs = {arch: {s: round(h * 1e6, 1) for s, h in hosts.items()} for _, _, arch, hosts in results}
    body = ",\n".join(f'                    "{a}": {json.dumps(h)}' for a, h in archs.items())
    return '  "eager_call_us": {\n' + body + "},"


def fit_engine(job):
    engine, gpu, arch, dtype, dispatch = job
    g = GPUS[gpu]
    train, held = halves(load(gpu, dtype, engine))
    p = fit_params(train, g, dtype, START + [500], STEPS + [100], dispatch)
    lines = [f"{engine} {gpu} {dtype}: fitted half {summary(errors(train, g, p, dtype, dispatch))}; "
             f"held-out half {summary(errors(held, g, p, dtype, dispatch))}"]
    if gpu == "h100_sxm":
        h200 = list(load("h200_sxm", dtype, engine).items())
        lines.append(f"  on h200_sxm, data sheet only: {summary(errors(h200, GPUS['h200_sxm'], p, dtype, dispatch))}")
    return engine, arch, dtype, p, dispatch, lines


def engine_block(entries, eager=None):
    archs = {}
    for arch, dtype, p, dispatch in entries:
        kernel = {name: round(v, 4) for name, v in zip(NAMES, p)}
        kernel["quantize_row_ns"] = round(p[8], 2)
        kernel.update(l2_entries(p, len(NAMES) + 1))
        if dispatch is None:
            kernel["split_k_min"] = SPLIT_K_MIN
            archs.setdefault(arch, []).append(f'"{dtype}": {{"kernel": {json.dumps(kernel)}}}')
            continue
        del kernel["split_reduce_us"]  # the persistent kernels do not split K
        rows = []
        for m_max, n_max, tm, tn, cm, cn in dispatch:
            d = {} if m_max >= UNBOUNDED else {"m_max": m_max}
            if n_max < UNBOUNDED:
                d["n_max"] = n_max
            d.update(tile_m=tm, tile_n=tn, cluster_m=cm, cluster_n=cn)
            rows.append(json.dumps(d))
        dispatch_text = (",\n" + " " * 50).join(rows)
        archs.setdefault(arch, []).append(f'"{dtype}": {{"kernel": {json.dumps(kernel)},\n'
                                          f'{" " * 38}"dispatch": [{dispatch_text}]}}')
    body = ",\n".join(f'                   "{a}": {{' + ",\n".join(f) + "}" for a, f in archs.items())
    return '  "gemm_kernels": {\n' + body + "}," + ("\n" + eager if eager else "")


def write_engine(engine, entries, source, eager=None):
    write_block(f"{ENGINES}/{engine}.jsonc", engine_block(entries, eager), source)


def main():
    if os.environ.get("GENZ_FIT", "all") == "engines":
        return fit_engines()
    jobs = [("h100_sxm", "bfloat16"), ("h100_sxm", "fp8"), ("h100_sxm", "fp8_block"), ("b200_sxm", "bfloat16"),
            ("b200_sxm", "fp8"), ("b200_sxm", "fp8_block"), ("a100_sxm", "bfloat16"), ("l40s", "bfloat16"),
            ("l40s", "fp8"), ("l40s", "fp8_block")]
    with multiprocessing.Pool() as pool:
        results = pool.map(fit, jobs)
    fitted = {}
    for gpu, fmt, p, lines in results:
        print("\n".join(lines))
        fitted.setdefault(gpu, []).append((fmt, p))
    for gpu, entries in fitted.items():
        write(GPUS[gpu]["spec"], entries, f"fitted on {gpu}")
    write("h200", fitted["h100_sxm"], "the H100's: same die, fitted on h100_sxm")
    fit_engines()


def fit_engines():
    with multiprocessing.Pool() as pool:
        engine_results = pool.map(fit_engine, ENGINE_JOBS)
        eager_results = pool.map(eager_calls, EAGER_JOBS)
    by_engine = {}
    for engine, arch, dtype, p, dispatch, lines in engine_results:
        print("\n".join(lines))
        by_engine.setdefault(engine, []).append((arch, dtype, p, dispatch))
    for (engine, dtype), owner in SHARED.items():
        by_engine[engine] += [e for e in by_engine[owner] if e[1] == dtype]
    for engine, gpu, arch, hosts in eager_results:
        p = next((e[2] for e in by_engine[engine] if e[0] == arch and e[1] == "fp8_block"), None)
        print("\n".join(eager_report(engine, gpu, hosts, p)))
    for engine, entries in by_engine.items():
        eager = [r for r in eager_results if r[0] == engine]
        write_engine(engine, entries, "sm90 fitted on h100_sxm, sm100 on b200_sxm, sm89 on l40s",
                     eager_text(eager) if eager else None)


if __name__ == "__main__":
    main()
