#!/usr/bin/env python3
"""Fits the collective algorithms of the engine profiles (framework/data/engines/*.jsonc,
"collectives") on the H100 tables of ../shared/data/aiconfigurator-kernels, measured by
CUDA-graph replay as the engines run them:

  time = latency + steps(kind, n) * step + traffic(kind, n, bytes) / (link bandwidth * link_fraction)

NCCL (nccl_2.29.2/nccl.csv, every kind) chooses among its protocols the fastest for each
message, as its tuner does: LL (low latency, half the bandwidth: 8-byte stores carry a
4-byte flag), LL128 and Simple, ring traffic for all-reduce, all-gather and reduce-scatter;
all-to-all is point to point, sent to every peer at once ("pairwise": (n-1)/n x bytes, one
step, so its latency barely grows with the ranks), in a small-message and a bulk protocol.
Each engine's own all-reduce (custom_allreduce
tables) adds one-shot (every GPU reads each peer's whole buffer: (n-1) x bytes, a flag
exchange per peer) and two-shot (reduce-scatter then all-gather through peer memory:
2(n-1)/n x bytes, two exchanges per peer: small messages take 2.4 us on 2 H100s, 3.4 on 8)
algorithms below a size limit; NCCL is the fall-back. The link bandwidth is the data sheet's
(H100 NVLink 4: 450 GB/s per direction), so the fitted values transfer to the H200 (same
NVLink) and B200 (NVLink 5) by their data sheets. Held out: the message sizes of odd rank in
each table (whole sizes, every rank count), and every H200 and B200 row (genz validate).

PCIe servers (the L40S) get NCCL's peer-to-peer model on their own link instead
(plugins/comm/pcie_like: Simple and LL protocols, a cost per ring step, a contention
exponent for the shared root complex), fitted on half of the sizes of their NCCL table
and written into their spec's "achieved" section.

Usage: python3 data/calibration/fit_collectives.py ../shared/data
Rewrites the "algorithms" lists of the "collectives" sections of
framework/data/engines/{trtllm,vllm,sglang}.jsonc and prints the errors.
Pure Python (Debian's python3, no numpy): Nelder-Mead on the mean squared log error.
"""
import csv, gzip, math, os, sys

LINK = 450e9  # H100 NVLink 4, bytes/s per direction (data sheet)
KINDS = ("all_reduce", "all_gather", "reduce_scatter", "all_to_all")


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
    if a["traffic"] == "pairwise":  # all-to-all: every peer at once
        return lat + step + (n - 1) / n * nbytes / (LINK * frac)
    if a["traffic"] == "one_shot":  # peer-memory kernels exchange a flag with each peer per phase
        return lat + (n - 1) * step + (n - 1) * nbytes / (LINK * frac)
    return lat + 2 * (n - 1) * step + 2 * (n - 1) / n * nbytes / (LINK * frac)  # two_shot


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


# A timing more than about 40 % off the model weighs no more than that: the
# tables hold a few isolated outliers (38 us between neighbours of 3.5 us in
# SGLang's 8-GPU all-reduce) that would otherwise bend whole algorithms.
OUTLIER = math.log(1.4) ** 2


def capped_loss(time_of, samples):
    """Mean squared log error of time_of(kind, ranks, bytes), each sample's capped at OUTLIER."""
    return sum(min(OUTLIER, math.log(time_of(k, n, b) / t) ** 2) for k, n, b, t in samples) / len(samples)


def loss(algos, samples):
    return capped_loss(lambda k, n, b: best(algos, k, n, b), samples)


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


def error_summary(time_of, samples):
    e = sorted(abs(time_of(k, n, b) / t - 1) * 100 for k, n, b, t in samples)
    return f"n {len(e)}, median {e[len(e) // 2]:.1f} %, p90 {e[int(len(e) * 0.9)]:.1f} %"


def stats(algos, samples):
    return error_summary(lambda k, n, b: best(algos, k, n, b), samples)


def split(samples):
    sizes = sorted({s[2] for s in samples})
    fit_sizes = set(sizes[::2])
    return [s for s in samples if s[2] in fit_sizes], [s for s in samples if s[2] not in fit_sizes]


def nccl_samples(data, gpu="h100_sxm"):
    d = f"{data}/aiconfigurator-kernels/{gpu}"
    path = [f"{d}/{x}/nccl.csv" for x in os.listdir(d) if x.startswith("nccl_")][0]
    name = {"alltoall": "all_to_all"}
    return [(name.get(r["op_name"], r["op_name"]), int(r["num_gpus"]), float(r["message_size"]) * (2 if r["nccl_dtype"] == "half" else 1),
             float(r["latency_ms"]) * 1e-3) for r in rows(path)]


def custom_samples(path, backend=None):
    return [("all_reduce", int(r["num_gpus"]), float(r["message_size"]) * 2, float(r["latency_ms"]) * 1e-3)
            for r in rows(path) if backend is None or r.get("backend") == backend]


RING = ["all_reduce", "all_gather", "reduce_scatter"]
NCCL = [dict(name="nccl_ll", library="nccl", kinds=RING, traffic="ring", latency_us=4, step_us=0.6,
             link_fraction=0.2),
        dict(name="nccl_ll128", library="nccl", kinds=RING, traffic="ring", latency_us=6, step_us=1.0,
             link_fraction=0.6),
        dict(name="nccl_simple", library="nccl", kinds=RING, traffic="ring", latency_us=10, step_us=2,
             link_fraction=0.9),
        dict(name="nccl_nvls", library="nccl", kinds=["all_reduce"], traffic="switch", latency_us=15, step_us=1,
             link_fraction=0.7),
        dict(name="nccl_p2p_ll", library="nccl", kinds=["all_to_all"], traffic="pairwise", latency_us=5,
             step_us=0.5, link_fraction=0.1),
        dict(name="nccl_p2p_simple", library="nccl", kinds=["all_to_all"], traffic="pairwise", latency_us=8,
             step_us=1, link_fraction=0.6)]
CUSTOM = [dict(name="one_shot", library="custom", kinds=["all_reduce"], traffic="one_shot", latency_us=2.5,
               step_us=0.3, link_fraction=0.5, max_bytes=1 << 20),
          dict(name="two_shot", library="custom", kinds=["all_reduce"], traffic="two_shot", latency_us=4,
               step_us=1, link_fraction=0.5, max_bytes=16 << 20)]


def algorithm_json(a):
    keys = ["name", "library", "kinds", "traffic", "latency_us", "step_us", "link_fraction"]
    keys += ["max_bytes"] if "max_bytes" in a else []

    def value(v):
        if isinstance(v, float):
            return f"{v:.3g}"
        if isinstance(v, str):
            return f'"{v}"'
        return "[" + ", ".join(f'"{x}"' for x in v) + "]"

    return "{" + ", ".join(f'"{k}": {value(a[k])}' for k in keys) + "}"


def rewrite(path, algos):
    """Replaces the "algorithms" list of the file's "collectives" section."""
    text = open(path).read()
    start = text.index('"algorithms": [', text.index('"collectives"'))
    end = text.index("]}", start) + 2
    indent = " " * (start - text.rindex("\n", 0, start) - 1)
    lines = [algorithm_json(a) for a in algos]
    body = '"algorithms": [' + (",\n" + indent + " ").join(lines) + "]}"
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text[:start] + body + text[end:])
    os.replace(tmp, path)


# Parts whose NVLink differs from the H100's (NVLink 3 on the A100, NVLink 5 and
# its switch on the B200): two scales on the engines' algorithms, fitted on half
# of the message sizes of the part's own NCCL table; its engines' all-reduce
# tables are held out whole (genz validate).
PARTS = [("b200", "b200_sxm", 900e9), ("a100_80gb", "a100_sxm", 300e9)]
SPECS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../plugins/hardware/nvidia/specs")
BEGIN, END = "  // collectives: generated by data/calibration/fit_collectives.py", "  // end collectives"


def scaled(algos, latency, bandwidth):
    out = []
    for a in algos:
        b = dict(a)
        b["latency_us"], b["step_us"] = a["latency_us"] * latency, a["step_us"] * latency
        b["link_fraction"] = min(1.0, a["link_fraction"] * bandwidth)
        out.append(b)
    return out


def fit_part(nccl, data, gpu, link):
    global LINK
    LINK = link
    train, test = split(nccl_samples(data, gpu))
    f = lambda x: loss(scaled(nccl, math.exp(x[0]), math.exp(x[1])), train)
    x = nelder_mead(f, [0.3, 0.0], [0.3, 0.3], 400)
    lat, bw = math.exp(x[0]), math.exp(x[1])
    fitted = scaled(nccl, lat, bw)
    print(f"{gpu}: latency x{lat:.3f}, link fraction x{bw:.3f}; fit {stats(fitted, train)}; "
          f"held-out sizes {stats(fitted, test)}")
    LINK = 450e9
    return lat, bw


def write_part(name, gpu, lat, bw):
    write_block(name, gpu, f'  "intra_node": {{"collective_latency_scale": {lat:.4f}, '
                           f'"collective_bandwidth_scale": {bw:.4f}}},\n')


def write_block(name, gpu, line):
    path = os.path.join(SPECS, name + ".jsonc")
    text = open(path).read()
    block = f"{BEGIN} (fitted on {gpu})\n{line}{END}\n"
    if BEGIN in text:
        start = text.index(BEGIN)
        end = text.index(END, start) + len(END) + 1
    else:
        start = end = text.index('"achieved": {', text.index('"interconnect"')) + len('"achieved": {\n')
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text[:start] + block + text[end:])
    os.replace(tmp, path)


# PCIe servers: no engine runs its own all-reduce across more than two PCIe
# GPUs (TensorRT-LLM's table on the L40S is NCCL's), so the part's link itself
# carries NCCL's peer-to-peer model (plugins/comm/pcie_like): Simple and LL
# protocols over ring steps, all-to-all point to point, and a contention
# exponent for the root complex every GPU's traffic crosses. Fitted on half of
# the message sizes of the part's NCCL table; the other half and its engines'
# all-reduce tables are held out (genz validate).
PCIE_PARTS = [("l40s", "l40s", 32e9)]  # PCIe 4.0 x16, per direction (data sheet)
PCIE_KEYS = ["latency_us", "step_latency_us", "ll_latency_us", "p2p_latency_us", "efficiency", "ll_fraction",
             "contention"]


def pcie_time(p, kind, n, nbytes, link):
    bw = link * p["efficiency"] * (2 / max(2, n)) ** p["contention"]
    if kind == "all_to_all":
        return (p["p2p_latency_us"] + (n - 1) * p["step_latency_us"]) * 1e-6 + (n - 1) / n * nbytes / bw
    steps = ring_steps(kind, n) * p["step_latency_us"]
    traffic = ring_traffic(kind, n) * nbytes
    simple = (p["latency_us"] + steps) * 1e-6 + traffic / bw
    return min(simple, (p["ll_latency_us"] + steps) * 1e-6 + traffic / (bw * p["ll_fraction"]))


def pcie_decode(x):
    p = {k: math.exp(v) for k, v in zip(PCIE_KEYS[:4], x[:4])}
    p["efficiency"], p["ll_fraction"] = 1 / (1 + math.exp(-x[4])), 1 / (1 + math.exp(-x[5]))
    p["contention"] = x[6]
    return p


def pcie_stats(p, samples, link):
    return error_summary(lambda k, n, b: pcie_time(p, k, n, b, link), samples)


def fit_pcie_part(data, gpu, link):
    train, test = split(nccl_samples(data, gpu))

    def f(x):
        p = pcie_decode(x)
        return capped_loss(lambda k, n, b: pcie_time(p, k, n, b, link), train)

    x0 = [math.log(15), math.log(1), math.log(5), math.log(8), 0.5, 0.0, 2.0]
    x = nelder_mead(f, x0, [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5], 3000)
    x = nelder_mead(f, x, [0.1] * 7, 3000)
    p = pcie_decode(x)
    print(f"{gpu} (PCIe): fit {pcie_stats(p, train, link)}; held-out sizes {pcie_stats(p, test, link)}")
    for kind in KINDS:
        print(f"  {kind}: held-out sizes {pcie_stats(p, [s for s in test if s[0] == kind], link)}")
    return p


def write_pcie_part(name, gpu, p):
    body = ", ".join(f'"{k}": {p[k]:.4g}' for k in PCIE_KEYS)
    write_block(name, gpu, f'  "intra_node": {{{body}}},\n')


def main():
    data = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
    ns = nccl_samples(data)
    train, test = split(ns)
    nccl = fit(NCCL, train)
    print(f"NCCL 2.29 (all engines): fit {stats(nccl, train)}; held-out sizes {stats(nccl, test)}")
    for kind in KINDS:
        print(f"  {kind}: held-out sizes {stats(nccl, [s for s in test if s[0] == kind])}")
    for name, gpu, link in PARTS:
        write_part(name, gpu, *fit_part(nccl, data, gpu, link))
    for name, gpu, link in PCIE_PARTS:
        write_pcie_part(name, gpu, fit_pcie_part(data, gpu, link))
    d = f"{data}/aiconfigurator-kernels/h100_sxm"
    engines = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../framework/data/engines")
    for engine, path, backend in [("trtllm", f"{d}/trtllm_1.3.0rc20/custom_allreduce.csv", None),
                                  ("vllm", f"{d}/other_backends/vllm_0.24.0_custom_allreduce.csv.gz", "vllm_graph"),
                                  ("sglang", f"{d}/other_backends/sglang_0.5.14_custom_allreduce.csv.gz",
                                   "sglang_graph")]:
        cs = custom_samples(path, backend)
        tr, te = split(cs)
        custom = fit(CUSTOM, tr, fixed=nccl)
        rewrite(os.path.join(engines, engine + ".jsonc"), custom + nccl)
        print(f"{engine}: fit {stats(nccl + custom, tr)}; held-out sizes {stats(nccl + custom, te)}")


if __name__ == "__main__":
    main()
