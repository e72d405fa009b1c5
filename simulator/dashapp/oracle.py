"""The automatic check: a concurrent run is right when some serial run ends the same way.

The reference outcome of a sequence of user actions is its *serial*
execution: the page loads and settles; then each action is taken and its
whole cascade settles before the next, and within a cascade one request is
in flight at a time, each response applied before the next request is
dispatched (its values read then, R14).  That is the renderer's own pipeline
(:class:`~simulator.renderer.Renderer`, every rule unchanged) with the
concurrency cap at one and instantaneous responses.

Actions that may overlap (each one after the first of a *group* does not wait
for the page to settle) may take effect in any order, so the reference is the
set of end layouts of every serial order of each group (found by dynamic
programming over subsets of the group, with equal states merged) -- except
that actions on one component prop keep the order the user made them in: a
component's own edits are ordered (typing "a" then "ab" never means "ab"
then "a"), so a stale response for an earlier edit is caught.  A
concurrent run whose settled layout matches none of them is a divergence: a
lost update in Jepsen's sense.  The check returns the props that differ from
the nearest reference layout; :meth:`Oracle.explain` gives expected vs got.

A user change that the concurrent run's page ignored, because its control
was disabled at that moment (R26: ``running=`` disables a button while its
request is out), never happened: that run is judged against the serial
outcomes of the plan without it.  Only the run can tell which changes those
were (a callback that resets a button's ``n_clicks`` leaves the same layout
whether the click happened or not), so the check is called with them
(``takes_ignored``, see :func:`simulator.validate.check_function`).

Clock values differ between any two runs: every Store's ``modified_timestamp``
(R4) is left out of the comparison, and clock values written out in other
props (a timestamp, ``time.time()``, a ``datetime.now()`` date or time) are
replaced by a placeholder before comparing.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any, Callable

from ..graph import Graph
from ..app import Response
from ..jobs import Poll, serial_polls
from ..errors import NotModelled, ScenarioError
from ..renderer import EPOCH_MS, Renderer, Request, RunawayLoop
from ..workload import Action, Plan, resolve
from .errors import CheckError

MAX_REFERENCES = 5000   # distinct partial serial states at most


class _Serial(Renderer):
    """The renderer with one request in flight at a time: serial execution."""

    def _dispatch(self, now: float) -> list[Request]:
        if self.in_flight or not self.prioritized:
            return []
        order = sorted(self.prioritized, key=lambda r: r.node.priority, reverse=True)  # R13, as the renderer
        first = order[0]
        rest = [r for r in self.prioritized if r is not first]
        self.prioritized = [first]
        sent = super()._dispatch(now)
        self.prioritized = rest + self.prioritized
        return sent


def serial_page(graph: Graph, plan: Plan, request_budget: int = 2000) -> Renderer | None:
    """The page after ``plan`` runs serially (the load, then each action from a settled page), or None when it
    cannot (a loop, a refusal): what :func:`simulator.dashapp.workloads.arrived` looks at."""
    try:
        oracle = Oracle(graph, plan, request_budget=request_budget)
    except (RunawayLoop, CheckError, ScenarioError, NotModelled):
        return None
    return oracle.pages[0] if oracle.pages else None


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=repr)


#: Clock values as they are written out (the simulated clock starts at ``EPOCH_MS``, 2023-11-14 22:13:20
#: UTC): a Store's modified_timestamp (R4) in ms, ``time.time()`` in seconds, dates and times of day.
_CLOCK = [
    (re.compile(r"(?<![\d.])170[0-9]\d{9}(?![\d.])"), "<ms>"),
    (re.compile(r"(?<![\d.])170\d{7}(?:\.\d+)?(?![\d.])"), "<s>"),
    (re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[+-]\d{2}:?\d{2}|Z)?"), "<time>"),
    (re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)"), "<date>"),
    (re.compile(r"(?<![\d:])\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?![\d:])"), "<time>"),
]
assert EPOCH_MS == 1_700_000_000_000    # the patterns above are written for it


def unstamped(text: str) -> str:
    """``text`` with every clock value written out in it replaced by a placeholder.

    Two executions run at different simulated times, so a prop that shows a
    timestamp (``f"saved at {ts}"``, a ``datetime.now().isoformat()`` kept in
    a Store's log) differs by those digits alone; the comparison looks at
    everything else, so an event lost from a timestamped log still counts.
    """
    for pattern, mark in _CLOCK:
        text = pattern.sub(mark, text)
    return text


def _without_empty(actions: list[Action]) -> tuple[Action, ...]:
    """The actions left with something to change; one that waited for the page to settle passes the
    wait on to the next, so that the groups of the rest stay as the user made them."""
    out, wait = [], False
    for action in actions:
        if not action.props:
            wait = wait or action.wait_settle
            continue
        out.append(replace(action, wait_settle=True) if wait and not action.wait_settle else action)
        wait = False
    return tuple(out)


def groups(plan: Plan) -> list[list[Action]]:
    """The plan's actions cut where an action waits for the page to settle."""
    out: list[list[Action]] = []
    for action in plan.actions:
        if action.wait_settle or not out:
            out.append([action])
        else:
            out[-1].append(action)
    return out


class Oracle:
    """The serial reference of one plan, and the check a run is judged by."""

    takes_ignored = True   # called (layout, ignored): see simulator.validate.check_function

    def __init__(self, graph: Graph, plan: Plan, clock_props: Callable[[], set[str]] = set,
                 request_budget: int = 2000):
        self.graph = graph
        self.plan = plan
        self.request_budget = request_budget
        self._clock_props = clock_props
        self.now = 0
        self._references: dict[tuple, list[dict[str, Any]]] = {}
        self.references = self.for_run(())
        self._cache: dict[tuple, tuple] = {}

    def for_run(self, ignored: tuple[tuple[int, str], ...]) -> list[dict[str, Any]]:
        """The reference layouts for a run whose page ignored ``ignored`` ((action index, prop), R26)."""
        refs = self._references.get(ignored)
        if refs is None:
            plan = self.plan
            if ignored:
                actions = list(plan.actions)
                for index, prop in ignored:
                    action = actions[index]
                    actions[index] = replace(action, props={k: v for k, v in action.props.items() if k != prop})
                plan = replace(plan, actions=_without_empty(actions))
            states = [page for page, _ in self._settle(self._start())]
            for group in groups(plan):
                states = self._orders(states, group)
            refs = self._references[ignored] = [s.layout for s in states]
            if not ignored:
                self.pages = states   # the serial pages themselves (layout changes included, R30)
        return refs

    # --- serial runs ----------------------------------------------------
    def _start(self) -> _Serial:
        r = _Serial(self.graph, request_budget=self.request_budget)
        r.load(self._tick())
        return r

    def _tick(self) -> int:
        self.now += 1
        return self.now

    def _settle(self, r: _Serial, later: dict[int, Action] | None = None) -> list[tuple[_Serial, frozenset[int]]]:
        """Run ``r``'s cascade one request at a time until nothing is left: the pages it can end on, each
        with the actions of ``later`` it took on the way.

        One page, but for a background job (R31) that one of ``later`` (the
        group's actions still to come) could cancel: then also each page where
        that action came while the job ran, after any number of its calls, and
        killed it (:meth:`_answer`).
        """
        later = later or {}
        done, todo = [], [(r, frozenset())]
        while todo:
            r, used = todo.pop()
            sent = r.schedule(self._tick())
            if not sent:
                done.append((r, used))
                continue
            branches = [(r, used)]
            for req in sent:
                branches = [(out, u | more) for b, u in branches
                            for out, more in self._answer(b, req, {j: a for j, a in later.items() if j not in u})]
            todo += branches
        return done

    def _answer(self, r: _Serial, req: Request, later: dict[int, Action]) -> list[tuple[_Serial, frozenset[int]]]:
        req = next(q for q in r.in_flight if q.id == req.id)   # this page's own copy
        if req.callback.background is None:
            r.receive(req, req.callback.execute(req.args, tuple(req.changed), self.now), self._tick())
            return [(r, frozenset())]
        # R31, serially: the job alone, each of its set_props and progress calls delivered, then its answer
        run = req.callback.run_job(req.args, tuple(req.changed), self.now)
        polls = serial_polls(run)
        killed = []
        cancel = set(req.callback.background.cancel)
        for j, action in later.items():
            if not cancel & set(action.props):
                continue
            for k in range(len(polls)):   # the user cancels after k of its calls landed
                c = r.clone()
                mine = next(q for q in c.in_flight if q.id == req.id)
                c.job_started(mine, self._tick())
                for found in polls[:k]:
                    c.poll(mine, found, self._tick())
                seen, now = len(c.ignored_user), self._tick()
                c.change(resolve(action.props, c.layout, now), now)
                if any(prop in cancel for _, prop in c.ignored_user[seen:]):
                    continue   # the cancel control was disabled then (R26): nothing was cancelled
                c.poll(mine, Poll({}, {}, Response("prevent")), self._tick())   # killed: no result
                killed.append((c, frozenset({j})))
        r.job_started(req, self._tick())
        for found in polls:
            r.poll(req, found, self._tick())
        return killed + [(r, frozenset())]

    def _orders(self, states: list[_Serial], group: list[Action]) -> list[_Serial]:
        """Every serial order of ``group`` from each state; equal end states merged."""
        frontier = {(frozenset(), self._key(s)): s for s in states}

        def ready(j: int, done: frozenset[int]) -> bool:
            """Actions on one component prop keep the user's order."""
            return j not in done and not any(k not in done and set(group[k].props) & set(group[j].props)
                                             for k in range(j))
        for _ in group:
            nxt: dict[tuple, _Serial] = {}
            for (done, key), st in frontier.items():
                if len(done) == len(group):   # a cancel taken on the way finished it early (R31)
                    nxt.setdefault((done, key), st)
                    continue
                for i, action in enumerate(group):
                    if not ready(i, done):
                        continue
                    child = st.clone()
                    now = self._tick()
                    child.change(resolve(action.props, child.layout, now), now)
                    later = {j: other for j, other in enumerate(group) if j != i and ready(j, done | {i})}
                    for end, used in self._settle(child, later):
                        nxt.setdefault((done | {i} | used, self._key(end)), end)
            frontier = nxt
            if len(frontier) > MAX_REFERENCES:
                raise CheckError(f"{len(group)} overlapping actions have more than {MAX_REFERENCES} serial "
                                 "outcomes: too many to compare against; use fewer actions")
        return list(frontier.values())

    def _key(self, r: Renderer) -> tuple:
        return tuple((p, _dumps(v)) for p, v in sorted(r.layout.items()))

    # --- judging --------------------------------------------------------
    def ignored(self) -> set[str]:
        """Props left out of the comparison: each Store's modified_timestamp, a clock value and nothing else.

        The outputs of callbacks that read the clock are compared, with their
        clock values written out replaced (:func:`_unstamped`): leaving them
        out hid a lost update in a Store whose entries carry a time.
        """
        return set(self.graph.derived.values())

    def clock_written(self) -> set[str]:
        """Props written by callbacks that read the clock: a difference there may be a time alone."""
        return set(self._clock_props())

    def _canon(self, layout: dict[str, Any], skip: set[str]) -> dict[str, str]:
        return {p: unstamped(_dumps(v)) for p, v in layout.items() if p not in skip}

    def nearest(self, layout: dict[str, Any], ignored: tuple = ()) -> tuple[dict[str, Any], tuple[str, ...]]:
        """The reference layout closest to ``layout`` and the props that differ from it."""
        skip = self.ignored()
        got = self._canon(layout, skip)
        best: tuple[dict[str, Any], tuple[str, ...]] | None = None
        for ref in self.for_run(ignored):
            want = self._canon(ref, skip)
            diff = tuple(sorted(p for p in set(want) | set(got) if want.get(p) != got.get(p)))
            if best is None or len(diff) < len(best[1]):
                best = (ref, diff)
            if not diff:
                break
        return best

    def check(self, layout: dict[str, Any], ignored: tuple = ()) -> tuple[str, ...]:
        """The props that disagree with every serial outcome (empty: no divergence).

        ``ignored``: the user changes the run's page ignored (R26), which the
        serial runs leave out.
        """
        key = (ignored, tuple(sorted(self._canon(layout, self.ignored()).items())))
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = self.nearest(layout, ignored)[1]
        return hit

    check.takes_ignored = True   # see simulator.validate.check_function
    __call__ = check

    def explain(self, layout: dict[str, Any], ignored: tuple = ()) -> list[tuple[str, Any, Any]]:
        """``(prop, expected, got)`` for each prop that differs from the nearest serial outcome;
        :data:`ABSENT` where the prop's component is not on that page (R30)."""
        ref, diff = self.nearest(layout, ignored)
        return [(p, ref.get(p, ABSENT), layout.get(p, ABSENT)) for p in diff]


class _Absent:
    """A prop whose component is not on the page: not ``None``, which a prop on the page may hold."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = _Absent()
