"""Interactive pages: one self-contained HTML file per run or sweep, drawn with Plotly.

Plotly is the library Dash developers already use, so the page reads like a
Dash app's own charts: hover a bar to see what the request read and what its
response changed, zoom into a millisecond, toggle a line off.

* :func:`run_page` — one traced run (``run --html``, the explorer's
  counterexample, and anything else holding a :class:`~simulator.engine.Run`
  and a verdict): the verdict and the why in words (:mod:`.explain`), the
  requests as a Gantt chart (phases as in :mod:`.plots`; the bar of a write
  that put back a stale key says which key it overwrote), and the store's
  value over time, key by key, next to the inputs it should agree with.
* :func:`sweep_page` — a sweep: one figure of the report (:mod:`.figures`)
  against the first swept parameter, a line per strategy with its 95 %
  interval for the desync rate, a panel per workload x other axes.

plotly.js is written into the page (``include_plotlyjs=True``): the file
opens offline, from a mail attachment or a CI artifact.  Plotly is an
optional extra (``pip install ".[html]"``); :func:`require` turns its
absence into a one-line :class:`ScenarioError`.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any, Sequence

from .engine import Run
from .errors import ScenarioError
from .explain import explain
from .figures import figure, linear_threshold, scale
from .plots import PHASES, STRATEGY_COLOURS, divergence_spans, numeric_axis, requests_of
from .values import show

INSTALL_HINT = 'interactive pages need plotly: pip install ".[html]" (or: pip install plotly)'
OUTCOME_COLOURS = {"applied": "#2e7d32", "ignored": "#c62828", "prevented": "#757575", "error": "#000000"}
SYMBOLS = ("circle", "square", "triangle-up", "diamond", "triangle-down", "cross", "x", "star", "pentagon",
           "hexagon")
DASHES = ("solid", "dash", "dashdot", "dot")


def require() -> None:
    """Raise a one-line :class:`ScenarioError` when plotly is not installed."""
    try:
        import plotly.graph_objects  # noqa: F401
    except ImportError:
        raise ScenarioError(INSTALL_HINT) from None


def _go():
    require()
    import plotly.graph_objects as go
    return go


def _e(value: Any) -> str:
    """Text for a hover label or the page: escaped, so a value like ``'<b>'`` shows as typed."""
    return html.escape(str(value), quote=False)


# --- one run ----------------------------------------------------------------------

def run_page(run: Run, verdict: str, title: str = "", store_prop: str = "user_data.data") -> str:
    """The page of one traced run, as an HTML string; ``verdict`` is shown in words at the top."""
    why = explain(run, store_prop)
    end = max([run.end] + [r.get("outcome_t", 0) for r in requests_of(run)])
    figures = [_gantt(run, why, store_prop), _store_over_time(run, store_prop)]
    for fig in figures:  # one time axis for both charts, so a bar lines up with the write it made
        fig.update_xaxes(range=[-0.02 * end, end * 1.08 or 1])
    lines = "".join(f"<li>{_e(line)}</li>" for line in why.lines()[:len(why.steps)])
    sentences = "".join(f'<p class="why">why: {_e(s)}</p>' for s in why.sentences)
    body = (f'<p id="verdict" class="{"bad" if run.diverged or run.runaway or run.unsettled else "good"}">'
            f"{_e(verdict)}</p>{sentences}"
            f"<p>{run.sent} requests sent, {run.ignored} responses ignored, settled {run.settle_ms:.1f} ms after "
            f"the last action, {store_prop.split('.')[0]} wrong for {run.time_diverged:.1f} ms in all.</p>"
            f"<details open><summary>what each request read, and what its response changed</summary>"
            f"<ol class=steps>{lines}</ol></details>")
    return _document(title or "callback-race run", body, figures)


def _gantt(run: Run, why, store_prop: str):
    go = _go()
    steps = {s.id: s for s in why.steps}
    overwrote: dict[int, list[str]] = {}
    for rid, change in why.overwrites:
        overwrote.setdefault(rid, []).append(f"overwrote {change.key}={show(change.old)} with {show(change.new)}")
    reqs = requests_of(run)
    rows = [f"#{r['id']} {r['callback']}" for r in reqs]
    fig = go.Figure()
    for begin, finish, label, colour in PHASES:
        xs, bases, ys, hovers, lines = [], [], [], [], []
        for row, r in zip(rows, reqs):
            t = r["times"]
            if begin in t and finish in t and t[finish] > t[begin]:
                xs.append(t[finish] - t[begin])
                bases.append(t[begin])
                ys.append(row)
                hovers.append(_request_hover(r, steps.get(r["id"]), label, t[begin], t[finish], store_prop))
                lines.append("#c62828" if r.get("outcome") == "ignored" else "rgba(0,0,0,0)")
        fig.add_trace(go.Bar(x=xs, base=bases, y=ys, orientation="h", name=label, marker_color=colour,
                             marker_line_color=lines, marker_line_width=2, hovertext=hovers,
                             hoverinfo="text", width=0.6))
    # A request with no network phases (the explorer's logical clock, a clientside callback, R15): one bar.
    bare = [(row, r) for row, r in zip(rows, reqs) if "uploading" not in r["times"] and "outcome_t" in r]
    if bare:
        fig.add_trace(go.Bar(
            x=[max(r["outcome_t"] - r["times"]["dispatched"], 0.05) for _, r in bare],
            base=[r["times"]["dispatched"] for _, r in bare], y=[row for row, _ in bare], orientation="h",
            name="in flight", marker_color="#b0bec5", width=0.6, hoverinfo="text",
            hovertext=[_request_hover(r, steps.get(r["id"]), "in flight", r["times"]["dispatched"], r["outcome_t"],
                                      store_prop) for _, r in bare]))
    for outcome, colour in OUTCOME_COLOURS.items():
        ended = [(row, r) for row, r in zip(rows, reqs) if r.get("outcome") == outcome]
        if ended:
            fig.add_trace(go.Scatter(
                x=[r["outcome_t"] for _, r in ended], y=[row for row, _ in ended], mode="markers",
                name=outcome + (" (R8 superseded)" if outcome == "ignored" else ""),
                marker=dict(color=colour, size=9, symbol="x" if outcome == "ignored" else "circle"),
                hovertext=[_request_hover(r, steps.get(r["id"]), outcome, r["outcome_t"], None, store_prop)
                           for _, r in ended], hoverinfo="text"))
    for row, r in zip(rows, reqs):
        if r["id"] in overwrote:
            fig.add_annotation(x=r["outcome_t"], y=row, text="<b>" + _e("; ".join(overwrote[r["id"]])) + "</b>",
                               showarrow=True, arrowhead=2, ax=-60, ay=-22, font=dict(color="#b71c1c", size=12),
                               bgcolor="white", bordercolor="#b71c1c")
    _user_actions(fig, run)
    for start, stop, wrong in divergence_spans(run):
        fig.add_vrect(x0=start, x1=max(stop, start + 0.5), fillcolor="#e53935", opacity=0.12, line_width=0,
                      annotation_text="wrong: " + ", ".join(map(str, wrong)), annotation_position="bottom left")
    fig.update_layout(title="requests: when each was queued, uploaded, processed and answered (hover for what it "
                            "read and returned)",
                      barmode="overlay", height=max(320, 110 + 34 * len(rows)), xaxis_title="simulated time (ms)",
                      yaxis=dict(autorange="reversed", categoryorder="array", categoryarray=rows),
                      legend=dict(orientation="h", y=-0.25), margin=dict(l=10, r=10, t=100, b=10))
    return fig


def _request_hover(r, step, phase: str, start: float, stop: float | None, store_prop: str) -> str:
    when = f"{start:.1f} ms" if stop is None else f"{start:.1f} – {stop:.1f} ms"
    lines = [f"<b>#{r['id']} {_e(r['callback'])}</b>: {_e(phase)}, {when}"]
    if step is not None:
        if step.changed_props:
            lines.append("triggered by " + _e(", ".join(step.changed_props)))
        for prop, value in step.read.items():
            lines.append(f"read {_e(prop)} = {_e(show(value))}")
        if step.outcome == "applied":
            lines += [f"changed {_e(c.prop if c.key is None else f'{c.prop}[{c.key!r}]')}: "
                      f"{_e(show(c.old))} → {_e(show(c.new))}" + (" <b>(stale: LOST UPDATE)</b>" if c.stale else "")
                      for c in step.changes] or ["applied: changed nothing"]
        elif step.outcome:
            by = f" by #{step.superseded_by}" if step.superseded_by is not None else ""
            lines.append(f"{_e(step.outcome)}{by}" + (f": {_e(step.message)}" if step.message else ""))
    return "<br>".join(lines)


def _user_actions(fig, run: Run) -> None:
    for e in run.trace or ():
        if e["kind"] == "prop" and e.get("by") == "user":
            fig.add_vline(x=e["t"], line_dash="dash", line_color="#37474f", line_width=1)
            fig.add_annotation(x=e["t"], y=1.0, yref="paper", yanchor="bottom", showarrow=False, textangle=-20,
                               text=_e(f"{e['prop'].split('.')[0]}={show(e['value'])}"), font=dict(size=10))


def _store_over_time(run: Run, store_prop: str):
    """Each key of the store as it changed (filled), and the input it mirrors (hollow), on one row per key."""
    go = _go()
    store_id = store_prop.split(".")[0]
    points: dict[str, list[tuple[float, Any, str]]] = {}
    inputs: dict[str, list[tuple[float, Any, str]]] = {}
    for e in run.trace or ():
        if e["kind"] != "prop":
            continue
        if e["prop"] == store_prop and isinstance(e["value"], dict):
            for key, value in e["value"].items():
                seen = points.setdefault(key, [])
                if not seen or seen[-1][1] != value:
                    seen.append((e["t"], value, f"written by {e.get('by', '?')}; {store_id} = {show(e['value'])}"))
        else:
            inputs.setdefault(e["prop"].split(".")[0], []).append((e["t"], e["value"], f"set by {e.get('by', '?')}"))
    fig = go.Figure()
    end = run.end
    for i, key in enumerate(points):
        colour = STRATEGY_COLOURS[i % len(STRATEGY_COLOURS)]
        for label, series, filled in ((f"{store_id}['{key}']", points[key], True),
                                      (f"{key} (the input)", inputs.get(key, []), False)):
            if not series:
                continue
            xs = [t for t, _, _ in series] + [end]
            texts = [show(v) for _, v, _ in series]
            fig.add_trace(go.Scatter(
                x=xs, y=[label] * len(xs), mode="lines+markers+text", line=dict(color=colour, shape="hv",
                                                                              dash="solid" if filled else "dot"),
                marker=dict(size=[10] * len(series) + [0], color=colour if filled else "white",
                            line=dict(color=colour, width=2)),
                text=[_e(t) for t in texts] + [""], textposition="top right", name=label,
                hovertext=[f"{_e(label)} = {_e(show(v))} at {t:.1f} ms<br>{_e(note)}" for t, v, note in series]
                + [f"end of run, {end:.1f} ms"], hoverinfo="text"))
    for start, stop, wrong in divergence_spans(run):
        fig.add_vrect(x0=start, x1=max(stop, start + 0.5), fillcolor="#e53935", opacity=0.12, line_width=0)
    fig.update_layout(title=f"{store_id}'s keys over time (filled) next to the inputs they mirror (hollow); "
                            "shaded: wrong", height=max(260, 120 + 60 * 2 * max(len(points), 1)),
                      xaxis_title="simulated time (ms)", showlegend=False, margin=dict(l=10, r=10, t=60, b=10))
    return fig


# --- a sweep ----------------------------------------------------------------------

def sweep_page(rows: Sequence[Any], axes: Sequence[Any], metric: str = "desync", title: str = "") -> str:
    """The page of a sweep: ``metric`` vs the first axis, a line per strategy, a panel per workload x others."""
    from plotly.subplots import make_subplots
    go = _go()
    if not rows:
        raise ScenarioError("nothing to draw: the sweep has no results")
    f = figure(metric)
    x_axis, others = axes[0], list(axes[1:])
    numeric = numeric_axis(x_axis.values)
    x_of = dict(zip(x_axis.values, numeric[0] if numeric else x_axis.values))
    workloads = list(dict.fromkeys(r.summary.workload for r in rows))
    strategies = list(dict.fromkeys(r.summary.strategy for r in rows))
    combos = list(dict.fromkeys(tuple(r.values[a.name] for a in others) for r in rows))
    names = [w + "".join(f", {a.name}={v}" for a, v in zip(others, c)) for c in combos for w in workloads]
    fig = make_subplots(rows=len(combos), cols=len(workloads), subplot_titles=names, shared_yaxes=True)
    every = [f.value(r.summary) for r in rows]
    yscale = scale(every)
    # plotly has no symlog axis: on a log axis a 0 is drawn at a floor below the smallest value (said in the title)
    floor = linear_threshold(every) / 3 if yscale == "symlog" else None
    lift = (lambda v: max(v, floor)) if floor else (lambda v: v)
    for ri, combo in enumerate(combos):
        for ci, workload in enumerate(workloads):
            for i, strategy in enumerate(strategies):
                series = sorted((r for r in rows if r.summary.workload == workload and r.summary.strategy == strategy
                                 and tuple(r.values[a.name] for a in others) == combo),
                                key=lambda r: x_axis.values.index(r.values[x_axis.name]))
                if not series:
                    continue
                colour = STRATEGY_COLOURS[i % len(STRATEGY_COLOURS)]
                x = [x_of[r.values[x_axis.name]] for r in series]
                y = [f.value(r.summary) for r in series]
                error = None
                if f.band and any(y):  # no interval around a line at 0: it would only hide the others
                    bands = [tuple(map(lift, f.band(r.summary))) for r in series]
                    error = dict(type="data", symmetric=False,
                                 array=[hi - lift(v) for v, (_, hi) in zip(y, bands)],
                                 arrayminus=[lift(v) - lo for v, (lo, _) in zip(y, bands)], color=colour,
                                 thickness=1)
                hover = [f"<b>{_e(strategy)}</b> under {_e(workload)}<br>{_e(x_axis.name)} = "
                         f"{_e(r.values[x_axis.name])}<br>{_e(f.label)}: {v:.4g}"
                         + (f" (95% CI {lo:.3g}–{hi:.3g})" if f.band else "") + f"<br>{r.summary.trials} trials"
                         for r, v, (lo, hi) in zip(series, y, [f.band(r.summary) for r in series]
                                                   if f.band else [(0, 0)] * len(series))]
                fig.add_trace(go.Scatter(
                    x=x, y=[lift(v) for v in y], error_y=error, mode="lines+markers", name=strategy, legendgroup=strategy,
                    showlegend=ri == 0 and ci == 0,
                    line=dict(color=colour, dash=DASHES[i % len(DASHES)]),
                    marker=dict(symbol=SYMBOLS[i % len(SYMBOLS)], size=14 - 7 * i / max(len(strategies) - 1, 1),
                                color=colour if i % 2 == 0 else "white", line=dict(color=colour, width=2)),
                    hovertext=hover, hoverinfo="text"), row=ri + 1, col=ci + 1)
    fig.update_yaxes(type="log" if yscale != "linear" else "linear")
    fig.update_yaxes(title_text=f.label, col=1)
    if numeric and scale(numeric[0]) != "linear":
        fig.update_xaxes(type="log" if scale(numeric[0]) == "log" else "category")
    fig.update_xaxes(title_text=f"{x_axis.name} ({numeric[1]})" if numeric and numeric[1] != "X" else x_axis.name)
    trials = rows[0].summary.trials
    note = (f" (log axis; 0 drawn at {floor:.2g})" if floor else " (log axis)" if yscale == "log" else "")
    fig.update_layout(height=380 * len(combos) + 120, legend=dict(orientation="h", y=-0.2),
                      title=f"{f.label} vs {x_axis.name}, {trials} trials per point{note}")
    body = (f'<p id="verdict">{_e(title or "sweep")}: {len(rows)} cells over '
            + _e("; ".join(f"{a.name} in {{{', '.join(a.values)}}}" for a in axes))
            + (". Error bars: 95% Wilson interval (none around a line at 0)." if f.band else ".") + "</p>")
    return _document(title or "callback-race sweep", body, [fig])


# --- the document -----------------------------------------------------------------

STYLE = """body{font-family:system-ui,sans-serif;margin:1.5em;max-width:1400px;color:#222}
h1{font-size:1.3em} #verdict{font-weight:bold;font-size:1.1em} .bad{color:#b71c1c} .good{color:#1b5e20}
.why{font-weight:bold} ol.steps{font-family:ui-monospace,monospace;font-size:.85em}"""


def _document(title: str, body: str, figures: Sequence[Any]) -> str:
    """One HTML document; the first figure carries plotly.js inline, so the file works offline."""
    charts = "".join(fig.to_html(full_html=False, include_plotlyjs=(i == 0), config={"responsive": True},
                                 div_id=f"callback-race-chart-{i}")
                     for i, fig in enumerate(figures))
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>'
            f"<style>{STYLE}</style></head><body><h1>{_e(title)}</h1>{body}{charts}</body></html>\n")


def write(path: str | Path, page: str) -> Path:
    path = Path(path)
    try:
        path.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(f"cannot write {path}: {exc.strerror}") from None
    return path
