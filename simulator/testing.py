"""``assert_never_diverges``: the check, as an assertion for a Dash developer's own pytest suite.

::

    from simulator.testing import assert_never_diverges
    from myapp import app                       # a real dash.Dash (or a simulator.Dash)

    def test_user_data_never_loses_updates():
        assert_never_diverges(app)              # every generated workload: explored, then sampled

It explores every ordering first (a proof, or the shortest diverging
schedule), then runs Monte-Carlo trials; on a divergence it fails with the
shortest diverging timeline, the mechanism and expected vs got.  ``actions``
(a :class:`~simulator.Plan`, a list of :class:`~simulator.Action`, or a list
of plans) replaces the generated workloads; ``invariant(layout) -> wrong
props`` is checked as well as the serial oracle.  A pytest fixture,
``never_diverges``, comes with the ``callback_race`` plugin (an entry point
of this package).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from .app import Dash
from .engine import Config
from .workload import Action, Plan


class Diverges(AssertionError):
    """The app's settled layout can differ from every serial execution of the actions."""


class NothingChecked(AssertionError):
    """There was nothing to run: "never diverges" would be a claim about no ordering at all."""


def _plans(actions: Any) -> list[tuple[str, Plan]]:
    if isinstance(actions, Plan):
        return [("actions", actions)]
    items = list(actions)
    if items and all(isinstance(a, Action) for a in items):
        return [("actions", Plan(tuple(items)))]
    return [(f"plan {i + 1}", p) for i, p in enumerate(items)]


class _Given:
    """A user-given plan, shaped like a generated workload (same actions for every seed)."""

    kind = "given"

    def __init__(self, name: str, plan: Plan):
        self.name, self._plan = name, plan

    def plan(self, seed: Any) -> Plan:
        return self._plan

    def orders(self, seed: Any) -> list[Plan]:
        """Its one order of actions (see :meth:`simulator.dashapp.workloads.Workload.orders`)."""
        return [self._plan]

    def describe(self) -> str:
        return "; ".join(a.describe() for a in self._plan.actions)


def _converted(app: Any):
    from .dashapp.convert import Converted, convert
    from .dashapp.load import read
    if isinstance(app, Dash):
        return Converted(app, _NoServer(), None, [])
    return convert(read(app, getattr(app, "title", None) or "app"))


class _NoServer:
    clock_readers: set = set()


def assert_never_diverges(app: Any, actions: Any = None, invariant: Callable[[dict], Sequence] | None = None,
                          *, trials: int = 100, seed: Any = 0, config: Config = Config(),
                          max_states: int = 20_000) -> None:
    """Fail with the shortest diverging timeline when some ordering of the actions loses an update."""
    from .dashapp.analyse import run_workload
    from .dashapp.lint import lint
    from .dashapp.workloads import generate, inputs
    conv = _converted(app)
    if conv.callbacks:
        for finding in lint(conv, config):
            if finding.severity == "error":
                raise Diverges(finding.message)
    if actions is None:
        found, _ = inputs(conv.app.graph)
        workloads = generate(found, load=bool(conv.app.graph.initial or conv.app.graph.mounts))
    else:
        workloads = [_Given(name, plan) for name, plan in _plans(actions)]
    if not workloads:   # a pass that tried nothing would be a false pass
        raise NothingChecked("no workload to check: the app has no input a generated workload changes; "
                             "pass actions=[...] (a Plan or a list of Plans)")
    for w in workloads:
        result = run_workload(conv, w, config, trials, seed, max_states, invariant)
        if result.diverges:
            raise Diverges(_message(w.name, result))


def _message(name: str, result) -> str:
    lines = [f"diverges under {name} ({result.diverged}/{result.trials} runs; explorer: {result.proof})"]
    if result.anomaly is not None:
        lines.append(f"{result.anomaly.name}: {result.anomaly.story}")
    lines += [f"  {line}" for line in result.timeline]
    lines += [f"{p}: expected {want!r}, got {got!r}" for p, want, got in result.differs]
    if result.anomaly is not None and result.anomaly.fix:
        lines.append(f"fix: {result.anomaly.fix}")
    return "\n".join(lines)
