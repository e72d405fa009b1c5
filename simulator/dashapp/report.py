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
from .oracle import ABSENT


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _short(value: Any, width: int = 80) -> str:
    text = json.dumps(value, separators=(",", ":"), default=repr)
    return text if len(text) <= width else text[:width - 3] + "..."


def _shown(value: Any) -> str:
    """A value in an expected / got line; a prop whose component is not on the page says so (R30)."""
    return "nothing: its component is not on the page" if value is ABSENT else _short(value)


def workload_table(result: CheckResult) -> Table:
    table = Table(title="workloads (generated from the app)", title_justify="left")
    for col, just in (("workload", "left"), ("desync", "right"), ("95% CI", "right"), ("explorer", "left"),
                      ("props lost", "left"), ("applied", "right")):
        table.add_column(col, justify=just, no_wrap=col in ("workload", "desync", "95% CI"))
    for w in result.workloads:
        low, high = w.ci
        table.add_row(Text(w.name), Text(f"{w.diverged}/{w.finished} {_pct(w.rate)}", style="bold red" if w.diverged else
                                   "green"), f"{_pct(low)}-{_pct(high)}",
                      Text(w.proof, style="bold red" if w.proof == "diverges" else
                           "green" if w.proof == "proved safe" else "yellow"),
                      Text(", ".join(f"{k} {v}" for k, v in w.wrong.items()) or "-"), _pct(w.applied_share))
    return table


def _worst(ws: list[WorkloadResult]) -> WorkloadResult:
    with_story = [w for w in ws if w.timeline]
    return min(with_story or ws, key=lambda w: (len(w.timeline) or 10 ** 6, -w.rate))


def _say(console: Console, *parts: Any) -> None:
    """One line, verbatim: ``parts`` are plain strings (user text: never markup) or (text, style) pairs."""
    console.print(Text.assemble(*parts), highlight=False)


def print_report(result: CheckResult, console: Console) -> None:
    c = result.config
    _say(console, (f"callback-race check {result.target}", "bold"))
    _say(console, f"model: server delay {c['server_delay']}, network {c['network']} each way, renderer passes "
                  f"{c['client_overhead']}, {c['transport']}, {c['server']}; explorer: every ordering, R20 passes "
                  "and same-millisecond events")
    _say(console, "oracle: each workload's settled layout against every serial execution of its actions "
                  "(one request at a time, each cascade settled before the next action)")
    _say(console, f"inputs a user changes: {', '.join(result.inputs) or 'none'}")
    if result.unchanged:
        _say(console, f"Inputs no workload changes (not user-facing, or give values with --values): "
                      f"{', '.join(result.unchanged)}")
    if result.later:
        _say(console, f"Inputs of components that arrive later (R30), which no workload acts on: "
                      f"{', '.join(result.later)}")
    if any(i.endswith("(tick)") for i in result.inputs):
        _say(console, "note: a dcc.Interval ticks only in its own `ticks` workload; the other workloads keep it "
                      "still")
    if result.lint:
        _say(console, ("lint", "bold"), " (static, before any run):")
        for f in result.lint:
            _say(console, "  ", (f.code, "yellow"), f": {f.message}")
    console.print(workload_table(result))
    cut = [w for w in result.workloads if w.cut_off]
    if cut:
        _say(console, ("runs with no verdict, left out of the rates", "yellow"), ": " + ", ".join(
            f"{w.name} {w.cut_off} of {w.trials} ("
            + ", ".join(p for p in (f"{w.runaway} runaway loop" if w.runaway else "",
                                    f"{w.unsettled} never settled" if w.unsettled else "") if p) + ")"
            for w in cut))
    erring = [w for w in result.workloads if w.errors]
    if erring:
        _say(console, ("callbacks answered HTTP 500 (an exception, R18; the page keeps its values)", "yellow"),
             ": " + ", ".join(f"{w.name} {w.errors}x in {w.trials} runs" for w in erring))
        for w in erring:
            if w.error:
                text = " ".join(w.error.split())
                _say(console, f"  {w.name}, first: {text if len(text) <= 160 else text[:157] + '...'}")
        if any(w.applied_share == 0 for w in erring):
            _say(console, "  a workload whose every response was an error tested nothing but the error: give the "
                          "inputs values the callbacks accept with --values FILE")
    _say(console, ("generated actions (each from a settled page):", "dim"))
    for w in result.workloads:
        _say(console, (f"  {w.name}: {w.actions}", "dim"))
    props = result.props()
    for prop, ws in props.items():
        w = _worst(ws)
        name = w.anomaly.name if w.anomaly else "lost update (mechanism not recognised)"
        _say(console, "\n", (f"{prop} can lose updates", "bold red"), f": {name}")
        for x in ws:
            low, high = x.ci
            _say(console, f"  {x.name}: {x.diverged}/{x.finished} runs ({_pct(x.rate)}, 95% CI {_pct(low)}-"
                          f"{_pct(high)}); explorer: {x.proof}"
                          + (f"; only the explorer found it: {x.needs}" if x.proof == "diverges" and not x.diverged
                             and x.needs else
                             "; only the explorer found it: an ordering none of the sampled runs took (rare under "
                             "these latencies, but possible)" if x.proof == "diverges" and not x.diverged else ""))
        if w.timeline:
            _say(console, f"  shortest diverging schedule ({w.name}):")
            for line in w.timeline:
                _say(console, f"    {line}")
        if w.anomaly and w.anomaly.story:
            _say(console, f"  what happened: {w.anomaly.story}")
        for p, want, got in w.differs:
            _say(console, f"  {p}: expected {_shown(want)} (a serial execution), got {_shown(got)}")
        if w.anomaly and w.anomaly.fix:
            _say(console, "  ", ("fix", "bold"), f": {w.anomaly.fix}")
    starved = [w for w in result.workloads if w.anomaly and not w.diverges]
    for w in starved:
        _say(console, "\n", (f"{w.name}: {w.anomaly.name}", "yellow"), f": {w.anomaly.story}; fix: {w.anomaly.fix}")
    if result.untried_pairs:
        _say(console, "\n", (f"{len(result.untried_pairs)} pair(s) of inputs not tried", "bold yellow"),
             f" (past --max-pairs, the unrelated ones last): {', '.join(result.untried_pairs)}")
    if result.diverges:
        _say(console, "\n", ("DIVERGES", "bold red"), f": {len(props)} prop(s) can lose updates")
    elif not result.workloads:
        hint = ("give values for the Inputs above with --values FILE" if result.unchanged else
                "the app has no Input a user changes" if not result.inputs else "widen --workloads")
        _say(console, "\n", ("NOTHING CHECKED", "bold yellow"),
             ": no workload was generated, so no ordering was tried (no input a user changes that check knows "
             f"how to change, or --workloads matched none); {hint}")
    else:
        proved = sum(w.proof == "proved safe" for w in result.workloads)
        rest = len(result.workloads) - proved
        why = ("background callbacks, whose jobs the explorer does not model (R31)"
               if any("R31" in w.proof for w in result.workloads) else
               "the explorer hit a bound or cannot cover the clock")
        _say(console, "\n", ("no divergence found", "green"),
             f": {proved} of {len(result.workloads)} workloads proved safe over every ordering"
             + (f"; {rest} not proved ({why}): only sampled" if rest else "")
             + (f"; {len(result.untried_pairs)} pair(s) of inputs not tried: raise --max-pairs to try them"
                if result.untried_pairs else "")
             + (f"; not checked: what changes of {', '.join(result.unchanged)} set off (no workload changes "
                "them; give values with --values)" if result.unchanged else "")
             + (f"; not checked: what the user changes on components that arrive later "
                f"({', '.join(result.later)}): no workload acts on them (R30)" if result.later else ""))


def record(result: CheckResult) -> dict[str, Any]:
    """``--json``: the same content, machine-readable."""
    out = asdict(result)
    for w in out["workloads"]:
        w.pop("counterexample", None)  # the traced run: --html draws it; the JSON has its timeline
    out["diverges"] = result.diverges
    out["props"] = {}
    for prop, ws in result.props().items():
        w = _worst(ws)
        out["props"][prop] = {
            "anomaly": w.anomaly.name if w.anomaly else None,
            "story": w.anomaly.story if w.anomaly else "",
            "fix": w.anomaly.fix if w.anomaly else "",
            "callbacks": w.anomaly.callbacks if w.anomaly else [],
            "workloads": [{"workload": x.name, "diverged": x.diverged, "trials": x.trials, "finished": x.finished,
                           "runaway": x.runaway, "unsettled": x.unsettled, "rate": x.rate,
                           "ci_low": x.ci[0], "ci_high": x.ci[1], "explorer": x.proof} for x in ws],
            "shortest_schedule": {"workload": w.name, "timeline": w.timeline,
                                  "differs": [{"prop": p, "expected": None if a is ABSENT else a,
                                               "got": None if b is ABSENT else b,
                                               "expected_on_page": a is not ABSENT, "got_on_page": b is not ABSENT}
                                              for p, a, b in w.differs]},
        }
    return out


def write_json(path: str, result: CheckResult) -> None:
    with open(path, "w") as fh:
        json.dump(record(result), fh, indent=2, default=repr)
        fh.write("\n")
