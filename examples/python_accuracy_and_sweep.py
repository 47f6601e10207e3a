#!/usr/bin/env python3
"""genz from Python: the README's accuracy table, then a sweep drawn with matplotlib.

    PYTHONPATH=build/lib/python3.11/site-packages python3 examples/python_accuracy_and_sweep.py [DATA_DIR] [PNG]

DATA_DIR defaults to ../shared/data (the RTX 3090 measurements); PNG to
sweep.png. Needs Debian's python3-matplotlib for the chart.
"""
import os
import sys

import genz

data = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
png = sys.argv[2] if len(sys.argv) > 2 else "sweep.png"

# 1. Accuracy against the real RTX 3090 traces, as `./run.sh demo` prints it.
s = genz.Session(model="llama2_7b", hw="rtx3090", engine="hf")
print("genz", genz.__version__, "-", s)
for tp in (1, 2):
    trace = os.path.join(data, "rtx3090-llama2-7b", "tp%d" % tp, "chat.csv")
    result = genz.predict_trace(trace, model="llama2_7b", hw="rtx3090", engine="hf", tp=tp, dtype="fp16")
    print("accuracy against the measurements in %s:" % trace)
    print("  metric       n     MAPE   median      p90      max    >20%  pearson     bias")
    for metric in ("TTFT", "TPOT", "E2E"):
        a = result.accuracy[metric]
        print("  %-8s %5d  %6.2f%%  %6.2f%%  %6.2f%%  %6.2f%%  %5.1f%%   %6.4f  %+6.2f%%" % (
            metric, a["n"], a["mape"], a["median"], a["p90"], a["max"], a["over_20pct"], a["pearson"], a["bias"]))

# 2. Sizing: Llama-3-70B decode throughput per GPU against batch, per GPU and layout.
sweep = genz.sweep({"hw": ["h100", "h200", "mi300x"], "tp": [2, 4, 8], "batch": [1, 4, 16, 64, 128]},
                   model="llama3_70b", dtype="fp8", input_tokens=2048, output_tokens=256)
rows = [r for r in sweep.rows if r["fits"]]
print("\n%d of %d configurations fit; the fastest per GPU:" % (len(rows), len(sweep)))
best = max(rows, key=lambda r: r["predicted"]["decode_throughput_per_gpu"])
print("  %s, %s, batch %d: %.0f tokens/s per GPU, TPOT %.1f ms" % (
    best["hardware"], best["layout"]["description"], best["batch"],
    best["predicted"]["decode_throughput_per_gpu"], best["predicted"]["TPOT"]))

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    sys.exit("matplotlib is not installed (Debian: apt-get install python3-matplotlib); no chart drawn")

fig, ax = plt.subplots(figsize=(8, 5))
for hw in ("h100", "h200", "mi300x"):
    for tp in (2, 4, 8):
        points = sorted((r["predicted"]["TPOT"], r["predicted"]["decode_throughput_per_gpu"])
                        for r in rows if r["hardware"] == hw and r["layout"]["tp"] == tp)
        if points:
            ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label="%s TP%d" % (hw, tp))
ax.set_xlabel("TPOT (ms per token, one user)")
ax.set_ylabel("decode tokens/s per GPU")
ax.set_title("Llama-3-70B fp8, 2048 + 256 tokens, batch 1..128 (genz)")
ax.grid(True, alpha=0.3)
ax.legend(fontsize=8, ncol=3)
fig.tight_layout()
fig.savefig(png, dpi=110)
print("wrote", png)
