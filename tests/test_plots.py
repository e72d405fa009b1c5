"""Pictures: ``sweep --plot`` and ``run --plot`` (``simulator/plots.py``; matplotlib is optional)."""

from __future__ import annotations

import struct
import sys

import pytest

import cli
import scenarios
from simulator.plots import divergence_spans, numeric_axis, requests_of

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def mpl():
    return pytest.importorskip("matplotlib")


def assert_png(path, min_width=400, min_height=200, min_bytes=10_000):
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert width >= min_width and height >= min_height
    assert len(data) >= min_bytes  # something was drawn, not a blank canvas
    assert data.rstrip()[-8:-4] == b"IEND"
    return width, height


def test_sweep_plot_is_a_png(mpl, tmp_path, capsys):
    out = tmp_path / "sweep.png"
    assert cli.main(["sweep", "--param", "server-delay=uniform:0:{50,100,200,400}", "--strategies", "naive,patch",
                     "--workloads", "interleave,load", "--trials", "20", "--jobs", "1", "--quiet",
                     "--plot", str(out)]) == 0
    assert_png(out)
    assert f"wrote {out}" in " ".join(capsys.readouterr().out.split())


def test_sweep_plot_with_two_params_and_categorical_axis(mpl, tmp_path):
    out = tmp_path / "sweep2.png"
    assert cli.main(["sweep", "--param", "transport=http1,http2,websocket", "--param", "keys=2,3",
                     "--strategies", "naive,merged", "--workloads", "interleave", "--trials", "10",
                     "--jobs", "1", "--quiet", "--plot", str(out)]) == 0
    assert_png(out)


@pytest.mark.parametrize("strategy, workload", [("naive", "interleave"), ("circular", "load")])
def test_run_plot_is_a_png(mpl, tmp_path, strategy, workload):
    out = tmp_path / "run.png"
    assert cli.main(["run", strategy, "--workload", workload, "--seed", "3", "--plot", str(out)]) == 0
    assert_png(out)


def test_run_plot_of_a_websocket_burst_with_bandwidth(mpl, tmp_path):
    out = tmp_path / "ws.png"
    assert cli.main(["run", "naive", "--workload", "load", "--transport", "websocket", "--bandwidth", "1mbit",
                     "--dict-size", "20000", "--plot", str(out)]) == 0
    assert_png(out)


def test_missing_matplotlib_is_a_one_line_error(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    assert cli.main(["run", "naive", "--plot", str(tmp_path / "x.png")]) == 2
    err = capsys.readouterr().err
    assert "matplotlib" in err and "pip install" in err and "Traceback" not in err
    assert cli.main(["sweep", "--param", "keys=2", "--trials", "1", "--quiet", "--plot",
                     str(tmp_path / "y.png")]) == 2
    assert "matplotlib" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists() and not (tmp_path / "y.png").exists()


# --- what the plots are drawn from ----------------------------------------------------

def test_numeric_axis_finds_the_varying_number():
    assert numeric_axis(["50", "100"]) == ([50.0, 100.0], "X")
    assert numeric_axis(["uniform:0:50", "uniform:0:400"]) == ([50.0, 400.0], "uniform:0:X")
    assert numeric_axis(["1mbit", "50mbit"]) == ([1.0, 50.0], "Xmbit")
    assert numeric_axis(["http1", "websocket"]) is None
    assert numeric_axis(["uniform:0:50", "uniform:10:60"]) is None


def test_trace_has_the_phases_and_divergence_spans_the_plot_needs():
    s = scenarios.scenario("naive", "interleave")
    run = next(r for r in (s.run(seed, trace=True) for seed in range(20)) if r.diverged)
    reqs = requests_of(run)
    http = [r for r in reqs if "uploading" in r["times"]]
    assert http
    for r in http:
        t = r["times"]
        assert t["dispatched"] <= t["sent"] <= t["uploading"] <= t["at_server"] <= t["processing"] \
            <= t["downloading"] <= t["arrived"]
        assert r["outcome"] in ("applied", "ignored", "prevented", "error")
    spans = divergence_spans(run)
    assert spans and spans[-1][1] == run.end  # diverged at quiescence: the last span runs to the end
    assert sum(b - a for a, b, _ in spans) == pytest.approx(run.time_diverged)
    # Monte-Carlo runs stay lean: no trace at all
    assert s.run(0).trace is None


def test_run_plot_marks_the_overwritten_key_on_the_bar_that_overwrote_it_and_says_why(mpl, tmp_path):
    from simulator import Config
    from simulator.plots import run_plot
    run = scenarios.scenario("naive", "load").run(1, Config(), trace=True)
    out = tmp_path / "run.svg"
    with mpl.rc_context({"svg.fonttype": "none"}):  # text stays text in the SVG, so it can be read back
        run_plot(run, out)
    svg = out.read_text()
    assert "overwrote first_name='Mickael' with 'john'" in svg.replace("&#39;", "'")
    assert "why: lost update" in svg and "R16 full replace" in svg
