"""Sweep pictures show every line: styles, log axes, and any figure of the report (``--metric``)."""

from __future__ import annotations

import pytest

import cli
from simulator.figures import FIGURES, figure, scale
from simulator.metrics import Summary
from simulator.sweep import Axis, SweepRow

STRATEGIES = ("naive", "chained", "patch", "intermediary_stores")


@pytest.fixture
def mpl():
    return pytest.importorskip("matplotlib")


def _rows(rates: dict[str, list[float]], trials: int = 200, bytes_up: dict[str, list[int]] | None = None):
    """Sweep rows over server-delay=50,100,200 with the given desync rates (and bytes) per strategy."""
    axis = Axis("server-delay", ("50", "100", "200"))
    rows = []
    for strategy, per_point in rates.items():
        for i, (value, rate) in enumerate(zip(axis.values, per_point)):
            s = Summary(strategy, "load", trials=trials, diverged=round(rate * trials))
            s.bytes_up = (bytes_up or {}).get(strategy, [0, 0, 0])[i] * trials
            rows.append(SweepRow({"server-delay": value}, s))
    return rows, [axis]


def _lines(fig):
    (ax,) = fig.axes
    return ax, {line.get_label().split(" (")[0]: line for line in ax.get_lines()}


def test_every_strategy_has_its_own_marker_line_style_and_size_so_lines_at_zero_all_show(mpl):
    from simulator.plots import sweep_figure
    rows, axes = _rows({"naive": [1.0, 1.0, 1.0], "chained": [0, 0, 0], "patch": [0, 0, 0],
                        "intermediary_stores": [0, 0, 0]})
    _ax, lines = _lines(sweep_figure(rows, axes))
    assert set(lines) == set(STRATEGIES)
    looks = {(ln.get_marker(), ln.get_linestyle()) for ln in lines.values()}
    assert len(looks) == len(STRATEGIES)
    zero = [lines[s] for s in ("chained", "patch", "intermediary_stores")]
    sizes = [ln.get_markersize() for ln in zero]
    assert len(set(sizes)) == 3 and sizes == sorted(sizes, reverse=True)   # each smaller one drawn on top
    assert [ln.get_zorder() for ln in zero] == sorted(ln.get_zorder() for ln in zero)


def test_a_line_at_zero_everywhere_says_so_in_the_legend(mpl):
    from simulator.plots import sweep_figure
    rows, axes = _rows({"naive": [0.5, 0.6, 0.7], "patch": [0, 0, 0]})
    ax, _ = _lines(sweep_figure(rows, axes))
    labels = [ln.get_label() for ln in ax.get_lines()]
    assert "patch (0 at every point)" in labels and "naive" in labels


def test_rates_spanning_orders_of_magnitude_get_a_symlog_axis_that_keeps_zero(mpl):
    from simulator.plots import sweep_figure
    rows, axes = _rows({"naive": [0.6, 0.6, 0.6], "circular": [0.005, 0.01, 0.005], "patch": [0, 0, 0]})
    ax, _ = _lines(sweep_figure(rows, axes))
    assert ax.get_yscale() == "symlog"
    rows, axes = _rows({"naive": [0.4, 0.5, 0.6], "merged": [0.2, 0.3, 0.3]})
    ax, _ = _lines(sweep_figure(rows, axes))
    assert ax.get_yscale() == "linear"


def test_scale_picks_log_symlog_or_linear():
    assert scale([300, 100_000]) == "log"
    assert scale([0, 300, 100_000]) == "symlog"
    assert scale([0, 20, 60]) == "linear"
    assert scale([0, 0]) == "linear"


def test_metric_plots_that_figure_per_run_with_its_words_and_unit(mpl):
    from simulator.plots import sweep_figure
    rows, axes = _rows({"naive": [0, 0, 0], "patch": [0, 0, 0]},
                       bytes_up={"naive": [1_000, 10_000, 100_000], "patch": [300, 300, 300]})
    ax, lines = _lines(sweep_figure(rows, axes, metric="bytes-up"))
    assert list(lines["naive"].get_ydata()) == [1_000, 10_000, 100_000]
    assert list(lines["patch"].get_ydata()) == [300, 300, 300]
    assert "bytes uploaded" in ax.get_ylabel() and ax.get_yscale() == "log"


def test_every_figure_reads_a_number_from_a_summary():
    s = Summary("naive", "load", trials=4, diverged=1)
    s.bytes_up, s.bytes_down = 400, 80
    for f in FIGURES.values():
        assert isinstance(f.value(s), float | int), f.name
    assert figure("bytes_up").value(s) == 100 and figure("desync").value(s) == 25


def test_unknown_metric_is_a_one_line_error_listing_the_figures(capsys):
    assert cli.main(["sweep", "--param", "keys=2", "--metric", "latency", "--trials", "1", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "latency" in err and "bytes-up" in err and "settle-p95" in err and "Traceback" not in err


def test_dict_size_sweep_shows_what_patch_saves(mpl, tmp_path, monkeypatch):
    """README claim 4: a naive update carries the whole dict; a Patch a few hundred bytes."""
    from simulator import sweep
    from simulator.plots import sweep_figure
    kept = []
    real = sweep.sweep
    monkeypatch.setattr(sweep, "sweep", lambda *a, **kw: kept.append(real(*a, **kw)) or kept[-1])
    out = tmp_path / "bytes.png"
    assert cli.main(["sweep", "--param", "dict-size=0,100000", "--strategies", "naive,patch", "--workloads", "load",
                     "--trials", "5", "--jobs", "1", "--quiet", "--metric", "bytes-up", "--plot", str(out)]) == 0
    assert out.stat().st_size > 10_000
    _ax, lines = _lines(sweep_figure(kept[0], [Axis("dict-size", ("0", "100000"))], metric="bytes-up"))
    naive, patch = lines["naive"].get_ydata(), lines["patch"].get_ydata()
    assert naive[1] > 100_000 and patch[1] < 2_000 and patch[1] == pytest.approx(patch[0], rel=0.05)
