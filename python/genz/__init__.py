"""genz from Python: LLM inference performance prediction.

The API mirrors the command line with Python names: every keyword argument is
a genz flag (``hw="h100"`` is ``--hw h100``, ``input_tokens=1024`` is
``--input-tokens 1024``, ``system_eff=0.8`` is ``--system_eff 0.8``), checked by
the CLI's own parser, so names, defaults, bounds and messages are the CLI's.

    import genz
    r = genz.predict(model="llama3_70b", hw="h100", tp=4, input_tokens=1024, output_tokens=200)
    r.ttft, r.tpot, r.e2e             # milliseconds
    r.to_dict()                       # the document `genz ... --json` prints

    s = genz.Session(model="llama2_7b", hw="rtx3090", engine="hf")   # plugins load once
    s.predict(input_tokens=512, output_tokens=128).tpot

    genz.predict_trace("chat.csv", hw="rtx3090", engine="hf").to_pandas()
    genz.sweep({"hw": ["rtx4090", "h100"], "tp": [1, 2, 4]}, model="llama3_70b").to_pandas()

Bad arguments raise ValueError with genz's message; other failures raise
genz.Error. Long calls release the GIL.
"""

import copy
import csv
import json
import os
import tempfile

from . import _native
from ._native import Error, Prediction

__all__ = ["predict", "predict_trace", "sweep", "memory", "plugins", "Session", "Error", "Prediction",
           "Result", "TraceResult", "SweepResult", "MemoryResult", "__version__"]
__version__ = _native.version

_FLAGS = frozenset(_native.flags())
# Flags that are not keyword arguments of the Python API: the module decides them.
_RESERVED = frozenset({"json", "help", "version", "out-json", "no-progress"})


def _flag(name):
    dashed = name.replace("_", "-")
    for candidate in (dashed, name):
        if candidate in _FLAGS and candidate not in _RESERVED:
            return "--" + candidate
    known = sorted(f.replace("-", "_") for f in _FLAGS - _RESERVED)
    raise ValueError("unknown argument '%s' (genz takes: %s)" % (name, ", ".join(known)))


def _text(value):
    if isinstance(value, bool):
        raise ValueError("expected a value, found a boolean %r" % value)
    return os.fspath(value) if isinstance(value, os.PathLike) else str(value)


def _plugin_path(value):
    if value is None:
        return []
    if isinstance(value, (str, os.PathLike)):
        return [os.fspath(value)]
    return [os.fspath(v) for v in value]


def _args(kwargs, command=None):
    """CLI arguments and the plugin search path from keyword arguments."""
    kwargs = dict(kwargs)
    plugin_path = _plugin_path(kwargs.pop("plugin_path", None))
    args = [command] if command else []
    for key, value in kwargs.items():
        if value is None or value is False:
            continue
        flag = _flag(key)
        if value is True:
            args.append(flag)
            continue
        for v in value if isinstance(value, (list, tuple)) else [value]:
            args += [flag, _text(v)]
    return args, plugin_path


def _pandas():
    try:
        import pandas
    except ImportError as e:  # genz does not depend on pandas
        raise ImportError("to_pandas() needs pandas (Debian: apt-get install python3-pandas)") from e
    return pandas


def _flatten(d, prefix=""):
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_flatten(v, prefix + k + "."))
        else:
            out[prefix + k] = v
    return out


class Result:
    """One request's prediction: the document ``genz ... --json`` prints."""

    def __init__(self, document):
        self._doc = document
        request = document["requests"][0]
        predicted = request["predicted"]
        self.ttft = predicted["TTFT"]  # ms
        self.tpot = predicted["TPOT"]  # ms
        self.e2e = predicted["E2E"]  # ms
        self.prefill_throughput = predicted["prefill_throughput"]  # tokens/s
        self.decode_throughput = predicted["decode_throughput"]  # tokens/s
        self.config = document["config"]
        self.memory = document.get("memory", {})
        self.notes = document.get("summary", {}).get("notes", [])

    def to_dict(self):
        return copy.deepcopy(self._doc)

    def to_pandas(self):
        return _pandas().DataFrame([_flatten(self._doc["requests"][0])])

    def __repr__(self):
        return "Result(%s: ttft=%.3f ms, tpot=%.3f ms, e2e=%.3f ms)" % (
            self._doc.get("title", ""), self.ttft, self.tpot, self.e2e)


class TraceResult:
    """Every request of a trace: predicted (and measured, with the error)."""

    def __init__(self, document):
        self._doc = document
        self.requests = document["requests"]
        self.accuracy = document.get("accuracy", {})
        self.config = document["config"]
        self.notes = document.get("summary", {}).get("notes", [])

    def __len__(self):
        return len(self.requests)

    def to_dict(self):
        return copy.deepcopy(self._doc)

    def to_pandas(self):
        return _pandas().DataFrame([_flatten(r) for r in self.requests])


class SweepResult:
    """Every configuration of a sweep; rows that cannot run say why."""

    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def to_dict(self):
        return copy.deepcopy(self.rows)

    def to_pandas(self):
        return _pandas().DataFrame([_flatten(r) for r in self.rows])


class MemoryResult:
    """GPU memory of one request on the busiest GPU, by component (MiB)."""

    def __init__(self, document):
        self._doc = document["memory"]
        self.config = document["config"]
        self.capacity_mib = self._doc.get("capacity_MiB")
        self.components = self._doc.get("components", [])

    def to_dict(self):
        return copy.deepcopy(self._doc)

    def to_pandas(self):
        return _pandas().DataFrame(self.components)


def predict(**kwargs):
    """One request (or one batch): ``genz ... --json`` as a Result."""
    args, plugin_path = _args(kwargs)
    return Result(json.loads(_native.predict_json(args, plugin_path)))


def _trace_file(rows, directory):
    """Writes rows (a DataFrame, a dict of columns, or a list of dicts) as a trace CSV."""
    if hasattr(rows, "to_dict") and hasattr(rows, "columns"):  # a pandas DataFrame
        rows = rows.to_dict("records")
    elif isinstance(rows, dict):
        columns = list(rows)
        rows = [dict(zip(columns, values)) for values in zip(*rows.values())]
    rows = list(rows)
    if not rows:
        raise ValueError("predict_trace: no rows given")
    columns = list(rows[0])
    path = os.path.join(directory, "trace.csv")
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        for r in rows:
            writer.writerow(r)
    return path


def predict_trace(path_or_rows, **kwargs):
    """Every request of a trace (a CSV path, or rows with input_tokens and
    output_tokens and optionally TTFT, TPOT, E2E in ms). Reports are written
    only when ``out=`` (and ``report=``) ask for them."""
    kwargs = dict(kwargs)
    if kwargs.get("out") is None:
        kwargs["report"] = "none"
    with tempfile.TemporaryDirectory(prefix="genz-") as tmp:
        if isinstance(path_or_rows, (str, os.PathLike)):
            path = os.fspath(path_or_rows)
        else:
            path = _trace_file(path_or_rows, tmp)
        args, plugin_path = _args(dict(kwargs, trace=path))
        return TraceResult(json.loads(_native.trace_json(args, plugin_path)))


def sweep(axes, **kwargs):
    """Every configuration of the axes (``{"hw": [...], "tp": [...]}``, keys as
    ``genz sweep``: hw, model, engine, comm, dtype, kv_dtype, tp, pp, ep,
    batch, beam, input_tokens, output_tokens)."""
    args, plugin_path = _args(kwargs, "sweep")
    for key, values in axes.items():
        if isinstance(values, (str, int, float)):
            values = [values]
        args.append("%s=%s" % (key.replace("_", "-"), ",".join(_text(v) for v in values)))
    return SweepResult(json.loads(_native.sweep_json(args, plugin_path)))


def memory(**kwargs):
    """GPU memory of one request (as ``genz memory``), by component."""
    args, plugin_path = _args(kwargs)
    return MemoryResult(json.loads(_native.predict_json(args, plugin_path)))


def plugins(plugin_path=None):
    """Every plugin library found (kind, name, version, path, entries), and
    every rejected file with the reason."""
    return _native.plugins(_plugin_path(plugin_path))


class Session(_native.NativeSession):
    """A composed setup kept across calls: ``Session(model=..., hw=..., tp=...)``
    loads plugins and creates the objects once; ``predict(input_tokens=...,
    output_tokens=..., batch=1, beam=1)`` then costs one prediction (a native
    method: no Python frame in between). The request flags given here
    (input_tokens, batch, ...) size the first memory check; larger requests
    are checked when they come."""

    def __init__(self, **kwargs):
        args, plugin_path = _args(kwargs)
        super().__init__(args, plugin_path)

    def _native_seconds_per_call(self, n, input_tokens=1024, output_tokens=200):
        return self.time_native(n, input_tokens, output_tokens)

    def __repr__(self):
        d = self.describe()
        return "Session(%s on %s, %s, engine %s)" % (d["model"], d["hardware"], d["layout"], d["engine"])
