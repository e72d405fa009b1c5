"""Run the whole check on a converted app: lint, then per workload the explorer and Monte-Carlo.

For each generated workload (:mod:`.workloads`) the serial reference is
computed once (:mod:`.oracle`); the explorer (:func:`simulator.explore.explore`,
R20 passes and same-millisecond events included) either proves that no
ordering diverges or hands back the shortest diverging schedule; Monte-Carlo
measures how often it happens under the stated latency laws (desync rate
with its 95 % Wilson interval).  The result is plain data, the same for the
text report and ``--json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..engine import Config, simulate
from ..explore import Result, explore
from ..metrics import Finished, Summary
from ..renderer import RunawayLoop
from .anomaly import STARVED, Anomaly, classify, narrate
from .convert import Converted
from ..errors import NotModelled
from .errors import CheckError, Unsupported
from .lint import Finding, lint
from .oracle import Oracle, unstamped
from .workloads import Params, Workload, arrived, generate, inputs, later, order_of, pairs

EXPLORE_STATES = 20_000


@dataclass
class WorkloadResult(Finished):
    name: str
    actions: str
    trials: int
    diverged: int
    ci: tuple[float, float]
    wrong: dict[str, int]
    applied_share: float
    ignored_mean: float
    errors: int
    runaway: int
    proof: str                       # "proved safe", "diverges", "not proved (...)"
    schedules: int = 0
    timeline: list[str] = field(default_factory=list)
    differs: list[tuple[str, Any, Any]] = field(default_factory=list)   # prop, expected, got
    anomaly: Anomaly | None = None
    error: str = ""                  # the first error response's message (R18), when callbacks raised
    #: the shortest diverging schedule (or a diverging Monte-Carlo run), traced: for ``--html``
    counterexample: Any = field(default=None, repr=False, compare=False)

    unsettled: int = 0               # runs that ended with a request stranded (left out, as runaways are)
    #: what the explorer's diverging schedule needs that the sampled laws make rare, in words ("" if nothing)
    needs: str = ""

    @property
    def diverges(self) -> bool:
        return bool(self.diverged) or self.proof == "diverges"



@dataclass
class CheckResult:
    target: str
    config: dict[str, Any]
    inputs: list[str]
    unchanged: list[str]
    lint: list[Finding]
    workloads: list[WorkloadResult]
    sources: dict[str, str]
    untried_pairs: list[str] = field(default_factory=list)   # pairs of inputs past --max-pairs
    later: list[str] = field(default_factory=list)           # Inputs of components that arrive later (R30)

    @property
    def diverges(self) -> bool:
        return any(w.diverges for w in self.workloads)

    def props(self) -> dict[str, list[WorkloadResult]]:
        """Per store/prop that can lose updates, the workloads where it does."""
        out: dict[str, list[WorkloadResult]] = {}
        for w in self.workloads:
            props = set(w.wrong) | {p for p, _, _ in w.differs}
            for p in sorted(props):
                out.setdefault(p, []).append(w)
        return out


def analyse(conv: Converted, config: Config = Config(), trials: int = 200, seed: Any = 0,
            values: dict[str, list] | None = None, params: Params = Params(), explore_states: int = EXPLORE_STATES,
            invariant: Callable[[dict[str, Any]], tuple] | None = None,
            workload_filter: Callable[[Workload], bool] | None = None,
            fresh: Callable[[], Converted] | None = None) -> CheckResult:
    """Lint, then every generated workload (see the module docstring).

    ``fresh`` (``--impure``) builds a new copy of the app for every Monte-Carlo
    trial, so state a callback keeps in its module starts over each time.
    """
    why = conv.transport_refusal(config.transport.name) if conv.spec is not None else None
    if why:
        raise Unsupported(why)
    findings = lint(conv, config)
    for f in findings:
        if f.severity == "error":
            raise Unsupported(f.message)
    try:
        graph = conv.app.graph   # R22 / R23: mount-time reloads; props a component changes itself
    except NotModelled as exc:
        raise Unsupported(str(exc)) from None
    found, skipped = inputs(graph, values)
    workloads = generate(found, params, load=bool(graph.initial or graph.mounts), graph=graph)
    workloads += arrived(graph, workloads, params, config.request_budget)   # R30: on components that arrive
    untried = pairs(found, params, graph)[1]
    if workload_filter is not None:
        workloads = [w for w in workloads if workload_filter(w)]
    results = [run_workload(conv, w, config, trials, seed, explore_states, invariant, fresh) for w in workloads]
    return CheckResult(conv.spec.target, config.describe(), [f"{u.prop} ({u.kind})" for u in found], skipped,
                       findings, results, {cb.name: cb.source.where for cb in conv.callbacks}, untried,
                       later(graph, workloads))


def clock_props(conv: Converted) -> Callable[[], set[str]]:
    """Props written by callbacks that read the clock.

    The oracle compares them with their clock values replaced
    (:func:`.oracle.unstamped`); :meth:`.oracle.Oracle.clock_written` lists them.
    """
    def props() -> set[str]:
        readers = conv.server.clock_readers
        return {o.key for cb in conv.app.graph.callbacks if cb.output_id in readers for o in cb.outputs}
    return props


def make_check(conv: Converted, oracle: Oracle, invariant) -> Callable[..., tuple]:
    """The oracle's check, and the user's ``--expect`` invariant beside it; called ``(layout, ignored)``."""
    if invariant is None:
        return oracle.check

    def both(layout: dict[str, Any], ignored: tuple = ()) -> tuple:
        return tuple(oracle.check(layout, ignored)) + tuple(invariant(layout))
    both.takes_ignored = True
    return both


def run_workload(conv: Converted, w: Workload, config: Config, trials: int, seed: Any,
                 explore_states: int = EXPLORE_STATES, invariant=None, fresh=None) -> WorkloadResult:
    """One workload: the explorer, then Monte-Carlo; a refusal met during a run names the workload."""
    try:
        return _run_workload(conv, w, config, trials, seed, explore_states, invariant, fresh)
    except (Unsupported, NotModelled) as exc:
        raise Unsupported(f"workload {w.name} ({w.describe()}): {exc}") from None


def _run_workload(conv: Converted, w: Workload, config: Config, trials: int, seed: Any,
                  explore_states: int, invariant, fresh) -> WorkloadResult:
    graph = conv.app.graph
    oracles: dict[str, Oracle] = {}

    def oracle_for(plan) -> Oracle:
        """The serial reference of a plan's order of actions (one per order, built once)."""
        key = order_of(plan)
        if key not in oracles:
            try:
                oracles[key] = Oracle(graph, plan, clock_props(conv), config.request_budget)
            except RunawayLoop as exc:
                raise CheckError(f"workload {w.name}: the callbacks never settle, even one request at a time: "
                                 f"{exc}") from None
        return oracles[key]

    # A proof covers the orders explored: every order of actions the workload can give (its delays the
    # explorer abstracts). The first diverging one, else the first the bounds cut, speaks for all.
    results = []
    background = [cb.name for cb in graph.callbacks if cb.background is not None]
    for plan in w.orders(seed):
        if background:   # R31: Monte-Carlo only
            found = Result(complete=False, schedules=0, states=0, transitions=0, outcomes=[], counterexample=None,
                           refused=f"background callbacks ({', '.join(background)}): the explorer does not "
                                   "model their jobs and polls (R31)")
        else:
            found = explore(graph, plan, make_check(conv, oracle_for(plan), invariant), passes=True,
                            same_ms=True, max_states=explore_states, request_budget=config.request_budget,
                            clock_shape=unstamped, round_trip=config.round_trip_floor())
        results.append((found, plan))
        if found.diverging or background:
            break
    ex, plan = next((r for r in results if r[0].diverging), None) or \
        next((r for r in results if not r[0].complete), results[0])
    oracle = oracle_for(plan)
    summary = Summary(conv.spec.target if conv.spec else "app", w.name)
    checks: dict[str, Callable[..., tuple]] = {}
    for k in range(trials):
        s = f"{seed}/{k}"
        trial = w.plan(s)
        if fresh is None:
            check = checks.get(order_of(trial)) or checks.setdefault(
                order_of(trial), make_check(conv, oracle_for(trial), invariant))
            summary.add(simulate(graph, trial, check, config, seed=s))
        else:
            copy = fresh()
            summary.add(simulate(copy.app.graph, trial, make_check(copy, oracle_for(trial), invariant), config,
                                 seed=s))
    if ex.diverging:
        proof = "diverges"
    elif all(r.complete for r, _ in results):
        proof = "proved safe"
    else:
        proof = f"not proved ({ex.bound or ex.runaway or ex.refused})"
    result = WorkloadResult(w.name, w.describe(), summary.trials, summary.diverged, summary.ci,
                            dict(sorted(summary.wrong_keys.items())), summary.applied_share,
                            summary.ignored.mean, summary.errors, summary.runaway, proof,
                            sum(r.schedules for r, _ in results),
                            error=summary.first_error, unsettled=summary.unsettled)
    ce = ex.counterexample
    if ce is None and summary.diverged:       # Monte-Carlo found one the bounded explorer did not reach
        for k in range(trials):
            s = f"{seed}/{k}"
            trial = w.plan(s)
            run = simulate(graph, trial, make_check(conv, oracle_for(trial), invariant), config, seed=s, trace=True)
            if run.diverged:
                ce, oracle = run, oracle_for(trial)
                break
    if ex.diverging and not summary.diverged:
        result.needs = _needs(ex.counterexample_steps, plan)
    if ce is not None:
        result.counterexample = ce
        result.timeline = narrate(ce.trace)
        result.differs = oracle.explain(ce.layout, ce.ignored_user)
        # a real app's callbacks as the renderer runs them (pattern-matching ones as instances, R25)
        result.anomaly = classify(ce.trace, tuple(ce.wrong), graph.callbacks if conv.callbacks else [],
                                  ex.counterexample_steps if ce is ex.counterexample else (), result.differs)
    elif w.kind == "ticks" and summary.applied_share < 0.5:
        result.anomaly = Anomaly(STARVED.name, f"only {100 * summary.applied_share:.0f}% of the responses were "
                                 "applied: each tick supersedes the request in flight (R8), so the output lags "
                                 "the interval", "make the interval slower than the callback's round trip, or "
                                 "the callback faster")
    return result


def _needs(steps: list[str], plan) -> str:
    """What a diverging schedule no sampled run took needs, when it is two user actions in one renderer pass.

    The explorer abstracts the delays between actions (R20 passes take any
    events in a row), so clicks planned 100 ms apart may share a pass: in a
    browser that takes a main thread busy for that long.
    """
    in_pass = 0
    for step in steps:
        if "the pass ends" in step:
            in_pass = 0
        elif ": user: " in step:
            in_pass += 1
            if in_pass >= 2:
                gaps = [a.delay for a in plan.actions[1:] if a.delay > 0]
                apart = f", planned {min(gaps):.0f} ms or more apart," if gaps else ""
                return (f"it needs two of the user's actions{apart} to land in one renderer pass (R20), which a "
                        "browser does only while its main thread is busy that long")
    return ""

