#!/usr/bin/env python3
"""Fits the collective algorithms of the engine profiles (framework/data/engines/*.jsonc,
"collectives") on the H100 tables of ../shared/data/aiconfigurator-kernels, measured by
CUDA-graph replay as the engines run them:

  time = latency + steps(kind, n) * step + traffic(kind, n, bytes) / (link bandwidth * link_fraction)

NCCL (nccl_2.29.2/nccl.csv, every kind) chooses among its protocols the fastest for each
message, as its tuner does: LL (low latency, half the bandwidth: 8-byte stores carry a
4-byte flag), LL128 and Simple, ring traffic. Each engine's own all-reduce (custom_allreduce
tables) adds one-shot (every GPU reads each peer's whole buffer: (n-1) x bytes, one step) and
two-shot (reduce-scatter then all-gather through peer memory: 2(n-1)/n x bytes, two steps)
algorithms below a size limit; NCCL is the fall-back. The link bandwidth is the data sheet's
(H100 NVLink 4: 450 GB/s per direction), so the fitted values transfer to the H200 (same
NVLink) and B200 (NVLink 5) by their data sheets. Held out: the message sizes of odd rank in
each table (whole sizes, every rank count), and every H200 and B200 row (genz validate).

Usage: python3 data/calibration/fit_collectives.py ../shared/data
Prints the "collectives" sections to paste into the engine files, and the errors.
Pure Python (Debian's python3, no numpy): Nelder-Mead on the mean squared log error.
"""
import csv, gzip, math, os, sys

LINK = 450e9  # H100 NVLink 4, bytes/s per direction (data sheet)
KINDS = ("all_reduce", "all_gather", "reduce_scatter", "alltoall")


def rows(path):
    op = gzip.open if path.endswith(".gz") else open
    with op(path, "rt") as f:
        yield from csv.DictReader(f)


def ring_traffic(kind, n):
    f = (n - 1) / n
    return 2 * f if kind == "all_reduce" else f


def ring_steps(kind, n):
    return 2 * (n - 1) if kind == "all_reduce" else n - 1


def algo_time(a, kind, n, nbytes):
    lat, step, frac = a["latency_us"] * 1e-6, a["step_us"] * 1e-6, a["link_fraction"]
    if a["traffic"] == "ring":
        return lat + ring_steps(kind, n) * step + ring_traffic(kind, n) * nbytes / (LINK * frac)
    if a["traffic"] == "switch":  # NVLink SHARP: the switch reduces; each GPU sends and receives its buffer once
        return lat + 2 * step + nbytes / (LINK * frac)
    if a["traffic"] == "one_shot":
        return lat + step + (n - 1) * nbytes / (LINK * frac)
    return lat + 2 * step + 2 * (n - 1) / n * nbytes / (LINK * frac)  # two_shot


def best(algos, kind, n, nbytes):
    t = [algo_time(a, kind, n, nbytes) for a in algos
         if (kind in a["kinds"] or "all" in a["kinds"]) and nbytes <= a.get("max_bytes", 1e30)]
    return min(t)


def nelder_mead(f, x0, steps, iters=2500):
    pts = [list(x0)] + [[x + (s if i == j else 0) for j, x in enumerate(x0)] for i, s in enumerate(steps)]
    vals = [f(p) for p in pts]
    for _ in range(iters):
        order = sorted(range(len(pts)), key=lambda i: vals[i])
        pts, vals = [pts[i] for i in order], [vals[i] for i in order]
        c = [sum(p[j] for p in pts[:-1]) / (len(pts) - 1) for j in range(len(x0))]
        r = [c[j] + (c[j] - pts[-1][j]) for j in range(len(x0))]
        fr = f(r)
        if fr < vals[0]:
            e = [c[j] + 2 * (c[j] - pts[-1][j]) for j in range(len(x0))]
            fe = f(e)
            pts[-1], vals[-1] = (e, fe) if fe < fr else (r, fr)
        elif fr < vals[-2]:
            pts[-1], vals[-1] = r, fr
        else:
            k = [c[j] + 0.5 * (pts[-1][j] - c[j]) for j in range(len(x0))]
            fk = f(k)
            if fk < vals[-1]:
                pts[-1], vals[-1] = k, fk
            else:
                pts = [pts[0]] + [[pts[0][j] + 0.5 * (p[j] - pts[0][j]) for j in range(len(x0))] for p in pts[1:]]
                vals = [vals[0]] + [f(p) for p in pts[1:]]
    return pts[0]


def loss(algos, samples):
    s = 0.0
    for kind, n, nbytes, t in samples:
        s += math.log(best(algos, kind, n, nbytes) / t) ** 2
    return s / len(samples)


def decode(x, template):
    """x holds log latency, log step, logit fraction per algorithm (and log max_bytes where fitted)."""
    out, i = [], 0
    for a in template:
        b = dict(a)
        b["latency_us"], b["step_us"] = math.exp(x[i]), math.exp(x[i + 1])
        b["link_fraction"] = 1 / (1 + math.exp(-x[i + 2]))
        i += 3
        if "max_bytes" in a:
            b["max_bytes"] = math.exp(x[i])
            i += 1
        out.append(b)
    return out


def encode(template):
    x, s = [], []
    for a in template:
        f = a["link_fraction"]
        x += [math.log(a["latency_us"]), math.log(a["step_us"]), math.log(f / (1 - f))]
        s += [0.3, 0.3, 0.5]
        if "max_bytes" in a:
            x.append(math.log(a["max_bytes"]))
            s.append(0.7)
    return x, s


def fit(template, samples, fixed=()):
    x0, st = encode(template)
    f = lambda x: loss(list(fixed) + decode(x, template), samples)
    x = nelder_mead(f, x0, st)
    x = nelder_mead(f, x, [v / 3 for v in st])
    return decode(x, template)


def stats(algos, samples):
    e = sorted(abs(best(algos, k, n, b) / t - 1) * 100 for k, n, b, t in samples)
    return f"n {len(e)}, median {e[len(e) // 2]:.1f} %, p90 {e[int(len(e) * 0.9)]:.1f} %"


def split(samples):
    sizes = sorted({s[2] for s in samples})
    fit_sizes = set(sizes[::2])
    return [s for s in samples if s[2] in fit_sizes], [s for s in samples if s[2] not in fit_sizes]


def nccl_samples(data, gpu="h100_sxm"):
    d = f"{data}/aiconfigurator-kernels/{gpu}"
    path = [f"{d}/{x}/nccl.csv" for x in os.listdir(d) if x.startswith("nccl_")][0]
    return [(r["op_name"], int(r["num_gpus"]), float(r["message_size"]) * (2 if r["nccl_dtype"] == "half" else 1),
             float(r["latency_ms"]) * 1e-3) for r in rows(path)]


def custom_samples(path, backend=None):
    return [("all_reduce", int(r["num_gpus"]), float(r["message_size"]) * 2, float(r["latency_ms"]) * 1e-3)
            for r in rows(path) if backend is None or r.get("backend") == backend]


NCCL = [dict(name="nccl_ll", library="nccl", kinds=["all"], traffic="ring", latency_us=4, step_us=0.6,
             link_fraction=0.2),
        dict(name="nccl_ll128", library="nccl", kinds=["all"], traffic="ring", latency_us=6, step_us=1.0,
             link_fraction=0.6),
        dict(name="nccl_simple", library="nccl", kinds=["all"], traffic="ring", latency_us=10, step_us=2,
             link_fraction=0.9),
        dict(name="nccl_nvls", library="nccl", kinds=["all_reduce"], traffic="switch", latency_us=15, step_us=1,
             link_fraction=0.7)]
CUSTOM = [dict(name="one_shot", library="custom", kinds=["all_reduce"], traffic="one_shot", latency_us=2.5,
               step_us=0.3, link_fraction=0.5, max_bytes=1 << 20),
          dict(name="two_shot", library="custom", kinds=["all_reduce"], traffic="two_shot", latency_us=4,
               step_us=1, link_fraction=0.5, max_bytes=16 << 20)]


def show(name, algos):
    print(f"  {name}:")
    for a in algos:
        keys = ["name", "library", "kinds", "traffic", "latency_us", "step_us", "link_fraction"]
        keys += ["max_bytes"] if "max_bytes" in a else []
        print("    {" + ", ".join(f'"{k}": ' + (f'{a[k]:.3g}' if isinstance(a[k], float) else
                                                     ('"' + a[k] + '"' if isinstance(a[k], str) else
                                                      "[" + ", ".join(f'"{v}"' for v in a[k]) + "]"))
                                  for k in keys) + "},")


def main():
    data = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
    ns = nccl_samples(data)
    train, test = split(ns)
    nccl = fit(NCCL, train)
    show("NCCL 2.29 (all engines)", nccl)
    print(f"  NCCL fit {stats(nccl, train)}; held-out sizes {stats(nccl, test)}")
    d = f"{data}/aiconfigurator-kernels/h100_sxm"
    for engine, path, backend in [("trtllm", f"{d}/trtllm_1.3.0rc20/custom_allreduce.csv", None),
                                  ("vllm", f"{d}/other_backends/vllm_0.24.0_custom_allreduce.csv.gz", "vllm_graph"),
                                  ("sglang", f"{d}/other_backends/sglang_0.5.14_custom_allreduce.csv.gz",
                                   "sglang_graph")]:
        cs = custom_samples(path, backend)
        tr, te = split(cs)
        custom = fit(CUSTOM, tr, fixed=nccl)
        show(engine, custom)
        print(f"  {engine} fit {stats(nccl + custom, tr)}; held-out sizes {stats(nccl + custom, te)}")


if __name__ == "__main__":
    main()
