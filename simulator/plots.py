"""Pictures: a sweep's desync curves and one run's request timeline (matplotlib, optional).

* :func:`sweep_plot` — a figure of the report (the desync rate at quiescence
  with its 95 % Wilson band by default, or any of :mod:`.figures`) against
  the first swept parameter, one line per strategy (each its own colour,
  marker and line style), one panel per workload (and per combination of the
  other swept parameters); a log axis when the values span orders of
  magnitude.
* :func:`run_plot` — one traced run as a Gantt chart: a row per request that
  left the renderer, its phases (renderer pass, queued in the browser for a
  connection, uploading, waiting for a server worker, processing,
  downloading), how it ended (applied, ignored because superseded in flight
  (R8), prevented, error), the user's actions, and the spans during which the
  store diverged.

matplotlib is an optional extra (``pip install 'callback-race[plot]'``);
:func:`require` turns its absence into a :class:`ScenarioError` the CLI
prints as a one-line error.  Figures are drawn with the object API on an Agg
canvas: no GUI backend, no global pyplot state.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any, Sequence

from .engine import Run
from .errors import ScenarioError
from .explain import explain
from .figures import figure, linear_threshold, scale
from .rules import label as rule_label
from .values import show

INSTALL_HINT = ('plotting needs matplotlib: pip install ".[plot]" in a checkout '
                "(pip install 'callback-race[plot]' from PyPI, or just: pip install matplotlib)")

PHASES = (  # (trace kind that starts it, trace kind that ends it, label, colour)
    ("dispatched", "sent", "renderer pass", "#c9b8e8"),
    ("sent", "uploading", "queued in browser", "#9e9e9e"),
    ("uploading", "at_server", "uploading", "#4a90d9"),
    ("at_server", "processing", "server queue", "#f5c28a"),
    ("processing", "downloading", "processing", "#e07b1f"),
    ("downloading", "arrived", "downloading", "#3fa34d"),
)
OUTCOMES = {"applied": ("o", "#2e7d32", "applied"), "ignored": ("X", "#c62828", f"ignored ({rule_label('R8')})"),
            "prevented": ("$\\varnothing$", "#757575", "prevented"), "error": ("D", "#000000", "error")}
STRATEGY_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
                    "#bcbd22", "#7f7f7f")


def require() -> None:
    """Raise a one-line :class:`ScenarioError` when matplotlib is not installed."""
    try:
        import matplotlib  # noqa: F401
        from matplotlib.figure import Figure  # noqa: F401
    except ImportError:
        raise ScenarioError(INSTALL_HINT) from None


#: What ``savefig`` writes with the Agg canvas (checked before a run, so a typo fails first).
FORMATS = ("png", "pdf", "svg", "svgz", "eps", "ps", "jpg", "jpeg", "tif", "tiff", "webp", "raw", "rgba", "pgf")


def check_path(path: str | Path) -> None:
    """Refuse a plot file name whose extension matplotlib cannot write, before anything runs."""
    suffix = Path(path).suffix.lstrip(".").lower() or "png"
    if suffix not in FORMATS:
        raise ScenarioError(f"--plot {path}: matplotlib cannot write .{suffix} files; use one of: "
                            f"{', '.join('.' + f for f in FORMATS[:6])}, ...")


def _figure(width: float, height: float):
    require()
    from matplotlib.figure import Figure
    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _save(fig, path: str | Path) -> Path:
    path = Path(path)
    try:
        fig.savefig(path, format=path.suffix.lstrip(".").lower() or "png")
    except (OSError, ValueError) as exc:
        raise ScenarioError(f"cannot write {path}: {exc}") from None
    return path


# --- sweeps ---------------------------------------------------------------------------

_NUMBER = re.compile(r"(-?\d+(?:\.\d+)?(?:e-?\d+)?)")


def numeric_axis(values: Sequence[str]) -> tuple[list[float], str] | None:
    """Numbers to plot string values at, and an axis label template.

    ``["50", "100"]`` -> ``([50, 100], "X")``; ``["uniform:0:50", "uniform:0:100"]``
    -> ``([50, 100], "uniform:0:X")`` (one number varies, the rest is the same);
    anything else -> None (plot the values as categories).
    """
    try:
        return [float(v) for v in values], "X"
    except ValueError:
        pass
    split = [_NUMBER.split(v) for v in values]
    if len({len(s) for s in split}) != 1:
        return None
    varying = [i for i in range(len(split[0])) if len({s[i] for s in split}) > 1]
    if len(varying) != 1 or varying[0] % 2 == 0:  # odd positions are the numbers
        return None
    i = varying[0]
    template = "".join("X" if j == i else part for j, part in enumerate(split[0]))
    return [float(s[i]) for s in split], template


#: One look per strategy: colour, marker and line style all differ, and markers shrink
#: from the first strategy to the last, so lines that coincide (several at 0 %) all show.
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">")
LINESTYLES = ("-", "--", "-.", ":")


def strategy_style(i: int, count: int) -> dict[str, Any]:
    """The matplotlib style of the ``i``-th of ``count`` strategies."""
    size = 11 - 6 * i / max(count - 1, 1)
    return dict(color=STRATEGY_COLOURS[i % len(STRATEGY_COLOURS)], marker=MARKERS[i % len(MARKERS)],
                linestyle=LINESTYLES[i % len(LINESTYLES)], markersize=size, linewidth=1.4,
                markerfacecolor="none" if i % 2 else STRATEGY_COLOURS[i % len(STRATEGY_COLOURS)],
                markeredgewidth=1.4, zorder=2 + i)


def sweep_figure(rows: Sequence[Any], axes: Sequence[Any], metric: str = "desync", title: str = ""):
    """A figure of the report vs the first axis; a line per strategy, a panel per workload x other axes."""
    if not rows:
        raise ScenarioError("nothing to plot: the sweep has no results")
    fig_of = figure(metric)
    x_axis, others = axes[0], list(axes[1:])
    numeric = numeric_axis(x_axis.values)
    xs = numeric[0] if numeric else list(range(len(x_axis.values)))
    x_of = dict(zip(x_axis.values, xs))
    workloads = list(dict.fromkeys(r.summary.workload for r in rows))
    strategies = list(dict.fromkeys(r.summary.strategy for r in rows))
    combos = list(dict.fromkeys(tuple(r.values[a.name] for a in others) for r in rows))
    ncols, nrows = len(workloads), len(combos)
    fig = _figure(max(5.5, 4.6 * ncols), max(3.6, 3.3 * nrows) + 0.4)
    grid = fig.subplots(nrows, ncols, squeeze=False, sharey=True)
    every = [fig_of.value(r.summary) for r in rows]
    yscale = scale(every + ([v for r in rows for v in fig_of.band(r.summary)] if fig_of.band else []))
    flat: dict[str, bool] = {s: all(fig_of.value(r.summary) == 0 for r in rows if r.summary.strategy == s)
                             for s in strategies}
    for row_i, combo in enumerate(combos):
        for col_i, workload in enumerate(workloads):
            ax = grid[row_i][col_i]
            for i, strategy in enumerate(strategies):
                # A point where no run finished has no rate (cut-off runs are not desyncs): left out.
                series = [r for r in rows if r.summary.workload == workload and r.summary.strategy == strategy
                          and tuple(r.values[a.name] for a in others) == combo and r.summary.finished]
                if not series:
                    continue
                series.sort(key=lambda r: x_of[r.values[x_axis.name]])
                style = strategy_style(i, len(strategies))
                x = [x_of[r.values[x_axis.name]] for r in series]
                values = [fig_of.value(r.summary) for r in series]
                if fig_of.band and any(values):  # a band around a line at 0 would only hide other lines
                    low, high = zip(*(fig_of.band(r.summary) for r in series))
                    ax.fill_between(x, low, high, color=style["color"], alpha=0.12, linewidth=0)
                label = strategy + (" (0 at every point)" if flat[strategy] else "")
                ax.plot(x, values, label=label, **style)
            panel = workload + ("" if not others else "\n" + ", ".join(
                f"{a.name}={v}" for a, v in zip(others, combo)))
            ax.set_title(panel, fontsize=10)
            if yscale == "symlog":
                ax.set_yscale("symlog", linthresh=linear_threshold(every))
            elif yscale == "log":
                ax.set_yscale("log")
            if fig_of.percent and yscale == "linear":
                ax.set_ylim(-3, 103)
            ax.grid(True, alpha=0.3)
            if numeric:
                ax.set_xlabel(f"{x_axis.name} ({numeric[1]})" if numeric[1] != "X" else x_axis.name)
                if scale(xs) != "linear":  # a log axis, ticked at the swept values themselves
                    if scale(xs) == "log":
                        ax.set_xscale("log")
                    else:
                        threshold = linear_threshold(xs)
                        ax.set_xscale("symlog", linthresh=threshold)
                        ax.set_xlim(-0.25 * threshold, max(xs) * 1.6)
                    ax.set_xticks(xs, list(x_axis.values), fontsize=8)
                    ax.minorticks_off()
            else:
                ax.set_xticks(xs, list(x_axis.values), rotation=20, fontsize=8)
                ax.set_xlabel(x_axis.name)
            if col_i == 0:
                ax.set_ylabel(fig_of.label + (f" [{yscale} axis]" if yscale != "linear" else ""), fontsize=9)
    handles, labels = grid[0][0].get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 3), fontsize=9,
                   title="strategy" + (" (shaded: 95% Wilson interval, not drawn around a line at 0)"
                                       if fig_of.band else ""),
                   title_fontsize=8, frameon=False)
    trials = rows[0].summary.trials
    fig.suptitle(title or f"{fig_of.label} vs {x_axis.name} ({trials} trials per point)", fontsize=11)
    return fig


def sweep_plot(rows: Sequence[Any], axes: Sequence[Any], path: str | Path, title: str = "",
               metric: str = "desync") -> Path:
    """:func:`sweep_figure`, written to ``path`` (PNG, SVG or PDF by its suffix)."""
    return _save(sweep_figure(rows, axes, metric, title), path)


# --- one run --------------------------------------------------------------------------

def requests_of(run: Run) -> list[dict[str, Any]]:
    """Per request that left the renderer: its phase times and how it ended, from the trace."""
    if run.trace is None:
        raise ValueError("a run plot needs a run simulated with trace=True")
    reqs: dict[int, dict[str, Any]] = {}
    for e in run.trace:
        rid = e.get("request")
        if rid is None:
            continue
        r = reqs.setdefault(rid, {"id": rid, "callback": e.get("callback", ""), "times": {}})
        kind = e["kind"]
        if kind in ("superseded",):
            r["superseded"] = e["t"]
        elif kind in OUTCOMES:
            r["outcome"], r["outcome_t"] = kind, e["t"]
        elif kind not in r["times"]:
            r["times"][kind] = e["t"]
    return [r for _, r in sorted(reqs.items()) if "dispatched" in r["times"]]


def divergence_spans(run: Run) -> list[tuple[float, float, list[str]]]:
    """(start, end, wrong keys) for each span the store diverged, from the trace."""
    spans, start, wrong = [], None, []
    for e in run.trace or ():
        if e["kind"] == "diverged" and start is None:
            start, wrong = e["t"], e.get("wrong", [])
        elif e["kind"] == "consistent" and start is not None:
            spans.append((start, e["t"], wrong))
            start = None
    if start is not None:
        spans.append((start, run.end, wrong))
    return spans


def _short(value: Any, width: int = 18) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def run_plot(run: Run, path: str | Path, title: str = "", store_prop: str = "user_data.data") -> Path:
    """One run's requests as a Gantt chart, with the store's divergence shaded."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch as Swatch

    reqs = requests_of(run)
    why = explain(run, store_prop)
    overwrote: dict[int, list[str]] = {}  # request -> the keys its stale full value put back (R16)
    for rid, change in why.overwrites:
        overwrote.setdefault(rid, []).append(f"overwrote {change.key}={show(change.old)} with {show(change.new)}")
    fig = _figure(12, max(3.2, 2.3 + 0.34 * len(reqs)))
    ax = fig.subplots()
    end = max([run.end] + [r.get("outcome_t", 0) for r in reqs])
    spans = divergence_spans(run)
    for start, stop, wrong in spans:
        ax.axvspan(start, max(stop, start + end * 0.002), color="#e53935", alpha=0.12, linewidth=0)
    for y, r in enumerate(reqs):
        t = r["times"]
        ignored = r.get("outcome") == "ignored"
        for begin, finish, _label, colour in PHASES:
            if begin in t and finish in t and t[finish] > t[begin]:
                ax.barh(y, t[finish] - t[begin], left=t[begin], height=0.6, color=colour,
                        edgecolor="#c62828" if ignored else "none", hatch="///" if ignored else None,
                        linewidth=0.8 if ignored else 0)
        if "sent" in t and "uploading" not in t:  # clientside (R15): no round trip
            ax.plot([t["dispatched"]], [y], marker="d", color="#5e35b1", markersize=6)
        if "superseded" in r:
            ax.plot([r["superseded"]], [y], marker="|", color="#c62828", markersize=14, markeredgewidth=2)
        if "outcome" in r:
            marker, colour, label = OUTCOMES[r["outcome"]]
            ax.plot([r["outcome_t"]], [y], marker=marker, color=colour, markersize=7, linestyle="none")
            ax.annotate(label, (r["outcome_t"], y), xytext=(6, -3), textcoords="offset points", fontsize=7,
                        color=colour)
        if r["id"] in overwrote:  # the losing write: mark the key it overwrote on its bar
            ax.annotate("; ".join(overwrote[r["id"]]), (r["outcome_t"], y), xytext=(-4, 0),
                        textcoords="offset points", fontsize=8, fontweight="bold", color="#b71c1c",
                        ha="right", va="center",
                        bbox=dict(boxstyle="round,pad=0.2", facecolor="white", edgecolor="#b71c1c", linewidth=0.8))
    for e in run.trace or ():
        if e["kind"] == "prop" and e.get("by") == "user":
            ax.axvline(e["t"], color="#37474f", linestyle="--", linewidth=0.8)
            ax.annotate(f"{e['prop'].split('.')[0]}={_short(e['value'])}", (e["t"], 1.0),
                        xycoords=("data", "axes fraction"), xytext=(0, 3), textcoords="offset points",
                        fontsize=7, rotation=30, ha="left", va="bottom", color="#37474f", annotation_clip=False)
        elif e["kind"] == "measure":
            ax.axvline(e["t"], color="#37474f", linestyle=":", linewidth=1.2)
    ax.set_yticks(range(len(reqs)), [f"#{r['id']} {r['callback']}" for r in reqs], fontsize=8)
    ax.set_ylim(len(reqs) - 0.4, -0.6)
    ax.set_xlim(0, end * 1.06 if end else 1)
    ax.set_xlabel("simulated time (ms)")
    ax.grid(True, axis="x", alpha=0.3)
    legend = [Swatch(color=c, label=label) for _b, _f, label, c in PHASES]
    legend += [Swatch(facecolor="white", edgecolor="#c62828", hatch="///", label=f"response ignored ({rule_label('R8')})"),
               Line2D([], [], marker="|", color="#c62828", linestyle="none", markersize=10, markeredgewidth=2,
                      label="superseded"),
               Line2D([], [], marker="o", color="#2e7d32", linestyle="none", label="applied"),
               Line2D([], [], color="#37474f", linestyle="--", label="user action"),
               Line2D([], [], color="#37474f", linestyle=":", label="measured phase starts"),
               Swatch(color="#e53935", alpha=0.25, label=f"{store_prop.split('.')[0]} diverged")]
    ax.legend(handles=legend, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    verdict = (f"RUNAWAY: {run.runaway}" if run.runaway else
               f"UNSETTLED: {run.unsettled}" if run.unsettled else
               f"diverged at quiescence: wrong {', '.join(run.wrong)}" if run.diverged else
               "consistent at quiescence")
    fig.suptitle((title + "\n" if title else "") + f"{verdict}; {run.sent} requests, {run.ignored} ignored, "
                 f"diverged {run.time_diverged:.0f} ms in {len(spans)} span(s)", fontsize=10)
    fig.supxlabel(textwrap.fill("why: " + why.sentence, 150), fontsize=8, ha="left", x=0.01,
                  color="#b71c1c" if run.diverged else "#1b5e20")
    return _save(fig, path)
