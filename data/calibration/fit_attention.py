#!/usr/bin/env python3
"""Fits the attention kernels of the engine profiles (framework/data/engines/*.jsonc,
"attention") on the tables of ../shared/data/aiconfigurator-kernels (CUDA-graph replay,
fused RoPE and KV-cache write included): the defaults on the H100's, and each kernel-library
target's own ("targets": sm100 on the B200's, sm80 on the A100's, sm89 on the L40S's), because
an engine runs other kernels there (the tables' kernel_source: SGLang FA3 on the H100,
FlashInfer and Triton on the L40S, TensorRT-LLM's trtllm_mha on the B200):

  prefill: time = floor + units * unit * (head size / 128)^head_dim_exponent / SMs
                  + max(compute, bytes / (bandwidth * bandwidth_fraction))
           compute = max(longest, scores * per_score + tail_fraction * longest * min(1, units / SMs))
           per_score = 4 * head size / (peak * compute_fraction) + softmax_flops / FP32 peak
           longest = min(q_tile, isl) * keys * per_score * SMs  (the last query tile, on one SM's share)
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

           memory: bytes / (bandwidth * bandwidth_fraction), the share of a replayed working set that
                   stays in l2_fraction of the data-sheet L2 read at l2_bandwidth instead (the tables
                   replay one kernel: the L40S's 96 MB of L2 holds most of its caches, the H100's 50 MB
                   the short ones; decode fits add those two values where the L2's size is published)

A CTA has a fixed cost (unit: loading its query tile, the softmax epilogue, writing out) and
the parallel work available bounds the bandwidth a decode reaches (Little's law: each CTA keeps
a bounded number of loads in flight), so batch-1 decode at long context is slower per byte
than batch 64. Scores count the causal half (and the diagonal keys the kernel computes anyway); bytes are the KV cache read plus queries and
outputs. SMs, peaks and bandwidth are the data sheet's, so the fitted values carry to another
GPU by its data sheet.

Fitted on the head configurations of even parity ((heads*31 + kv_heads*7 + head_dim) % 2 == 0,
the same split `genz validate` reports), held out: the others, and every H200 row (the H100's
kernels, by the H200's data sheet).
TensorRT-LLM's MLA context kernel ("mla_prefill", mla_context.csv: heads of 192 and 128) has the
prefill model, fitted on the head counts whose log2 is even.
Sliding-window rows are left out (genz does not model windows).

Usage: python3 data/calibration/fit_attention.py ../shared/data
  GENZ_PHASES=decode,...  only those phases;  GENZ_TARGETS=sm90,sm89,...  only those targets
Pure Python on both cores: Nelder-Mead on the mean squared log error of a sample of the fitting
rows.
"""
import csv, glob, gzip, json, math, multiprocessing, os, random, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fit_collectives import nelder_mead  # noqa: E402

# Data sheets (plugins/hardware/nvidia/specs/*.jsonc): SMs, BF16 and FP8 dense tensor peaks, DRAM
# bandwidth, FP32 non-tensor peak, L2 (the B200's is not published: its fits have no L2 term).
GPUS = {"sm90": dict(folder="h100_sxm", sms=132, bf16=989.4e12, fp8=1979e12, bw=3350e9, vector=66.9e12, l2=50 * 2**20),
        "sm100": dict(folder="b200_sxm", sms=148, bf16=2250e12, fp8=4500e12, bw=8000e9, vector=80e12),
        "sm80": dict(folder="a100_sxm", sms=108, bf16=312e12, fp8=0, bw=2039e9, vector=19.5e12, l2=40 * 2**20),
        "sm89": dict(folder="l40s", sms=142, bf16=362.05e12, fp8=733e12, bw=864e9, vector=91.6e12, l2=96 * 2**20)}
HW = GPUS["sm90"]
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


def memory_time(nbytes, bf, l2):
    """DRAM at its fraction; with an L2 term (l2 = (bandwidth, fraction)), the replayed share that
    stays in the L2 at the L2's speed (attention_model.cpp, memory_seconds)."""
    dram = HW["bw"] * bf
    if not l2 or nbytes <= 0 or "l2" not in HW:  # a part without a published L2 size streams it all
        return nbytes / dram
    resident = min(1.0, HW["l2"] * l2[1] / nbytes)
    return nbytes * (resident / l2[0] + (1 - resident) / dram)


def load_mla_decode(path):
    """DeepSeek's MLA decode (mla_generation.csv): 128 or fewer query heads of 576 over one shared
    latent cache of 576 (its first 512 the values); split as load_mla."""
    out = []
    for r in rows(path):
        h = float(r["num_heads"])
        out.append(dict(b=float(r["batch_size"]), isl=1.0, step=float(r["step"]), h=h, a=BYTES[r["mla_dtype"]],
                        k=BYTES[r["kv_cache_dtype"]], t=float(r["latency_ms"]) * 1e-3,
                        even=round(math.log2(h)) % 2 == 0))
    return out


def prefill_time(p, s):
    floor, unit, cf, bf, tile, cf8, softmax, hd_exp, diagonal, tail = p[:10]
    kvlen = s["isl"] + s["step"]
    scores = s["b"] * s["h"] * s["isl"] * (s["step"] + min(s["isl"], (s["isl"] + 1 + diagonal) / 2))
    nbytes = s["b"] * (2 * s["isl"] * s["h"] * s["hd"] * s["a"] + kvlen * s["kv"] * 2 * s["hd"] * s["k"])
    units = s["b"] * s["h"] * math.ceil(s["isl"] / tile)
    # an FP8 cache runs the FP8 kernel where the part has FP8 tensor cores
    fp8 = s["k"] == 1 and HW["fp8"]
    mma = HW["fp8"] * cf8 if fp8 else HW["bf16"] * cf
    per_score = 4 * s["hd"] / mma + softmax / HW["vector"]
    # at least the longest CTA (the last query tile over every key, on one SM's share); past a wave
    # of CTAs, a share of it (tail_fraction) runs after the rest, which start in grid order
    longest = min(tile, s["isl"]) * kvlen * per_score * HW["sms"]
    compute = max(longest, scores * per_score + tail * longest * min(1, units / HW["sms"]))
    if fp8 and QUANTIZE_PASS:  # queries, keys and values to FP8 first: its floor (p[10]), 2 bytes read, 1 written
        hq = s.get("hq", s["hd"])
        hv = 2 * s["hd"] - hq  # hd is the mean of the query/key and value widths (MLA: 192 and 128)
        floor += p[10] + s["b"] * s["isl"] * s["h"] * (2 * hq + hv) * 3 / (HW["bw"] * bf)
    return (floor + units * unit * (s.get("hq", s["hd"]) / 128) ** hd_exp / HW["sms"] +
            max(compute, memory_time(nbytes, bf, ())))


# Kernels that quantize their queries, keys and values to FP8 in a pass of their own before the FP8
# products (fp8_quantize_pass): TensorRT-LLM's MLA context on an FP8 cache, which is slower than on a
# bf16 one at 4096 tokens (128 heads: 1443 against 1263 us) and faster at 32 768 (61.8 against
# 78.3 ms), h100_sxm/trtllm_1.3.0rc20/mla_context.csv. Set, not fitted.
QUANTIZE_PASSES = {("trtllm", "mla_prefill")}
QUANTIZE_PASS = False  # the kernel being fitted's


MAX_GROUP = {"trtllm": 32}  # XQA serves up to 32 query heads per KV head; larger groups run MMHA
ENGINE = None
# Kernels that never split an FP8 cache (fp8_kv_chunk): TensorRT-LLM's FP8-cache decode on the L40S
# takes 1.06 ms for 65 535 cached tokens at batch 1, 2 and 4 and with 8 KV heads or one (bf16:
# 0.41 ms at batch 1, 26 us with one KV head), l40s/trtllm_1.3.0rc20/generation_attention.csv: one CTA
# per sequence and KV head, without multi-block mode. Set, not fitted.
NO_FP8_SPLIT = {("trtllm", "sm89")}
FP8_CHUNK = 0  # the kernel being fitted's fp8_kv_chunk (0: kv_chunk)


DECODE = ["floor_us", "fp8_floor_us", "unit_us", "fp8_unit_us", "single_unit_us", "head_dim_exponent", "wide_group",
          "bandwidth_fraction", "kv_chunk", "split_fill", "ctas_per_sm", "compute_fraction", "serial_fraction"]


def decode_time(p, s):
    floor, floor8, unit16, unit8, single_unit, hd_exp, wide, bf, chunk, fill, per_sm, cf, n = p[:13]
    sms = HW["sms"]
    kvlen = s["step"] + 1
    group = s["h"] / s["kv"]
    # A kernel without support for this group size reads the cache once per query head.
    regrouped = group > MAX_GROUP.get(ENGINE, 1e9)
    kv = s["h"] if regrouped else s["kv"]
    flops = 2 * s["b"] * s["h"] * kvlen * 2 * s["hd"]
    nbytes = s["b"] * (2 * s["h"] * s["hd"] * s["a"] + kvlen * kv * 2 * s["hd"] * s["k"])
    heads = s["b"] * kv
    if s["k"] == 1 and FP8_CHUNK:
        chunk = FP8_CHUNK
    splits = max(1, min(math.ceil(kvlen / chunk), math.ceil(sms * fill / heads)))
    units = heads * splits
    if regrouped or group <= 1:
        cta = single_unit
    else:
        cta = (unit8 if s["k"] == 1 else unit16) * (s["hd"] / 128) ** hd_exp * (wide if group > 16 else 1)
        if s["k"] == 1:
            floor = floor8
    par = min(1.0, units / (sms * per_sm))
    # the products run in the cache's format (FP8 MMA for an FP8 cache, where the part has it)
    peak = HW["fp8"] if s["k"] == 1 and HW["fp8"] else HW["bf16"]
    a = units * cta / sms
    r = max(flops / (peak * cf), memory_time(nbytes, bf, p[13:15])) / par
    # piecewise linear in the context, as genz's one-off predictions assume
    return floor + max(a, r) + n * min(a, r)


MLA_DECODE = ["floor_us", "unit_us", "bandwidth_fraction", "kv_chunk", "split_fill", "ctas_per_sm",
              "compute_fraction", "serial_fraction"]


def mla_decode_time(p, s):
    """The decode model over MLA's latent (attention_model.cpp, kv_shared): one CTA per sequence and
    split, the latent read once for every head, the products in the cache's format."""
    floor, unit, bf, chunk, fill, per_sm, cf, n = p[:8]
    sms, kvlen = HW["sms"], s["step"] + 1
    flops = 2 * s["b"] * s["h"] * kvlen * (576 + 512)
    nbytes = s["b"] * (s["h"] * (576 + 512) * s["a"] + kvlen * 576 * s["k"])
    splits = max(1, min(math.ceil(kvlen / chunk), math.ceil(sms * fill / s["b"])))
    units = s["b"] * splits
    par = min(1.0, units / (sms * per_sm))
    peak = HW["fp8"] if s["k"] == 1 and HW["fp8"] else HW["bf16"]
    a = units * unit / sms
    r = max(flops / (peak * cf), memory_time(nbytes, bf, None)) / par
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


def errors(model, p, samples):
    """The absolute errors in per cent, sorted."""
    return sorted(abs(model(p, s) / s["t"] - 1) * 100 for s in samples)


def stats(model, p, samples):
    e = errors(model, p, samples)
    if not e:
        return "n 0"
    return f"n {len(e)}, median {e[len(e) // 2]:.1f} %, p90 {e[int(len(e) * 0.9)]:.1f} %"


PREFILL = ["floor_us", "unit_us", "compute_fraction", "bandwidth_fraction", "q_tile", "fp8_compute_fraction",
           "softmax_flops", "head_dim_exponent", "diagonal_keys", "tail_fraction",
           "quantize_floor_us"]  # the last: a quantize pass's
L2 = ["l2_bandwidth_GBps", "l2_fraction"]


def tables(data, engine, arch):
    """The engine's tables on the target's GPU, by phase (TensorRT-LLM's MLA kernels where measured)."""
    d = f"{data}/aiconfigurator-kernels/{GPUS[arch]['folder']}"
    if engine == "trtllm":
        [own] = glob.glob(f"{d}/trtllm_*")
        found = {"prefill": f"{own}/context_attention.csv", "decode": f"{own}/generation_attention.csv",
                 "mla_prefill": f"{own}/mla_context.csv", "mla_decode": f"{own}/mla_generation.csv"}
        return {phase: path for phase, path in found.items() if os.path.exists(path)}
    [ctx] = glob.glob(f"{d}/other_backends/{engine}_*_context_attention.csv.gz")
    [gen] = glob.glob(f"{d}/other_backends/{engine}_*_generation_attention.csv.gz")
    return {"prefill": ctx, "decode": gen}


def params(phase, values):
    """A kernel's values as the model's parameter list (seconds, B/s)."""
    names = {"decode": DECODE + L2, "mla_decode": MLA_DECODE}.get(phase, PREFILL)
    return [values[n] * (1e-6 if n.endswith("_us") else 1e9 if n.endswith("GBps") else 1)
            for n in names if n in values]


MODELS = {"prefill": (load, prefill_time), "decode": (load, decode_time), "mla_prefill": (load_mla, prefill_time),
          "mla_decode": (load_mla_decode, mla_decode_time)}


def fit_phase(job):
    """One engine's kernel of one phase on one target: (engine, arch, phase, values, report, keep). A
    target's kernel is kept where it beats the default on the target's held-out heads."""
    global ENGINE, HW, FP8_CHUNK, QUANTIZE_PASS
    engine, arch, phase, path, default = job
    ENGINE, HW = engine, GPUS[arch]
    QUANTIZE_PASS = (engine, phase) in QUANTIZE_PASSES
    FP8_CHUNK = 1e6 if phase == "decode" and (engine, arch) in NO_FP8_SPLIT else 0
    random.seed(f"{engine} {phase}" + ("" if arch == "sm90" else f" {arch}"))  # the same sample whichever run
    loader, model = MODELS[phase]
    s = loader(path)
    train = [r for r in s if r["even"]]
    held = [r for r in s if not r["even"]]
    l2 = "l2" in HW and phase == "decode"
    if phase in ("prefill", "mla_prefill"):
        sample = random.sample(train, min(2000, len(train)))
        x0 = [16e-6, 3.5e-6, 0.6, 0.5, 0.45, 9, 0.25, 600, 0.5] + ([5e-6] if QUANTIZE_PASS else [])
        best = None
        for tile in (64, 128):
            p = fit(prefill_time, x0, [0.5] * len(x0), sample, tile, capped=(2, 3, 4, 6, 8), iters=2000)
            loss = sum(math.log(prefill_time(p, r) / r["t"]) ** 2 for r in sample)
            if best is None or loss < best[0]:
                best = (loss, p)
        p, names = best[1], PREFILL[:-1] + (["quantize_floor_us"] if QUANTIZE_PASS else [])
    elif phase == "decode":
        sample = random.sample(train, min(3000, len(train)))
        x0 = [8.4e-6, 6e-6, 4.1e-6, 1.7e-6, 1.3e-6, 0.5, 2, 0.86, 200, 8, 1, 0.5, 0.5] + ([2000e9, 0.3] if l2 else [])
        capped = (7, 11, 12) + ((14,) if l2 else ())
        p = fit(decode_time, x0, [0.5] * len(x0), sample, None, capped=capped, iters=3000 if l2 else 2500)
        names = DECODE + (L2 if l2 else [])
    else:
        x0 = [8e-6, 4e-6, 0.8, 256, 4, 1, 0.5, 0.5]
        p = fit(mla_decode_time, x0, [0.5] * len(x0), train, None, capped=(2, 6, 7), iters=2500)
        names = MLA_DECODE
    values = {n: (v * 1e6 if n.endswith("_us") else v * 1e-9 if n.endswith("GBps") else v) for n, v in zip(names, p)}
    # A kernel that never splits may fit any chunk past the longest cache: the profile's bounds.
    if values.get("kv_chunk", 0) > 1e6:
        values["kv_chunk"], values["split_fill"] = 1e6, min(values["split_fill"], 1e3)
    # A kernel that never runs out of SMs to split over may fit any fill: the profile's bound.
    if values.get("split_fill", 0) > 1e4:
        values["split_fill"] = 1e4
    if phase == "decode" and engine in MAX_GROUP:
        values["max_group"] = MAX_GROUP[engine]
    if FP8_CHUNK:
        values["fp8_kv_chunk"] = FP8_CHUNK
    values = {n: float(f"{v:.3g}") for n, v in values.items()}
    if QUANTIZE_PASS:
        values["fp8_quantize_pass"] = True
    report = f"  fit {stats(model, p, train)}; held-out shapes {stats(model, p, held)}"
    keep = True
    if default is not None:
        mine = median_error(model, params(phase, values), held)
        FP8_CHUNK = 0  # the default splits every cache
        theirs = median_error(model, params(phase, default), held)
        keep = mine < theirs
        report += f"; the default's held-out median {theirs:.1f} %: {'kept' if keep else 'not kept'}"
    return engine, arch, phase, values, report, keep


def median_error(model, p, samples):
    e = errors(model, p, samples)
    return e[len(e) // 2]


def kernel_text(values):
    return "{" + ", ".join(f'"{n}": ' + ("true" if v is True else f"{v:.3g}") for n, v in values.items()) + "}"


def attention_text(a):
    """The "attention" object as the profiles hold it: one kernel per line, targets last."""
    pad, opening = " " * 16, '"targets": {'
    lines = [f'"{phase}": {kernel_text(k)}' for phase, k in a.items() if phase != "targets"]
    if a.get("targets"):
        inner = []
        for arch, kernels in a["targets"].items():
            head = f'"{arch}": {{'
            indent = pad + " " * (len(opening) + len(head))
            inner.append(head + f",\n{indent}".join(f'"{ph}": {kernel_text(k)}' for ph, k in kernels.items()) + "}")
        lines.append(opening + f",\n{pad}{' ' * len(opening)}".join(inner) + "}")
    return '"attention": {' + f",\n{pad}".join(lines) + "}"


def profile_path(engine):
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "framework", "data", "engines",
                        f"{engine}.jsonc")


def read_profile(engine):
    """The profile's text before its "attention" object (its last key), and that object."""
    with open(profile_path(engine)) as f:
        old = f.read()
    at = old.index('"attention":')
    return old[:at], json.loads("{" + old[at:])["attention"]


def read_attention(engine):
    return read_profile(engine)[1]


def write_attention(engine, results):
    """Replaces the fitted kernels in the engine profile's "attention" object (its last key); a target's
    kernel that was not kept is removed."""
    path = profile_path(engine)
    head, attention = read_profile(engine)
    for arch, phase, values, keep in results:
        if arch == "sm90":
            attention[phase] = values
            continue
        kernels = attention.setdefault("targets", {}).setdefault(arch, {})
        if keep:
            kernels[phase] = values
        else:
            kernels.pop(phase, None)
    targets = {a: k for a, k in sorted(attention.pop("targets", {}).items()) if k}
    if targets:  # a stable order: the defaults' phases, then the targets by name
        attention["targets"] = targets
    with open(path + ".tmp", "w") as f:  # renamed: an interrupted run leaves the profile whole
        f.write(head + attention_text(attention) + "\n}\n")
    os.replace(path + ".tmp", path)


def run(jobs):
    with multiprocessing.Pool(2) as pool:
        results = pool.map(fit_phase, jobs, chunksize=1)
    for engine in ("trtllm", "vllm", "sglang"):
        mine = [r for r in results if r[0] == engine]
        for _, arch, phase, values, report, _ in mine:
            print(f"{engine} {arch} {phase}: {kernel_text(values)}\n{report}")
        if mine:
            write_attention(engine, [(a, ph, v, keep) for _, a, ph, v, _, keep in mine])


def main():
    data = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
    phases = os.environ.get("GENZ_PHASES", "prefill,decode,mla_prefill,mla_decode").split(",")
    targets = os.environ.get("GENZ_TARGETS", ",".join(GPUS)).split(",")
    engines = ("trtllm", "vllm", "sglang")
    # The defaults (the H100's) first: each target's kernels are compared with them.
    if "sm90" in targets:
        run([(e, "sm90", ph, path, None) for e in engines for ph, path in tables(data, e, "sm90").items()
             if ph in phases])
    jobs = []
    for engine in engines:
        default = read_attention(engine)
        for arch in targets:
            if arch != "sm90":
                jobs += [(engine, arch, ph, path, default.get(ph)) for ph, path in tables(data, engine, arch).items()
                         if ph in phases and default.get(ph)]
    if jobs:
        run(jobs)


if __name__ == "__main__":
    main()
