"""Reports: what the CLI prints and writes, built from library results.

* :func:`summary_table` — the Monte-Carlo table (rich).
* :func:`write_json` / :func:`write_csv` — the same, machine-readable.
* :func:`timeline` — one run, event by event, with the store's dict after
  each step: how a user sees *why* a strategy diverges.
* :func:`graph_text` / :func:`graph_dot` — the callback dependency graph.
"""

from __future__ import annotations

import csv
import json
import textwrap
from pathlib import Path
from typing import Any, Iterable, Sequence

from rich.console import Group
from rich.table import Table
from rich.text import Text

from .engine import Run
from .explain import explain
from .graph import Graph
from .hazards import hazards
from .metrics import Summary
from .rules import cite
from .values import show

CSV_FIELDS = ["strategy", "workload", "trials", "diverged", "rate", "ci_low", "ci_high",
              "mean_requests", "p95_requests", "max_requests", "mean_ignored", "mean_settle_ms",
              "p95_settle_ms", "mean_time_diverged_ms", "mean_bytes_up", "mean_bytes_down",
              "applied_share", "runaway", "unsettled", "finished", "mean_superseded", "errors", "wrong_keys"]


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


#: The figures every table shows for one cell, after its identifying columns.
SUMMARY_COLUMNS = ("desync", "95% CI", "keys lost", "requests", "ignored", "applied", "settle ms p50/p95",
                   "bytes up/down")
#: Shown after "desync" when some run of the table did not finish.
CUT_OFF_COLUMN = "cut off (not in desync)"


def cut_off_cell(s: Summary) -> str:
    """How many runs did not finish, and why: they are left out of every other figure."""
    parts = [f"{n} {why}" for n, why in ((s.runaway, "runaway loop"), (s.unsettled, "time limit")) if n]
    return ", ".join(parts) or "-"


def summary_cells(s: Summary, cut_off: bool = False) -> list[Any]:
    """One cell's figures, formatted, in the order of :data:`SUMMARY_COLUMNS` (with ``cut_off``, that
    column after the desync).  Every cell is a :class:`Text`, so no text is read as markup."""
    low, high = s.ci
    lost = ", ".join(f"{k} {v}" for k, v in sorted(s.wrong_keys.items())) or "-"
    n = max(s.finished, 1)
    known = s.finished > 0
    cells = [
        Text(f"{s.diverged}/{s.finished} {_pct(s.rate) if known else '-'}",
             style="bold red" if s.diverged else ("green" if known else "yellow")),
        Text(f"{_pct(low)}-{_pct(high)}" if known else "-"), Text(lost),
        Text(f"{s.requests.mean:.1f} (max {max(s.requests.counts, default=0)})"),
        Text(f"{s.ignored.mean:.2f}"), Text(_pct(s.applied_share)),
        Text(f"{s.settle.percentile(50):.0f}/{s.settle.percentile(95):.0f}"),
        Text(f"{s.bytes_up / n:.0f}/{s.bytes_down / n:.0f}"),
    ]
    if not known:  # no run finished: no figure to show
        cells[3:] = [Text("-") for _ in cells[3:]]
    if cut_off:
        cells.insert(1, Text(cut_off_cell(s), style="bold yellow" if s.cut_off else ""))
    return cells


def summary_table(summaries: Sequence[Summary], title: str = "", extra: Sequence[str] = (),
                  extra_values: Sequence[Sequence[str]] = ()) -> Table:
    """Strategy, workload, any ``extra`` columns (a sweep's parameters), then the figures.

    Runs that did not finish are not desyncs: when there are any, a column
    counts them and the desync rate is over the runs that finished.
    """
    cut_off = any(s.cut_off for s in summaries)
    columns = list(SUMMARY_COLUMNS)
    if cut_off:
        columns.insert(1, CUT_OFF_COLUMN)
    table = Table(title=Text(title) if title else None, title_justify="left", show_lines=False)
    for name in ("strategy", "workload", *extra):
        table.add_column(Text(name), no_wrap=True)
    for name in columns:
        table.add_column(Text(name), justify="left" if name in ("keys lost", CUT_OFF_COLUMN) else "right",
                         no_wrap=True)
    previous = (None, None)
    for i, s in enumerate(summaries):
        new_strategy = s.strategy != previous[0]
        new_workload = new_strategy or s.workload != previous[1]
        table.add_row(Text(s.strategy if new_strategy else ""), Text(s.workload if new_workload else ""),
                      *(Text(str(v)) for v in (extra_values[i] if extra else ())), *summary_cells(s, cut_off))
        previous = (s.strategy, s.workload)
    return table


#: Settings as a reader names them: words and units, not field names.
LABELS = {
    "server_delay": "server delay (ms)", "network": "network, each way (ms)", "client_overhead": "renderer pass (ms)",
    "bandwidth_bytes_per_ms": "bandwidth", "request_budget": "loop guard (requests per action)",
    "callback_delays": "server delay of one callback (ms)",
    "network_up": "upload (ms)", "network_down": "download (ms)",
    "interleave_window": "interleave window (ms)", "typing_interval": "typing interval (ms)",
    "field_switch": "field switch (ms)", "interval_period": "interval period (ms)",
    "interval_ticks": "interval ticks", "dict_size": "dict size (bytes)",
}


def label(name: str) -> str:
    """A settings key or a sweep parameter (``server-delay``) in words, with its unit."""
    key = name.replace("-", "_")
    return LABELS.get(key, key.replace("_", " "))


def settings_text(settings: dict[str, Any]) -> str:
    """The settings line above a table: ``server delay (ms): uniform:0:300; bandwidth: unlimited; ...``."""
    def value(key: str, v: Any) -> str:
        if key == "bandwidth_bytes_per_ms":
            return "unlimited" if v is None else f"{v * 8 / 1000:g} Mbit/s"
        if isinstance(v, dict):
            return ", ".join(f"{name}={law}" for name, law in v.items())
        return str(v)
    return "; ".join(f"{label(k)}: {value(k, v)}" for k, v in settings.items())


def write_records_csv(path: str | Path, records: Iterable[dict[str, Any]], leading: Sequence[str] = ()) -> None:
    """Records as CSV: the ``leading`` columns (a sweep's parameters), then :data:`CSV_FIELDS`."""
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(leading) + CSV_FIELDS, extrasaction="ignore")
        writer.writeheader()
        for row in records:
            row = dict(row, wrong_keys=";".join(f"{k}={v}" for k, v in row["wrong_keys"].items()))
            writer.writerow(row)


def write_json(path: str | Path, summaries: Iterable[Summary], header: dict[str, Any]) -> None:
    data = {"settings": header, "results": [s.record() for s in summaries]}
    Path(path).write_text(json.dumps(data, indent=2, sort_keys=False) + "\n")


def write_csv(path: str | Path, summaries: Iterable[Summary]) -> None:
    write_records_csv(path, (s.record() for s in summaries))


# --- one run -----------------------------------------------------------------

#: Below this many columns the timeline stacks the store's value under the event's detail.
STACK_BELOW = 140


def _row(table: Table, *cells: Any) -> None:
    """A row whose strings are :class:`Text`: values from a run are user text, never markup."""
    table.add_row(*(Text(c) if isinstance(c, str) else c for c in cells))


def timeline(run: Run, store_prop: str = "user_data.data", title: str = "", width: int | None = None) -> Table:
    """The run's trace as a table; the store's dict shown whenever it changes.

    Values wrap rather than being cut, so every value that explains a race is
    shown (long padding strings are shortened by :func:`show`, with their
    length).  For a terminal narrower than :data:`STACK_BELOW` columns
    (``width``), the store's value goes under the row's detail instead of in a
    column of its own, which fits 100 columns.
    """
    if run.trace is None:
        raise ValueError("timeline needs a run simulated with trace=True")
    stacked = width is not None and width < STACK_BELOW
    table = Table(title=Text(title) if title else None, title_justify="left", expand=False)
    table.add_column("t (ms)", justify="right", no_wrap=True)
    table.add_column("request", overflow="fold")
    table.add_column("event", no_wrap=True)
    table.add_column("detail", overflow="fold", ratio=3)
    if not stacked:
        table.add_column(store_prop, overflow="fold", ratio=2)

    def add(t: str, who: str, event: Text, detail: str, store: str = "") -> None:
        if stacked:
            _row(table, t, who, event, detail + (f"\n-> {store}" if store else ""))
        else:
            _row(table, t, who, event, detail, store)

    styles = {"ignored": "bold red", "superseded": "yellow", "applied": "green", "error": "red",
              "diverged": "bold red", "consistent": "green", "downloading": "dim", "measure": "bold",
              "prevented": "dim", "merged": "dim", "pruned": "dim", "dropped": "dim", "deadlock": "magenta",
              "removed": "dim", "layout": "magenta"}
    phase: dict[int, dict[str, float]] = {}  # request -> engine phase times (network.py)
    for e in run.trace:
        kind = e["kind"]
        if kind in ("prioritized",):
            continue
        if kind in ("uploading", "at_server", "processing"):
            times = phase.setdefault(e["request"], {})
            times[kind] = e["t"]
            # shown only when the request waited: for a connection (http1) or a server worker
            if kind == "uploading" and e["t"] > times.get("sent", e["t"]):
                add(f"{e['t']:.1f}", f"#{e['request']} {e['callback']}", Text("connected", style="dim"),
                    f"queued {e['t'] - times['sent']:.1f} ms in the browser for a free connection")
            elif kind == "processing" and e["t"] > times.get("at_server", e["t"]):
                add(f"{e['t']:.1f}", f"#{e['request']} {e['callback']}", Text("worker", style="dim"),
                    f"queued {e['t'] - times['at_server']:.1f} ms at the server for a free worker")
            continue
        if kind == "sent" and "request" in e:
            phase.setdefault(e["request"], {})["sent"] = e["t"]
        who = f"#{e['request']} {e['callback']}" if "request" in e else ""
        detail, store = "", ""
        if kind == "requested":
            detail = f"triggered by {e['cause']}"
        elif kind == "dispatched":
            detail = "read " + ", ".join(f"{k} = {show(v)}" for k, v in e["read"].items())
        elif kind == "applied":
            detail = "returned " + ", ".join(f"{k} = {show(v)}" if k != store_prop else f"a new {k}"
                                             for k, v in e["values"].items())
        elif kind == "superseded":
            detail = f"by #{e['by']}: its response will be ignored (R8)" if e.get("by") else "(R8)"
        elif kind == "ignored":
            detail = "response ignored: superseded while in flight (R8)"
        elif kind == "side_update":
            detail = "set_props " + ", ".join(f"{k} = {show(v)}" if k != store_prop else f"a new {k}"
                                              for k, v in e["values"].items()) + " (R21)"
        elif kind in ("error", "prevented"):
            detail = e.get("message") or ("PreventUpdate / no_update: nothing applied" if kind == "prevented" else "")
        elif kind == "merged":
            detail = f"merged into #{e['into']} (R7)"
        elif kind == "pruned":
            detail = "circular: its chain already ran it (R6)"
        elif kind == "dropped":
            detail = "nothing its Inputs need was updated by its group (R19)"
        elif kind == "removed":
            detail = "its callback's components left the page: dropped, any answer ignored (R30)"
        elif kind == "layout":
            detail = f"{e['prop']} changes the page: {_arrivals(e)} (R30)"
        elif kind == "deadlock":
            detail = f"deadlock broken: #{e['requests']} assumed ready (R10)"
        elif kind in ("prop", "unchanged"):
            if kind == "unchanged":
                detail = f"{e['prop']} set to its current value by {e['by']}: no change (R4)"
            else:
                detail = f"{e['prop']} = {show(e['value'])}  ({e['by']})"
            if e.get("prop") == store_prop and kind == "prop":
                detail = f"{e['prop']} set by {e['by']}"
                store = show(e["value"])
        elif kind == "sent":
            detail = "leaves the browser"
        elif kind == "arrived":
            detail = "response back in the browser"
        elif kind == "downloading":
            started = phase.get(e["request"], {}).get("processing")
            detail = "server done" + (f" after {e['t'] - started:.1f} ms of processing" if started is not None else "")
        elif kind == "measure":
            detail = "the measured phase starts"
        elif kind == "diverged":
            detail = f"{store_prop} disagrees with the inputs: {', '.join(e.get('wrong', []))} wrong"
        elif kind == "consistent":
            detail = f"{store_prop} agrees with the inputs again"
        add(f"{e['t']:.1f}", who, Text(kind, style=styles.get(kind, "")), cite(detail), store)
    return table


def _arrivals(e: dict[str, Any]) -> str:
    """What a layout change did (R30), in a few words."""
    parts = []
    for verb, keys in (("arrive", e.get("added") or []), ("leave", e.get("removed") or [])):
        if keys:
            shown = ", ".join(keys[:3]) + (f" and {len(keys) - 3} more" if len(keys) > 3 else "")
            parts.append(f"{shown} {verb}")
    return "; ".join(parts) or "nothing arrives or leaves"


def why(run: Run, store_prop: str = "user_data.data") -> Group:
    """The explanation (:mod:`simulator.explain`): each request's read and changes, then the mechanism.

    A two-column grid, so wrapped lines keep their indent in a narrow terminal.
    """
    x = explain(run, store_prop)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for step_line in x.lines()[:len(x.steps)]:
        grid.add_row("", Text(step_line, style="red" if "LOST UPDATE" in step_line else ""))
    for sentence in x.sentences:
        grid.add_row(Text("why:", style="bold"), Text(sentence, style="bold red" if run.diverged else "bold green"))
    return Group(Text("what each request read, and what its response changed:", style="bold"), grid)


def verdict(run: Run, store_prop: str = "user_data.data") -> Text:
    if run.runaway:
        return Text(f"RUNAWAY: {run.runaway}", style="bold red")
    if run.unsettled:
        return Text(f"UNSETTLED: {run.unsettled}", style="bold red")
    if run.diverged:
        return Text(f"DIVERGED at quiescence: wrong keys {', '.join(run.wrong)}; "
                    f"{store_prop} = {show(run.layout.get(store_prop))}", style="bold red")
    return Text(f"consistent at quiescence: {store_prop} = {show(run.layout.get(store_prop))}",
                style="bold green")


# --- the graph -----------------------------------------------------------------

GRAPH_LEGEND = ("legend:  <- Input: a change triggers the callback (R1)\n"
                "         .. State: read when the request is sent, never triggers (R14)\n"
                "         -> Output; allow_duplicate: sent with an @hash suffix (R11)\n"
                "         !! part of a race-prone pattern (listed at the end)")


def graph_text(graph: Graph) -> str:
    found = hazards(graph)
    risky = {cb for h in found for cb in h.callbacks}
    lines = [GRAPH_LEGEND, ""]
    for node in graph.nodes:
        cb = node.callback
        flags = [f for f, on in (("clientside", cb.clientside),
                                  ("prevent_initial_call", cb.prevent_initial_call)) if on]
        flags += [f"!! {h.kind}" for h in found if cb.name in h.callbacks]
        if node.intended_priority != node.priority:  # R13: the renderer's getPriority quirk
            flags.append(f"priority {node.priority!r}, not the {node.intended_priority!r} getPriority means")
        lines.append(f"{'!! ' if cb.name in risky else ''}{cb.name}{'  [' + ', '.join(flags) + ']' if flags else ''}")
        for dep in cb.inputs:
            lines.append(f"  <- Input  {dep.key}")
        for dep in cb.states:
            lines.append(f"  .. State  {dep.key}")
        for dep, wire in zip(cb.outputs, node.wire_outputs):
            dup = f"  (allow_duplicate: sent as {wire[:len(dep.key) + 9]}…)" if dep.allow_duplicate else ""
            lines.append(f"  -> Output {dep.key}{dup}")
            for listener in graph.listeners(dep.key):
                lines.append(f"       triggers {listener.name}")
    for data, derived in graph.derived.items():
        listeners = ", ".join(cb.name for cb in graph.listeners(derived)) or "nothing"
        lines.append(f"{data} -> {derived} (set by the Store itself, R4)\n  triggers {listeners}")
    cycles = graph.cycles()
    if cycles:
        lines.append("loops: " + "; ".join(" -> ".join(c + c[:1]) for c in cycles))
    lines.append("")
    lines.append(f"race-prone patterns: {len(found)}" if found else "race-prone patterns: none found")
    lines = [cite(line) for line in lines]  # before wrapping, so a label is never split from its number
    lines += [textwrap.fill(cite(h.describe()), 96, initial_indent=f"  {i}. ", subsequent_indent="     ")
              for i, h in enumerate(found, 1)]
    return "\n".join(lines)


def _dot(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


#: How each kind of edge is drawn in --dot, and the legend that says so.  State edges
#: enter the callback from below and do not constrain the layout, so a State edge and
#: the Output edge of the same prop (a writer that reads what it writes) never overlap.
DOT_EDGES = {
    "input": 'style=solid, color="#263238", tailport=e, headport=w',
    "state": 'style=dashed, color="#1565c0", headport=s, constraint=false',
    "output": 'style=bold, color="#2e7d32", tailport=e, headport=w',
}
DOT_RISK = 'color="#c62828", fontcolor="#c62828", penwidth=2.5'


def graph_dot(graph: Graph) -> str:
    """The graph in Graphviz dot: a legend, State edges apart from Outputs, race-prone patterns in red."""
    found = hazards(graph)
    risky_props = {p for h in found for p in h.props}
    risky_cbs = {cb for h in found for cb in h.callbacks}
    out = ["digraph callbacks {", "  rankdir=LR;", "  node [fontname=Helvetica];", "  edge [fontname=Helvetica, fontsize=10];"]
    props = sorted({n for n in graph.nx.nodes if isinstance(n, str)})
    for prop in props:
        if graph.nx.degree(prop):
            risk = f", {DOT_RISK}" if prop in risky_props else ""
            out.append(f'  "{_dot(prop)}" [shape=ellipse{risk}];')
    for node in graph.nodes:
        cb = node.callback
        kinds = [h.kind for h in found if cb.name in h.callbacks]
        label = "\\n".join(_dot(line) for line in [cb.name] + [f"!! {k}" for k in kinds])  # dot's \n: a new line
        risk = f", {DOT_RISK}" if cb.name in risky_cbs else ""
        out.append(f'  "cb:{_dot(cb.name)}" [shape=box, style=filled, '
                   f'fillcolor="{"#ddeeff" if cb.clientside else "#ffeedd"}", label="{label}"{risk}];')
    for u, v, data in graph.nx.edges(data=True):
        name = lambda n: f"cb:{graph.nx.nodes[n]['name']}" if isinstance(n, tuple) else n
        label = ', label="allow_duplicate (R11)", fontcolor="#6a1b9a", color="#6a1b9a"' if data.get("allow_duplicate") else ""
        out.append(f'  "{_dot(name(u))}" -> "{_dot(name(v))}" [{DOT_EDGES[data["kind"]]}{label}];')
    for data, derived in graph.derived.items():
        if graph.listeners(derived):
            risk = f", {DOT_RISK}" if derived in risky_props else ""
            out.append(f'  "{_dot(data)}" -> "{_dot(derived)}" [style=dotted, label="Store sets (R4)"{risk}];')
    out += ['  subgraph cluster_legend {', '    label="legend"; fontname=Helvetica; color="#9e9e9e";',
            '    node [shape=plaintext, fontsize=10];',
            '    "legend:a" [label="prop"]; "legend:b" [label="callback"]; "legend:c" [label="prop"];',
            '    "legend:d" [label="prop"]; "legend:e" [label="callback"]; "legend:f" [label="prop"];',
            f'    "legend:a" -> "legend:b" [{DOT_EDGES["input"]}, label="Input"];',
            f'    "legend:b" -> "legend:c" [{DOT_EDGES["output"]}, label="Output"];',
            '    "legend:d" -> "legend:e" [style=dashed, color="#1565c0", label="State"];',
            '    "legend:e" -> "legend:f" [style=bold, color="#6a1b9a", fontcolor="#6a1b9a", '
            'label="allow_duplicate (R11)"];',
            '  }']
    if found:
        notes = "".join(_dot(line) + "\\l" for i, h in enumerate(found, 1)  # dot's \l: a left-aligned line
                        for line in textwrap.wrap(h.describe(), 90, initial_indent=f"{i}. ", subsequent_indent="   "))
        out.append(f'  "race-prone patterns" [shape=note, {DOT_RISK}, fontsize=10, '
                   f'label="race-prone patterns (red)\\l{notes}"];')
    out.append("}")
    return "\n".join(out) + "\n"
