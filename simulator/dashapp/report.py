"""What ``callback-race check`` prints (rich) and writes (``--json``), from a :class:`CheckResult`.

Per store/prop that can lose updates: the desync rate with its 95 % interval
per workload under the stated latency laws, the explorer's verdict (a proof
when a workload is safe), the shortest diverging schedule as a timeline, the
mechanism in plain words, expected vs got, and the fix pointing at the
callbacks by name and ``file:line``.  The JSON has the same content.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .analyse import CheckResult, WorkloadResult


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _short(value: Any, width: int = 80) -> str:
    text = json.dumps(value, separators=(",", ":"), default=repr)
    return text if len(text) <= width else text[:width - 3] + "..."


def workload_table(result: CheckResult) -> Table:
    table = Table(title="workloads (generated from the app)", title_justify="left")
    for col, just in (("workload", "left"), ("desync", "right"), ("95% CI", "right"), ("explorer", "left"),
                      ("props lost", "left"), ("applied", "right")):
        table.add_column(col, justify=just, no_wrap=col in ("workload", "desync", "95% CI"))
    for w in result.workloads:
        low, high = w.ci
        table.add_row(w.name, Text(f"{w.diverged}/{w.trials} {_pct(w.rate)}", style="bold red" if w.diverged else
                                   "green"), f"{_pct(low)}-{_pct(high)}",
                      Text(w.proof, style="bold red" if w.proof == "diverges" else
                           "green" if w.proof == "proved safe" else "yellow"),
                      ", ".join(f"{k} {v}" for k, v in w.wrong.items()) or "-", _pct(w.applied_share))
    return table


def _worst(ws: list[WorkloadResult]) -> WorkloadResult:
    with_story = [w for w in ws if w.timeline]
    return min(with_story or ws, key=lambda w: (len(w.timeline) or 10 ** 6, -w.rate))


def print_report(result: CheckResult, console: Console) -> None:
    c = result.config
    console.print(f"[bold]callback-race check {result.target}[/]")
    console.print(f"model: server delay {c['server_delay']}, network {c['network']} each way, renderer passes "
                  f"{c['client_overhead']}, {c['transport']}, {c['server']}; explorer: every ordering, R20 passes "
                  "and same-millisecond events", highlight=False)
    console.print("oracle: each workload's settled layout against every serial execution of its actions "
                  "(one request at a time, each cascade settled before the next action)", highlight=False)
    console.print(f"inputs a user changes: {', '.join(result.inputs) or 'none'}", highlight=False)
    if result.unchanged:
        console.print(f"Inputs no workload changes (not user-facing, or give values with --values): "
                      f"{', '.join(result.unchanged)}", highlight=False)
    if any(i.endswith("(tick)") for i in result.inputs):
        console.print("note: a dcc.Interval ticks only in its own `ticks` workload; the other workloads keep it "
                      "still", highlight=False)
    if result.lint:
        console.print("[bold]lint[/] (static, before any run):")
        for f in result.lint:
            console.print(f"  [yellow]{f.code}[/]: {f.message}", highlight=False)
    console.print(workload_table(result))
    erring = [w for w in result.workloads if w.errors]
    if erring:
        console.print("[yellow]callbacks answered HTTP 500 (an exception, R18; the page keeps its values)[/]: "
                      + ", ".join(f"{w.name} {w.errors}x in {w.trials} runs" for w in erring), highlight=False)
    console.print("[dim]generated actions (each from a settled page):[/]")
    for w in result.workloads:
        console.print(f"[dim]  {w.name}: {w.actions}[/]", highlight=False)
    props = result.props()
    for prop, ws in props.items():
        w = _worst(ws)
        name = w.anomaly.name if w.anomaly else "lost update (mechanism not recognised)"
        console.print(f"\n[bold red]{prop} can lose updates[/]: {name}", highlight=False)
        for x in ws:
            low, high = x.ci
            console.print(f"  {x.name}: {x.diverged}/{x.trials} runs ({_pct(x.rate)}, 95% CI {_pct(low)}-"
                          f"{_pct(high)}); explorer: {x.proof}", highlight=False)
        if w.timeline:
            console.print(f"  shortest diverging schedule ({w.name}):", highlight=False)
            for line in w.timeline:
                console.print(f"    {line}", highlight=False)
        if w.anomaly and w.anomaly.story:
            console.print(f"  what happened: {w.anomaly.story}", highlight=False)
        for p, want, got in w.differs:
            console.print(f"  {p}: expected {_short(want)} (a serial execution), got {_short(got)}", highlight=False)
        if w.anomaly and w.anomaly.fix:
            console.print(f"  [bold]fix[/]: {w.anomaly.fix}", highlight=False)
    starved = [w for w in result.workloads if w.anomaly and not w.diverges]
    for w in starved:
        console.print(f"\n[yellow]{w.name}: {w.anomaly.name}[/]: {w.anomaly.story}; fix: {w.anomaly.fix}",
                      highlight=False)
    if result.diverges:
        console.print(f"\n[bold red]DIVERGES[/]: {len(props)} prop(s) can lose updates", highlight=False)
    else:
        proved = sum(w.proof == "proved safe" for w in result.workloads)
        rest = len(result.workloads) - proved
        console.print(f"\n[green]no divergence found[/]: {proved} of {len(result.workloads)} workloads proved "
                      "safe over every ordering" + (f"; {rest} only sampled (the explorer hit a bound)" if rest
                                                    else ""), highlight=False)


def record(result: CheckResult) -> dict[str, Any]:
    """``--json``: the same content, machine-readable."""
    out = asdict(result)
    out["diverges"] = result.diverges
    out["props"] = {}
    for prop, ws in result.props().items():
        w = _worst(ws)
        out["props"][prop] = {
            "anomaly": w.anomaly.name if w.anomaly else None,
            "story": w.anomaly.story if w.anomaly else "",
            "fix": w.anomaly.fix if w.anomaly else "",
            "callbacks": w.anomaly.callbacks if w.anomaly else [],
            "workloads": [{"workload": x.name, "diverged": x.diverged, "trials": x.trials, "rate": x.rate,
                           "ci_low": x.ci[0], "ci_high": x.ci[1], "explorer": x.proof} for x in ws],
            "shortest_schedule": {"workload": w.name, "timeline": w.timeline,
                                  "differs": [{"prop": p, "expected": a, "got": b} for p, a, b in w.differs]},
        }
    return out


def write_json(path: str, result: CheckResult) -> None:
    with open(path, "w") as fh:
        json.dump(record(result), fh, indent=2, default=repr)
        fh.write("\n")
