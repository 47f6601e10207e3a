#!/usr/bin/env python3
"""Per-call overhead of genz.Session.predict over the same prediction made in
C++ (a report, not a pass/fail check: timings are noisy on shared machines).

    PYTHONPATH=build/lib/python3.11/site-packages python3 python/bench/session_overhead.py
"""
import time

import genz

N = 50000
s = genz.Session(model="llama2_7b", hw="rtx3090", engine="hf")
s.predict(1024, 200)
best_py = best_native = float("inf")
for _ in range(5):
    t0 = time.perf_counter()
    for _ in range(N):
        s.predict(1024, 200)
    best_py = min(best_py, (time.perf_counter() - t0) / N)
    best_native = min(best_native, s._native_seconds_per_call(N))
print("Session.predict from Python: %.2f us per call; the same prediction in C++: %.2f us; overhead %.2f us "
      "(target <= 5 us)" % (best_py * 1e6, best_native * 1e6, (best_py - best_native) * 1e6))
