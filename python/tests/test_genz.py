# The Python module against the CLI: same arguments, same documents.
import json
import os
import subprocess
import sys
import threading

import pytest

import genz


def cli(exe, *args):
    out = subprocess.run([exe, *args], check=True, capture_output=True, text=True, env=dict(os.environ, GENZ_PLUGIN_PATH=""))
    return out.stdout


def without_wall_clock(doc):
    """The document minus its wall-clock fields (simulation_seconds, wall_seconds)."""
    if isinstance(doc, dict):
        return {k: without_wall_clock(v) for k, v in doc.items() if k not in ("simulation_seconds", "wall_seconds")}
    if isinstance(doc, list):
        return [without_wall_clock(v) for v in doc]
    return doc


def test_predict_equals_the_cli_json(genz_exe):
    r = genz.predict(model="llama3_70b", hw="h100", tp=4, batch=16, input_tokens=2048, output_tokens=256)
    expected = json.loads(cli(genz_exe, "--model", "llama3_70b", "--hw", "h100", "--tp", "4", "--batch", "16",
                              "--input-tokens", "2048", "--output-tokens", "256", "--json", "-q"))
    assert without_wall_clock(r.to_dict()) == without_wall_clock(expected)
    assert r.ttft == expected["requests"][0]["predicted"]["TTFT"]
    assert r.tpot == expected["requests"][0]["predicted"]["TPOT"]
    assert r.config["layout"] == "TP 4, PP 1 on 4 GPUs"


def test_python_names_map_to_the_cli_flags(genz_exe):
    r = genz.predict(model="llama2_7b", hw="rtx3090", engine="hf", system_eff=0.6, accumulate="fp16", kv_dtype="fp16")
    expected = json.loads(cli(genz_exe, "--model", "llama2_7b", "--hw", "rtx3090", "--engine", "hf", "--system_eff",
                              "0.6", "--accumulate", "fp16", "--kv-dtype", "fp16", "--json", "-q"))
    assert without_wall_clock(r.to_dict()) == without_wall_clock(expected)


def test_trace_equals_the_cli_json_and_writes_nothing_unasked(genz_exe, data_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    trace = os.path.join(data_dir, "rtx3090-llama2-7b", "tp2", "chat.csv")
    r = genz.predict_trace(trace, hw="rtx3090", engine="hf", tp=2)
    expected = json.loads(cli(genz_exe, "--trace", trace, "--hw", "rtx3090", "--engine", "hf", "--tp", "2",
                              "--report", "none", "--json", "-q"))
    assert without_wall_clock(r.to_dict()) == without_wall_clock(expected)
    assert len(r) == 32
    assert r.accuracy["TPOT"]["mape"] < 3
    assert os.listdir(tmp_path) == []  # no genz-out/ without out=


def test_trace_reports_when_asked(tmp_path):
    rows = [{"input_tokens": 100, "output_tokens": 20}, {"input_tokens": 900, "output_tokens": 50}]
    r = genz.predict_trace(rows, hw="h100", model="llama2_7b", out=tmp_path / "rep", report="csv,json")
    assert len(r) == 2
    written = set(os.listdir(tmp_path / "rep"))
    assert {"predictions.csv", "report.json"} <= written and "report.html" not in written


def test_trace_from_columns_and_rows_agree():
    columns = {"input_tokens": [128, 512], "output_tokens": [32, 64], "TTFT": [20.0, 40.0]}
    rows = [{"input_tokens": 128, "output_tokens": 32, "TTFT": 20.0}, {"input_tokens": 512, "output_tokens": 64, "TTFT": 40.0}]
    a = genz.predict_trace(columns, hw="h100", model="llama2_7b")
    b = genz.predict_trace(rows, hw="h100", model="llama2_7b")
    assert [x["predicted"] for x in a.requests] == [x["predicted"] for x in b.requests]
    assert a.requests[1]["measured"]["TTFT"] == 40.0
    assert "TTFT" in a.accuracy


def test_sweep_equals_the_cli_json(genz_exe):
    r = genz.sweep({"hw": ["rtx3090", "h100"], "tp": [1, 2], "batch": [1, 8]}, model="llama2_7b", engine="hf")
    expected = json.loads(cli(genz_exe, "sweep", "hw=rtx3090,h100", "tp=1,2", "batch=1,8", "--model", "llama2_7b",
                              "--engine", "hf", "--json", "-q"))
    assert r.to_dict() == expected
    assert len(r) == 8


def test_memory_equals_the_cli_json(genz_exe):
    m = genz.memory(model="llama2_7b", hw="rtx3090", engine="hf", input_tokens=2048, output_tokens=128)
    expected = json.loads(cli(genz_exe, "--model", "llama2_7b", "--hw", "rtx3090", "--engine", "hf",
                              "--input-tokens", "2048", "--output-tokens", "128", "--json", "-q"))["memory"]
    assert m.to_dict() == expected
    assert m.capacity_mib == 24576.0


def test_plugins_lists_what_was_found_and_rejected(fixtures):
    names = {p["name"] for p in genz.plugins() if not p["rejected"]}
    assert {"nvidia", "llama", "deepseek_v3", "nv_like", "csv"} <= names
    found = genz.plugins(plugin_path=os.path.join(fixtures, "bad_abi_version"))
    assert any(p["rejected"] and p["reason"] == "ABI version mismatch" for p in found)


def test_bad_arguments_are_value_errors_with_genz_messages():
    with pytest.raises(ValueError, match="unknown hardware 'rtx9090'"):
        genz.predict(hw="rtx9090")
    with pytest.raises(ValueError, match=r"--tp: expected a whole number in 1..1024, found '-2'"):
        genz.predict(tp=-2)
    with pytest.raises(ValueError, match="unknown argument 'tpp'"):
        genz.predict(tpp=2)
    with pytest.raises(ValueError, match="does not fit"):
        genz.predict(model="llama2_70b", hw="rtx3090", tp=2)
    with pytest.raises(ValueError, match="no such file|cannot be read"):
        genz.predict_trace("/nonexistent/chat.csv")


def test_a_misbehaving_plugin_raises_genz_error(fixtures):
    with pytest.raises(genz.Error, match="returned an invalid time"):
        genz.predict(hw="nan_gpu", plugin_path=os.path.join(fixtures, "misbehaving_hardware"))
    assert issubclass(genz.Error, Exception) and not issubclass(genz.Error, ValueError)


def test_a_session_is_reused_and_equals_one_shot_predictions():
    s = genz.Session(model="llama2_7b", hw="rtx3090", engine="hf")
    assert s.describe()["layout"] == "TP 1, PP 1 on 1 GPU"
    for n_in, n_out in [(24, 200), (1024, 200), (3000, 100)]:
        p = s.predict(input_tokens=n_in, output_tokens=n_out)
        one = genz.predict(model="llama2_7b", hw="rtx3090", engine="hf", input_tokens=n_in, output_tokens=n_out)
        assert (p.ttft, p.tpot, p.e2e) == (one.ttft, one.tpot, one.e2e)
        assert p.to_dict()["TTFT"] == one.ttft
    # A larger request than the session was opened for is checked when it comes.
    with pytest.raises(ValueError, match="needs"):
        s.predict(input_tokens=1024, output_tokens=200, batch=100000)


def test_long_calls_release_the_gil():
    # With a one-second switch interval a thread only gets the GIL when the
    # holder releases it: the spinner counts only while genz runs without it.
    old = sys.getswitchinterval()
    sys.setswitchinterval(1.0)
    count = [0]
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            count[0] += 1

    spinner = threading.Thread(target=spin)
    try:
        spinner.start()
        before = count[0]
        rows = genz.sweep({"batch": list(range(1, 41)), "input_tokens": [128, 256, 512, 1024, 2048]},
                          model="llama3_70b", hw="h100", tp=4)
        during = count[0] - before
    finally:
        stop.set()
        spinner.join()
        sys.setswitchinterval(old)
    assert len(rows) == 200
    assert during > 1000


def test_to_pandas_when_pandas_is_present():
    pd = pytest.importorskip("pandas")
    df = genz.sweep({"tp": [1, 2]}, model="llama2_7b", hw="h100").to_pandas()
    assert isinstance(df, pd.DataFrame)
    assert list(df["layout.tp"]) == [1, 2]
    t = genz.predict_trace({"input_tokens": [10, 20], "output_tokens": [5, 5]}, hw="h100").to_pandas()
    assert list(t["input_tokens"]) == [10, 20]
    assert "predicted.TTFT" in t.columns
