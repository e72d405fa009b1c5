"""Exhaustive exploration: every ordering of events the renderer model allows.

Monte-Carlo samples orderings ("0 of 10,000 runs diverged"); this module
enumerates them, so that for a bounded scenario callback-race can say "no
ordering of responses makes the store diverge", or hand back the shortest
ordering that does::

    from simulator.explore import explore
    result = explore(app, plan, check)            # app: a Dash app or its Graph
    result.complete        # True: nothing was cut by a bound; the claims below are proofs
    result.schedules       # complete schedules covered
    result.end_states      # distinct end layouts (canonical, hashable)
    result.diverging       # how many of them fail ``check``
    result.counterexample  # the shortest diverging schedule as a Run: report.timeline() prints it

The model explored
------------------
* **The instantaneous renderer** (client overhead 0), by default.  Every
  event -- the page load, one user action, one response arriving -- is
  handled in a pass of its own: the event is applied, :meth:`Renderer.schedule`
  runs once, and the requests it dispatches leave at once: the engine with
  ``Config(client_overhead=Fixed(0))``, where two events at the very same
  instant (measure zero) would share a pass.
* **The clock is replaced by a scheduler.**  The run branches wherever the
  order of events is not fixed: which response on its way back arrives next
  (any in-flight or superseded request's: latencies are abstracted, so any
  response may overtake any other -- no FIFO, no connection or worker limit
  -- except a clientside callback's answer (R15), which lands next, in a pass
  of its own, before anything else can happen), and
  whether the next user action comes before or after each of them.  An
  action with ``wait_settle=True`` happens only at quiescence (the renderer
  idle); an action without it may happen at any point after the previous
  action: **its random delay is abstracted** (``Action.delay`` is ignored),
  so every delay is covered at once.  Workload plans differ between seeds
  only in their delays, so one plan stands for all seeds.
* **Logical time.**  Each event that is not an ignored response takes one
  millisecond: the n-th such event happens at ``t = n``.  Store timestamps
  (R4) and :func:`~simulator.server_time` read this clock.  An ignored
  response (R8) changes nothing, so it takes no time (unless it carries
  side updates, which land: R21).  A callback runs once,
  at dispatch (``Callback.execute(args, changed, t)``): callbacks are pure
  functions of their arguments.  By default no two events share a
  millisecond, which an app can notice: two Store writes within one
  millisecond give one ``modified_timestamp`` and the second triggers nothing
  (R4).  The engine can do that (two responses < 1 ms apart).
* ``same_ms=True`` explores that too.  The clock then moves only when it
  must: an event whose time *shows* -- it writes a Store whose
  ``modified_timestamp`` a callback reads, or dispatches a callback that reads
  :func:`~simulator.server_time` -- happens either in the millisecond of the
  last event whose time showed (a *coincidence*, labelled ``same``) or in a
  later one (``next``); other events happen "now".  Nothing else constrains
  it by default, so every latency law is covered (a round trip may take
  under a millisecond); ``round_trip`` >= 1 (``check`` passes its laws'
  least round trip) keeps a response out of the millisecond, and the pass,
  its request left in.  Shortest counterexamples prefer the fewest
  coincidences.
* ``passes=True`` models R20's passes (client overhead > 0, the engine's
  default): a pass takes one or more events (responses, user actions) in
  order, applies them all at the pass's time, and only then schedules once
  (the ``close`` transition), so a request triggered by one response cannot
  supersede (R8) a request whose response came in the same pass.  Any
  grouping of consecutive events into passes is explored, which covers every
  intake window; a response cannot join a pass in the millisecond its
  request left.  With ``same_ms`` too, the explored schedules cover the
  engine's default model (checked against Monte-Carlo in the tests).

End states and divergence
-------------------------
A schedule ends when no event is left: every action taken, nothing pending or
in flight, every response back.  Its *end state* is the layout without the
clock's props (each Store's ``modified_timestamp``, and props a callback
writes from :func:`~simulator.server_time`, found by running each callback at
two times), as a sorted tuple of ``(prop, JSON)`` pairs, so Monte-Carlo
layouts compare with it (:meth:`Result.canonical`).  ``check(layout)`` (the
wrong keys) decides whether it diverges; it should not read a Store timestamp
that no callback reads (those are left out of the state key, below).  Each
callback may run twice per distinct input, at two times, to find out whether
it reads the clock: callbacks must be pure.

State hashing
-------------
States are merged on a canonical encoding (:meth:`_Model.key`): the steps
taken, the clock (and, with ``same_ms``/``passes``, whether this millisecond
was seen and whether a pass is open), the next action's index, the layout as
JSON (except Store timestamps no callback reads: R4's equality test on one
only decides whether that timestamp itself changes, which nothing reads),
what each Store last stored, the requested and prioritized lists
in order (order matters: R7, R10, R13), the in-flight requests as a multiset
with their responses, the superseded responses still on their way (by
callback), the execution groups' records (R19).  Request ids and the request
counter are left out: they name requests, nothing more (the counter also
feeds the runaway guard, which is per path and so approximate here).  The
steps taken are in the key so that the state graph is layered: a level-by-
level breadth-first search counts schedules exactly, and the first diverging
end state it meets is one a shortest diverging schedule reaches.

Partial-order reduction (``reduction=True``)
--------------------------------------------
Persistent sets, which never lose a reachable end state (Godefroid 1996: a
search that, in each state, takes only the transitions of a persistent set
still reaches every reachable deadlock -- here, every end state):

1. **An ignored response** (its request superseded in flight, R8) changes
   nothing, takes no time, is never disabled and commutes with everything:
   it alone is a persistent set, so such responses are taken at once, in one
   order, instead of at every possible point.  Not one that carries
   ``set_props`` side updates: they land (R21), so it is a real event that
   takes time and runs a pass like a delivery, explored at every point.
2. **Commuting sink responses.**  When no user action can come before the
   in-flight responses (none left, or the next one waits for quiescence),
   nothing is requested or prioritized, and every in-flight response is a
   *sink* (it writes no prop that is an Input of any callback, nor a Store
   whose ``modified_timestamp`` is one: applying it requests nothing, so no
   request is ever dispatched again before they are all back), the only
   events until they are all back are these responses.  Two of them commute
   when they write disjoint props, or patch the same prop (R17) at disjoint
   top-level keys, and neither writes a Store whose ``modified_timestamp`` a
   callback reads (events move the clock, so the order would show in that
   timestamp).  The dependency-closed group of the first response is then a
   persistent set: e.g. the per-key Patch responses of ``patch`` are applied
   in one order instead of all ``n!``.  (Not with ``passes``, where the pass
   boundaries between them would also have to be reduced.)

Anything else branches fully.  Naive full-value writes to one prop (R16)
never commute, so for ``naive`` the reduction only removes ignored-response
orders; state hashing is what collapses its ``n!`` orders into ``n * 2**(n-1)``
states.

Bounds
------
``max_depth`` (steps per schedule), ``max_states`` (states expanded, and
states held for the next level: memory grows with those),
``max_schedules`` (complete schedules covered, checked level by level: the
schedules ending on one level all count, so the total may pass the bound).
When a bound cuts anything, ``result.complete`` is False and ``result.bound``
says which: the counts are then lower bounds and nothing is proved.  A bound
that cut nothing leaves the result complete.
``hashing=False`` turns the visited set off (plain depth-first enumeration of
schedules), for comparison.
"""

from __future__ import annotations

import copy
import hashlib
import json
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from . import validate
from .errors import NotModelled
from .app import Dash, Response
from .engine import Run, _trace_entry
from .graph import Graph
from .patch import is_patch
from .trees import holds_components
from .renderer import REQUEST_BUDGET, Renderer, Request, RunawayLoop, initial_layout
from .workload import CLICK, Action, Plan, event_props, resolve

Check = Callable[[dict[str, Any]], tuple]
#: A transition: ("act", index) | ("deliver", callback index) | ("ignored", callback index)
#: | ("side", (callback index, its side updates' JSON)): an ignored response that carries
#: set_props side updates (R21), which is a real event.
Label = tuple
#: A canonical end layout: sorted (prop, JSON) pairs, clock props left out.
EndState = tuple

DEFAULT_MAX_STATES = 200_000
#: Random schedules tried when a bound stops the proof before a divergence is found.
RANDOM_WALKS = 200
#: How far the clock probes move a clock value: a day, a second and a millisecond, so that a
#: callback keeping only the time of day, the seconds or the milliseconds still sees it move.
_CLOCK_PROBE_MS = 86_400_000 + 1_000 + 1
_DIGIT_SHIFT = str.maketrans("0123456789", "1234567890")
_CLOCK_DEPENDENT = object()


def _dumps(value: Any) -> str:
    """Exact, order-sensitive JSON: two values with the same text behave the same."""
    return json.dumps(value, separators=(",", ":"), default=repr)


def end_state(layout: dict[str, Any], clock_props: Iterable[str] = ()) -> EndState:
    """The canonical form of an end layout: sorted ``(prop, JSON)``, clock props left out."""
    skip = set(clock_props)
    return tuple(sorted((p, json.dumps(v, sort_keys=True, separators=(",", ":"), default=repr))
                        for p, v in layout.items() if p not in skip))


# ---------------------------------------------------------------------------
# the model: states and transitions
# ---------------------------------------------------------------------------

@dataclass
class _State:
    renderer: Renderer
    arrivals: list[tuple[Request, Response]]  # responses on their way back, in dispatch order
    action: int = 0                            # index of the next user action
    clock: int = 0                             # the logical clock, ms (see the module docstring)
    steps: int = 0                             # transitions taken
    observed: bool = False                     # same_ms: the last transition's time showed
    seen: bool = True                          # same_ms: some event's time showed at ms ``clock``
    open: bool = False                         # passes: a pass has taken events, not yet scheduled
    observed_step: int = -1                    # same_ms: the step of the last event whose time showed


class _Recorder:
    """Builds a :class:`Run` with a trace while a schedule is replayed (as the engine does)."""

    def __init__(self, plan: Plan, check: Check):
        self.run = Run(seed="explore", trace=[])
        self.check = check
        self.measuring = not any(a.measure for a in plan.actions)
        self.last_action = 0.0
        self.steps: list[str] = []

    def __call__(self, kind: str, now: float, **f: Any) -> None:  # the renderer's on_event
        if self.measuring:
            self.run.count(kind, f)
        self.run.trace.append(_trace_entry(kind, now, f))

    def note(self, kind: str, req: Request, now: float) -> None:
        """Engine-side entries (sent, arrived), in ``Simulation._note``'s format."""
        self.run.trace.append({"t": now, "kind": kind, "request": req.id, "callback": req.name})

    def response(self, response: Response) -> None:
        if self.measuring:
            self.run.responses += 1
            self.run.bytes_down += response.nbytes

    def track(self, renderer: Renderer, now: float) -> None:
        if self.measuring:
            self.run.observe(self.check(renderer.layout, renderer.ignored_user), now)

    def finish(self, renderer: Renderer, now: float) -> Run:
        r = self.run
        layout = renderer.layout
        self.track(renderer, now)
        r.close(now)
        r.end = now
        r.settle_ms = now - self.last_action
        r.ignored_user = renderer.ignored_user
        r.wrong = tuple(self.check(layout, renderer.ignored_user))
        r.diverged = bool(r.wrong)
        r.layout = layout
        return r


class _Model:
    """The scenario as a transition system over :class:`_State`."""

    def __init__(self, graph: Graph, plan: Plan, check: Check, request_budget: int = REQUEST_BUDGET,
                 same_ms: bool = False, passes: bool = False, clock_shape: Callable[[str], str] | None = None):
        self.graph = graph
        self.same_ms = same_ms
        self.round_trip = 0.0   # ms a round trip takes at least (see explore)
        self.passes = passes
        self.plan = plan
        self.actions: tuple[Action, ...] = tuple(plan.actions)
        self.check = check
        self.request_budget = request_budget
        read = {k for n in graph.nodes for k in n.input_keys + n.state_keys}
        derived = set(graph.derived.values())
        # The n_clicks_timestamp a click sets (Date.now(), :func:`simulator.workload.resolve`; n_submit's
        # and n_blur's alike) is a clock value too; its time shows when a callback reads it.
        layout = initial_layout(graph)
        written = {o for n in graph.nodes for o in n.plain_outputs}
        events = [event_props(p) for a in self.actions for p, v in a.props.items() if v is CLICK]
        stamps = {pair[1] for pair in events if pair is not None and pair[1] in layout}
        #: Store and click timestamps no callback reads (or writes): left out of the state key.
        self.dead_clock = frozenset(p for p in derived | stamps if p not in read and p not in written)
        #: Whether callbacks may change the layout (R30): the callbacks on the page then change
        #: as it runs, so nothing is left out of the key for being unread now, and the reduction
        #: takes no response for a sink nor one that may change the layout for independent.
        self.dynamic = graph.relayouts
        if self.dynamic:
            self.dead_clock = frozenset()
        #: Stores whose timestamp a callback reads: writing one makes an event's time visible.
        self.live_ts_stores = frozenset(d for d, ts in graph.derived.items() if ts in read)
        #: Click timestamps a callback reads: a click on them makes its time visible.
        self.live_stamps = frozenset(p for p in stamps if p in read)
        #: Props holding clock values (left out of end states); grows as callbacks are found
        #: to write values computed from the clock (see :meth:`_execute`).
        self.clock_props: set[str] = derived | stamps
        #: ``clock_shape`` (given by a check that compares values with their clock values written out
        #: replaced, as check's oracle does): clock props whose every probe differed only in such values,
        #: and those where one did not.  A check may read the first kind and still be proved.
        self.clock_shape = clock_shape
        self.clock_shaped: set[str] = set()
        self.clock_unshaped: set[str] = derived | stamps
        #: Why no proof can be claimed (a callback's behaviour depends on clock values), or None.
        self.refused: str | None = None
        self._responses: dict[tuple, Response] = {}

    # --- building states ----------------------------------------------------
    def initial(self, rec: _Recorder | None = None) -> _State:
        st = _State(Renderer(self.graph, request_budget=self.request_budget, on_event=rec), [])
        st.renderer.load(0)
        if self.passes:
            st.open = True  # R20: user actions may join the page-load pass's intake
        else:
            self._pass(st, rec)
        if rec is not None:
            rec.track(st.renderer, 0)
        return st

    def successors(self, st: _State, label: Label) -> list[tuple[Label, _State]]:
        """The states one transition leads to: one, or two when ``same_ms`` and its time may show.

        With ``same_ms`` the clock moves only when it must: an event (with
        ``passes``, the event that opens a pass; later events of the pass
        share its time) happens either in the millisecond of the last event
        whose time showed ("same": a coincidence) or in a later one ("next").
        Without passes, an event whose time does not show happens "now".
        With ``round_trip`` >= 1 ms (the latency laws a check runs under
        say so), a response never comes in the millisecond its request left.
        """
        if not self.same_ms or label[0] == "close" or self._noop(label) or (self.passes and st.open):
            return [(label, self.successor(st, label))]
        now = self.successor(st, label + ("now",))
        if not st.seen or not (now.observed or self.passes):
            return [(label + ("now",), now)]  # "same" and "next" would be alike
        later = (label + ("next",), self.successor(st, label + ("next",)))
        if label[0] in ("deliver", "side") and self._too_soon(st.arrivals[self._find(st, label)][0], st):
            return [later]
        return [(label + ("same",), now), later]   # "same" is "now" when the last event's time showed

    def _who(self, req: Request) -> Any:
        """A request's callback, as labels and keys name it: its index, or where layout changes renumber
        callbacks (R30), its unique identifier (R7), which R8 keeps to one in flight."""
        return req.node.uid if self.dynamic else req.callback.index

    def _too_soon(self, req: Request, st: _State) -> bool:
        """Would its answer land in the millisecond of an event whose time showed before its request left?

        The logical clock does not order events within a millisecond whose
        time did not show, so what ``round_trip`` >= 1 ms rules out is this:
        a request sent after the last event whose time showed (at ``clock``)
        answering in that event's millisecond.
        """
        return (self.round_trip >= 1 and st.seen and not req.callback.clientside
                and getattr(req, "sent_step", -1) >= st.observed_step)

    @staticmethod
    def _noop(label: Label) -> bool:
        """An ignored response (R8) changes nothing and runs no observer: no time, no pass.

        Not one with side updates (R21): that is a ``("side", ...)`` label, a real event.
        """
        return label[0] == "ignored"

    def successor(self, st: _State, label: Label) -> _State:
        memo: dict[int, Request] = {}
        renderer = st.renderer.clone(None, memo)
        arrivals = [(memo.get(id(req)) or copy.copy(req), resp) for req, resp in st.arrivals]
        child = _State(renderer, arrivals, st.action, st.clock, st.steps, seen=st.seen, open=st.open,
                       observed_step=st.observed_step)
        self.advance(child, label)
        return child

    def advance(self, st: _State, label: Label, rec: _Recorder | None = None) -> None:
        """Take one transition, in place: the event, then one renderer pass.

        With ``passes`` an event only joins the open pass (or opens one) and
        the ``("close",)`` transition runs the pass's scheduling (R20).
        """
        r = st.renderer
        st.steps += 1
        st.observed = False
        kind = label[0]
        instant = False
        # The clock: one ms per event (an ignored response takes none), or per pass; with
        # same_ms, the label says whether the event moves on to a later ms (see successors).
        if kind == "close" or self._noop(label) or (self.passes and st.open):
            tick = 0
        else:
            tick = 1 if len(label) < 3 or label[2] == "next" else 0
        watched = {p: r._store_memory.get(p) for p in self.live_ts_stores} if self.same_ms else {}
        st.clock += tick
        if kind == "close":
            st.open = False
            if rec is not None:
                rec.steps.append(f"t={st.clock}: the pass ends: the renderer schedules (R20)")
        elif kind == "act":
            action = self.actions[st.action]
            st.action += 1
            if rec is not None:
                if action.measure and not rec.measuring:
                    rec.measuring = True
                    rec.run.trace.append({"t": st.clock, "kind": "measure"})
                    rec.track(r, st.clock)
                rec.last_action = st.clock
                rec.steps.append(f"t={st.clock}: user: {action.describe()}{_coincidence(label)}")
            change = resolve(action.props, r.layout, st.clock)
            r.change(change, st.clock)
            if not self.live_stamps.isdisjoint(change):
                st.observed = True
        else:
            index = self._find(st, label)
            req, response = st.arrivals.pop(index)
            instant = req.callback.clientside    # R15: applied and observed at once, in a pass of its own
            if rec is not None:
                rec.note("arrived", req, st.clock)
                rec.response(response)
            status = r.receive(req, response, st.clock)
            if rec is not None:
                rec.steps.append(f"t={st.clock}: response of #{req.id} {req.name} arrives: {status}"
                                 f"{_coincidence(label)}{' (same pass)' if self.passes and st.open else ''}")
        if self._noop(label):
            pass                     # changes nothing, runs no observer (R8)
        elif not self.passes or kind == "close" or instant:
            self._pass(st, rec)
        else:
            st.open = True           # R20: the event opens a pass, or joins the open one
        # Its time showed if a Store whose timestamp a callback reads took new data (R4).
        if any(r._store_memory.get(p) is not old for p, old in watched.items()):
            st.observed = True
        st.seen = st.observed or (st.seen and not tick)
        if st.observed:
            st.observed_step = st.steps
        if rec is not None:
            rec.track(r, st.clock)

    def _find(self, st: _State, label: Label) -> int:
        kind = label[0]
        joining = self.same_ms and st.open
        for i, (req, resp) in enumerate(st.arrivals):
            if joining and self._too_soon(req, st):
                continue   # it cannot join this pass (enabled() offers it only through another arrival)
            if kind == "deliver":
                if req.status == "in_flight" and self._who(req) == label[1]:
                    return i
            elif req.status != "in_flight":
                if kind == "ignored" and not _lands(req, resp) and self._who(req) == label[1]:
                    return i
                if kind == "side" and _lands(req, resp) and (self._who(req), _dumps(resp.side)) == label[1]:
                    return i
        raise KeyError(f"no arrival for {label}")

    def _pass(self, st: _State, rec: _Recorder | None) -> None:
        for req in st.renderer.schedule(st.clock):
            req.sent_step = st.steps   # after this step's event, whose time may have shown (see _too_soon)
            if rec is not None:
                rec.note("sent", req, st.clock)
            st.arrivals.append((req, self._execute(req, st.clock, st)))

    def _execute(self, req: Request, now: float, st: _State) -> Response:
        """Run the callback (cached), and find out whether it depends on the clock.

        The logical clock says in which order events happened, not how far
        apart they were, so a value computed from it (a ``server_time()``
        stamp, a Store's ``modified_timestamp``) is not a value the engine
        would compute.  Each distinct call is therefore run again (a) a day, a
        second and a millisecond later and (b) with each clock-valued argument
        changed (:func:`_perturb`).  Outputs that
        change are *clock props*: left out of end states, and their readers
        probed in turn.  A response whose kind or written props change is
        behaviour that depends on when events happened, which this model
        cannot cover: the result is then refused as a proof (``refused``).
        """
        cb = req.callback
        changed = tuple(req.changed)
        keys = req.node.input_keys + req.node.state_keys
        clock_args = tuple(i for i, k in enumerate(keys) if k in self.clock_props)
        key = (cb.index, _dumps(req.args), changed, clock_args)
        cached = self._responses.get(key)
        if cached is not None:
            return cached
        response = cb.execute(req.args, changed, now)
        probes = [("server_time()", cb.execute(req.args, changed, now + _CLOCK_PROBE_MS))]
        for i in clock_args:
            args = list(req.args)
            args[i] = _perturb(args[i])
            probes.append((keys[i], cb.execute(args, changed, now)))
        for source, probe in probes:
            if (probe.kind != response.kind or set(probe.outputs) != set(response.outputs)
                    or set(probe.side) != set(response.side)):
                self.refused = self.refused or (
                    f"callback {cb.name} behaves differently depending on {source}, a clock value; "
                    "the explorer's logical clock orders events but does not measure the time between "
                    "them, so it cannot cover real latencies (use Monte-Carlo)")
            for got, moved in ((response.outputs, probe.outputs), (response.side, probe.side)):   # R21
                for p in got:
                    a, b = _dumps(got[p]), _dumps(moved.get(p))
                    if a != b:
                        self.clock_props.add(p)
                        shaped = self.clock_shape is not None and self.clock_shape(a) == self.clock_shape(b)
                        (self.clock_shaped if shaped else self.clock_unshaped).add(p)
        self._responses[key] = response
        return response

    # --- transitions --------------------------------------------------------
    def enabled(self, st: _State) -> list[Label]:
        labels: list[Label] = []
        ignored: set = set()
        flying = [self._who(req) for req in st.renderer.in_flight]
        if len(set(flying)) != len(flying):  # R8 keeps one per callback; labels rely on it
            raise RuntimeError(f"two in-flight requests of one callback: {st.renderer.in_flight}")
        for req, resp in st.arrivals:
            index = self._who(req)
            if self.same_ms and st.open and self._too_soon(req, st):
                continue   # its round trip takes a millisecond or more: it cannot join a pass of the one it left in
            if req.status == "in_flight":
                labels.append(("deliver", index))
                continue
            # Superseded responses of one callback are interchangeable, unless their
            # side updates (R21) differ: those land, so each distinct one is an event;
            # so does one whose running= props go back (R26).
            label = ("side", (index, _dumps(resp.side))) if _lands(req, resp) else ("ignored", index)
            if label not in ignored:
                ignored.add(label)
                labels.append(label)
        if not st.open:
            # R15: a clientside answer resolves in a microtask right after the pass that sent it, before
            # any response or user event (macrotasks): it is the only thing that can happen next.
            for req, _ in st.arrivals:
                if req.status == "in_flight" and req.callback.clientside:
                    return [("deliver", self._who(req))]
        if st.action < len(self.actions):
            if not self.actions[st.action].wait_settle or (st.renderer.idle and not st.open):
                labels.append(("act", st.action))
        if st.open:
            labels.append(("close",))
        return labels

    def choose(self, st: _State, reduction: bool) -> list[Label]:
        """The transitions to explore: all enabled ones, or a persistent set of them."""
        labels = self.enabled(st)
        if not reduction or len(labels) <= 1:
            return labels
        for label in labels:            # 1. an ignored response that changes nothing is persistent
            if self._noop(label):
                return [label]
        # 2. commuting sink responses (see the module docstring); not with passes, nor
        # beside an ignored response whose side updates land (R21)
        if self.passes or any(label[0] in ("act", "side") for label in labels):
            return labels
        if st.action < len(self.actions) and not self.actions[st.action].wait_settle:
            return labels
        r = st.renderer
        if r.requested or r.prioritized or any(q.node.running_off for q in r.in_flight):   # R26 writes too
            return labels
        flying = sorted(((self._who(req), resp) for req, resp in st.arrivals if req.status == "in_flight"),
                        key=lambda item: item[0])
        if not all(self._sink(resp) for _, resp in flying):
            return labels
        group = [flying[0]]
        rest = flying[1:]
        grew = True
        while grew:
            grew = False
            for item in list(rest):
                if any(self._dependent(item[1], g[1]) for g in group):
                    group.append(item)
                    rest.remove(item)
                    grew = True
        if not rest:
            return labels
        return [("deliver", index) for index, _ in sorted(group, key=lambda item: item[0])]

    @staticmethod
    def _writes(response: Response) -> dict[str, Any]:
        """The props a response sets: its outputs and its side updates (R21).

        A prop set both ways counts as a full value (``None``), which never commutes.
        """
        if response.kind != "data":
            return {}
        if not response.side:
            return response.outputs
        writes = dict(response.outputs)
        for prop, value in response.side.items():
            writes[prop] = None if prop in writes else value
        return writes

    def _sink(self, response: Response) -> bool:
        """Applying it requests nothing (R1, R2, R4)."""
        if self.dynamic:   # the listeners are those of the page as it then stands (R30)
            return False
        for prop in self._writes(response):
            if self.graph.listeners(prop):
                return False
            derived = self.graph.derived.get(prop)
            if derived is not None and self.graph.listeners(derived):
                return False
        return True

    def _dependent(self, a: Response, b: Response) -> bool:
        wa, wb = self._writes(a), self._writes(b)
        if self.dynamic and any(p.endswith(".children") or holds_components(v) for w in (wa, wb) for p, v in w.items()):
            return True  # it may change the layout (R30): what the other writes may leave or arrive
        if any(p in self.live_ts_stores for p in list(wa) + list(wb)):
            return True  # its event's time shows in a timestamp a callback reads
        for prop in set(wa) & set(wb):
            ka, kb = _top_keys(wa[prop]), _top_keys(wb[prop])
            if ka is None or kb is None or ka & kb:
                return True  # full values replace one another (R16); patches at one key too
        return False

    # --- end states -----------------------------------------------------------
    def verdict(self, st: _State) -> tuple:
        """``check`` on an end state: the wrong keys.

        An end state is quiescent: every response back, no pass open.  When a
        request is still waiting (or a wait_settle action can never come) the
        page never settles -- the engine reports such a run as unsettled --
        and that is reported as what is wrong.  A check whose answer changes
        with the clock props' values reads a clock value: no proof then.
        """
        assert not st.arrivals and not st.open, "an end state must be quiescent"
        r = st.renderer
        if not r.idle or st.action < len(self.actions):
            waiting = ", ".join(sorted({q.name for q in r.pending})) or "a wait_settle action"
            return (f"never settles: {waiting} left waiting",)
        layout = _Watched(r.layout)
        wrong = tuple(self.check(layout, r.ignored_user))
        if self.refused is None:
            # props a check reads only through their shape (clock_shape) do not count
            unshaped = self.clock_props - (self.clock_shaped - self.clock_unshaped)
            clocked = sorted(layout.read & unshaped)
            if not clocked and unshaped & r.layout.keys():
                # A check that walks the whole layout: does its answer move with the clock values?
                shifted = {p: _perturb(v) if p in unshaped else v for p, v in r.layout.items()}
                if tuple(self.check(shifted, r.ignored_user)) != wrong:
                    clocked = sorted(unshaped & r.layout.keys())
            if clocked:
                self.refused = (f"the check reads {', '.join(clocked)}, a value computed from the clock; the "
                                "explorer's logical clock orders events but does not measure real time")
        return wrong

    # --- the canonical state ------------------------------------------------
    def key(self, st: _State) -> tuple:
        r = st.renderer
        layout = tuple((p, _dumps(v)) for p, v in r.layout.items() if p not in self.dead_clock)
        memory = tuple(sorted((p, _dumps(v)) for p, v in r._store_memory.items()))

        def enc(q: Request) -> tuple:
            return self._who(q), tuple(q.changed), q.predecessors, q.initial, q.group

        in_flight = []
        ignored = []
        for q, resp in st.arrivals:
            if q.status == "in_flight":
                in_flight.append((enc(q), resp.kind, _dumps(resp.outputs), _dumps(resp.side), resp.message,
                                  self.round_trip >= 1 and self._too_soon(q, st)))
            else:
                ignored.append((self._who(q), _dumps(resp.side), self.round_trip >= 1 and self._too_soon(q, st)))
        stored = tuple(sorted((s.group, s.all_props, s.updated_props) for s in r.stored))
        if r.dynamic:   # R30: a callback's index means something only with the page it was counted on
            layout += (("components on the page", tuple(r.graph.components)),)
        return (st.steps, st.clock, st.seen, st.open, st.action, layout, memory, r.ignored_user,
                tuple(enc(q) for q in r.requested), tuple(enc(q) for q in r.prioritized),
                tuple(sorted(in_flight)), tuple(sorted(ignored)), stored, r._next_group)


def _lands(req: Request, response: Response) -> bool:
    """Does an ignored response still change the page: its side updates (R21) or running= props (R26)?"""
    return bool(response.side or req.node.running_off)


def _coincidence(label: Label) -> str:
    return " (in the same millisecond as the last event whose time showed)" if label[2:] == ("same",) else ""


class _Watched(dict):
    """A layout that remembers which props a check asked for by name (it must not ask for clock props)."""

    def __init__(self, layout: dict[str, Any]):
        super().__init__(layout)
        self.read: set[str] = set()

    def __getitem__(self, prop: str) -> Any:
        self.read.add(prop)
        return super().__getitem__(prop)

    def get(self, prop: str, default: Any = None) -> Any:
        self.read.add(prop)
        return super().get(prop, default)


def _perturb(value: Any) -> Any:
    """Another value of the same shape: numbers later by :data:`_CLOCK_PROBE_MS`, strings changed throughout.

    A string computed from the clock shows it in its digits, wherever they
    are: every digit moves by one, and a character is appended.  (Appending
    alone was once cut off again by a callback keeping the head of the
    string, which hid a clock prop.)
    """
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return value + _CLOCK_PROBE_MS
    if isinstance(value, str):
        return value.translate(_DIGIT_SHIFT) + "~"
    if isinstance(value, list):
        return [_perturb(v) for v in value]
    if isinstance(value, dict):
        return {k: _perturb(v) for k, v in value.items()}
    return value


def _top_keys(value: Any) -> frozenset[str] | None:
    """The top-level dict keys a Patch touches, or None when it may touch more (R17)."""
    if not is_patch(value):
        return None
    keys = set()
    for op in value.get("operations", ()):
        loc = op.get("location") or []
        if not loc or not isinstance(loc[0], str):
            return None
        keys.add(loc[0])
    return frozenset(keys)


# ---------------------------------------------------------------------------
# the result
# ---------------------------------------------------------------------------

@dataclass
class Outcome:
    """One distinct end state."""

    end_state: EndState
    layout: dict[str, Any]          # a representative end layout (with clock values)
    wrong: tuple[str, ...]          # check(layout): the keys that disagree
    schedules: int = 0              # complete schedules that end here
    shortest: int = 0               # steps of the shortest of them


@dataclass
class Result:
    complete: bool
    schedules: int
    states: int
    transitions: int
    outcomes: list[Outcome]
    counterexample: Run | None
    counterexample_steps: list[str] = field(default_factory=list)
    bound: str | None = None
    runaway: str | None = None
    #: why the result is no proof although the search finished (clock-dependent behaviour)
    refused: str | None = None
    reduction: bool = True
    hashing: bool = True
    same_ms: bool = False
    passes: bool = False
    #: the app can see when an event happened (a callback reads a Store timestamp or calls server_time())
    observes_time: bool = False
    clock_props: frozenset[str] = frozenset()
    #: random schedules tried after a bound stopped the search (0: none were needed)
    walks: int = 0
    longest: int = 0
    seconds: float = 0.0

    @property
    def end_states(self) -> frozenset[EndState]:
        return frozenset(o.end_state for o in self.outcomes)

    @property
    def diverging(self) -> int:
        """Distinct end states that fail the check."""
        return sum(1 for o in self.outcomes if o.wrong)

    @property
    def diverging_schedules(self) -> int:
        return sum(o.schedules for o in self.outcomes if o.wrong)

    def canonical(self, layout: dict[str, Any]) -> EndState:
        """A layout (e.g. a Monte-Carlo run's) in the form of :attr:`end_states`."""
        return end_state(layout, self.clock_props)

    def record(self) -> dict[str, Any]:
        """Machine-readable summary (``callback-race explore --json``)."""
        ce = self.counterexample
        return {
            "complete": self.complete, "bound": self.bound, "runaway": self.runaway, "refused": self.refused,
            "random_walks": self.walks,
            "reduction": self.reduction, "hashing": self.hashing, "same_ms": self.same_ms,
            "passes": self.passes,
            "observes_time": self.observes_time,
            "schedules": self.schedules, "states": self.states, "transitions": self.transitions,
            "longest_schedule": self.longest,  # (no wall time here: the same arguments give the same file)
            "end_states": len(self.outcomes), "diverging": self.diverging,
            "diverging_schedules": self.diverging_schedules,
            "clock_props": sorted(self.clock_props),
            "outcomes": [{"layout": {p: json.loads(v) for p, v in o.end_state}, "wrong": list(o.wrong),
                          "schedules": o.schedules, "shortest": o.shortest} for o in self.outcomes],
            "counterexample": None if ce is None else {
                "steps": self.counterexample_steps, "wrong": list(ce.wrong), "trace": ce.trace},
        }


# ---------------------------------------------------------------------------
# the search
# ---------------------------------------------------------------------------

def explore(app_or_graph: Dash | Graph, plan: Plan, check: Check, max_schedules: int | None = None,
            max_depth: int | None = None, reduction: bool = True, *, hashing: bool = True,
            same_ms: bool = False, passes: bool = False, max_states: int | None = DEFAULT_MAX_STATES,
            request_budget: int = REQUEST_BUDGET, random_walks: int = RANDOM_WALKS,
            clock_shape: Callable[[str], str] | None = None, round_trip: float = 0.0) -> Result:
    """Explore every schedule of ``plan`` on the app; see the module docstring for the model.

    ``round_trip``: the least time (ms) a server round trip takes under the
    latency laws the result is to speak for (``Config.round_trip_floor``).
    At 1 ms or more, with ``same_ms``, no response lands in the millisecond
    its request left; 0 (the default) covers every latency law.

    ``clock_shape`` is how ``check`` sees a value's JSON when it compares it
    (check's oracle replaces the clock values written out in it): a clock
    prop whose probes differ only there does not stop a proof when the check
    reads it.

    ``complete`` is True only when no bound cut anything (and no runaway
    loop was met): then every end state the model allows is in
    ``end_states``, and ``diverging == 0`` is a proof for this scenario.
    When a bound cuts the search before any diverging end state is met,
    ``random_walks`` seeded random schedules are tried (:func:`_random_search`):
    a diverging one becomes the counterexample; the result stays partial.
    """
    graph = app_or_graph if isinstance(app_or_graph, Graph) else app_or_graph.graph
    background = [cb.name for cb in graph.callbacks if cb.background is not None]
    if background:
        raise NotModelled(f"background callbacks (R31: {', '.join(background)}): the explorer does not model "
                          "their jobs and polls; Monte-Carlo (run, report) does")
    plan.validate(Renderer(graph).layout)
    check = validate.explore_arguments(check, max_schedules, max_depth, max_states, request_budget)
    model = _Model(graph, plan, check, request_budget, same_ms, passes, clock_shape)
    model.round_trip = round_trip
    started = time.perf_counter()
    search = _search_graph if hashing else _search_tree
    found = search(model, reduction, max_schedules, max_depth, max_states)
    (terminals, schedules, states, transitions, bound, runaway, first_bad, longest) = found
    # One outcome per end layout and the user changes the page ignored (R26): the check may judge
    # one layout differently when a click never happened.
    outcomes: dict[tuple, Outcome] = {}
    for renderer, wrong, count, steps in terminals:
        es = end_state(renderer.layout, model.clock_props)
        o = outcomes.get((es, renderer.ignored_user))
        if o is None:
            outcomes[es, renderer.ignored_user] = Outcome(es, renderer.layout, wrong, count, steps)
        else:
            o.schedules += count
            o.shortest = min(o.shortest, steps)
    walked = 0
    if bound is not None and first_bad is None and not any(o.wrong for o in outcomes.values()):
        # The proof could not finish: look for a counterexample at random, so that a bounded
        # search still finds what it can (and never claims more: the result stays partial).
        walked, first_bad = random_walks, _random_search(model, random_walks, reduction)
    counterexample, steps = (None, [])
    if first_bad is not None:
        counterexample, steps = _replay(model, first_bad)
        if walked:
            es = end_state(counterexample.layout, model.clock_props)
            outcomes.setdefault((es, counterexample.ignored_user), Outcome(es, counterexample.layout, tuple(counterexample.wrong), 1, len(first_bad)))
    return Result(complete=bound is None and runaway is None and model.refused is None,
                  schedules=schedules, states=states,
                  transitions=transitions, outcomes=sorted(outcomes.values(), key=lambda o: (o.shortest, o.end_state)),
                  counterexample=counterexample, counterexample_steps=steps, bound=bound, runaway=runaway,
                  refused=model.refused,
                  reduction=reduction, hashing=hashing, same_ms=same_ms, passes=passes,
                  observes_time=bool(model.live_ts_stores or model.live_stamps
                                     or model.clock_props - set(graph.derived.values()) - model.dead_clock),
                  clock_props=frozenset(model.clock_props), walks=walked,
                  longest=longest, seconds=time.perf_counter() - started)


def _random_search(model: _Model, walks: int, reduction: bool, seed: int = 0) -> list[Label] | None:
    """Up to ``walks`` schedules drawn at random (seeded: the same ones every time); the shortest that diverges.

    Each step picks one transition the search would explore, and one of its
    successors, uniformly.  It proves nothing; it finds counterexamples deep
    in spaces too large for the breadth-first proof (e.g. many keystrokes).
    """
    rng = random.Random(seed)
    best: list[Label] | None = None
    for _ in range(walks):
        st, path = model.initial(), []
        while best is None or len(path) < len(best):
            labels = model.choose(st, reduction)
            if not labels:
                if model.verdict(st):
                    best = path
                break
            children = _successors(model, st, rng.choice(labels))
            if isinstance(children, str):  # a runaway loop on this path
                break
            label, st = rng.choice(children)
            path = path + [label]
    return best


def _successors(model: _Model, st: _State, label: Label) -> list[tuple[Label, _State]] | str:
    try:
        return model.successors(st, label)
    except RunawayLoop as exc:
        return str(exc)


def _search_graph(model: _Model, reduction: bool, max_schedules, max_depth, max_states):
    """Breadth-first, level by level (a level = the steps taken), with a visited set.

    All edges go from one level to the next, so the number of schedules
    reaching each state is summed exactly as the levels go, and the first
    diverging end state met is reached by a shortest diverging schedule.
    """
    root = model.initial()
    k0 = _digest(model.key(root))
    level: dict[tuple, _State] = {k0: root}
    counts: dict[tuple, int] = {k0: 1}
    costs: dict[tuple, int] = {k0: 0}  # fewest same-millisecond coincidences on a path here
    # Parent links by state number, so the keys of past levels can be freed.
    ids: dict[tuple, int] = {k0: 0}
    parents: list[tuple[int, Label] | None] = [None]
    terminals, schedules, states, transitions, expanded = [], 0, 1, 0, 0
    bound = runaway = first_bad = None
    full = False   # max_states reached: stop where we are
    depth = longest = 0
    while level:
        nxt: dict[tuple, _State] = {}
        nids: dict[tuple, int] = {}
        ncounts: dict[tuple, int] = defaultdict(int)
        ncosts: dict[tuple, int] = {}
        bad_here = None
        for key, st in level.items():
            labels = model.choose(st, reduction)
            if not labels:
                wrong = model.verdict(st)
                terminals.append((st.renderer, wrong, counts[key], depth))
                schedules += counts[key]
                longest = max(longest, depth)
                if wrong and first_bad is None and (bad_here is None or costs[key] < costs[bad_here]):
                    bad_here = key  # the shortest; among those, the fewest coincidences
                continue
            if max_depth is not None and depth >= max_depth:
                bound = bound or f"max_depth={max_depth}"
                continue
            if max_states is not None and expanded >= max_states:
                bound, full = bound or f"max_states={max_states}", True
                break
            expanded += 1
            for label in labels:
                children = _successors(model, st, label)
                if isinstance(children, str):
                    runaway = runaway or children
                    continue
                for label, child in children:
                    transitions += 1
                    ck = _digest(model.key(child))
                    cost = costs[key] + (label[2:] == ("same",))
                    if ck not in nxt:
                        nxt[ck] = child
                        nids[ck] = len(parents)
                        parents.append(None)
                    if ck not in ncosts or cost < ncosts[ck]:
                        ncosts[ck] = cost
                        parents[nids[ck]] = (ids[key], label)
                    ncounts[ck] += counts[key]
            if max_states is not None and len(nxt) > max_states:
                # The next level is held whole (each state with its renderer): it too is bounded,
                # or a wide level outgrows memory long before max_states are expanded.
                bound, full = bound or f"max_states={max_states}", True
                break
        if bad_here is not None:
            first_bad = _path(parents, ids[bad_here])
        if full:
            break
        level, counts, costs, ids = nxt, ncounts, ncosts, nids
        states += len(level)
        depth += 1
        if level and max_schedules is not None and schedules >= max_schedules:
            bound = f"max_schedules={max_schedules}"
            break
    return terminals, schedules, states, transitions, bound, runaway, first_bad, longest


def _digest(key: tuple) -> bytes:
    """A state's canonical key as 16 bytes: the visited set and the level maps hold these, not the tuples.

    (Two distinct states share a 128-bit BLAKE2 digest with a probability
    far below one in 10^20 for the billions of states a search could ever
    hold; the keys' own text is exact JSON, so equal digests mean equal
    states in any search this side of that.)
    """
    return hashlib.blake2b(repr(key).encode(), digest_size=16).digest()


def _path(parents: list[tuple[int, Label] | None], state: int) -> list[Label]:
    labels = []
    while parents[state] is not None:
        state, label = parents[state]
        labels.append(label)
    return labels[::-1]


def _search_tree(model: _Model, reduction: bool, max_schedules, max_depth, max_states):
    """Depth-first enumeration of schedules, no visited set (for comparison)."""
    stack: list[tuple[_State, tuple]] = [(model.initial(), ())]
    terminals, schedules, states, transitions, expanded = [], 0, 1, 0, 0
    bound = runaway = first_bad = None
    longest = 0
    while stack:
        st, path = stack.pop()
        labels = model.choose(st, reduction)
        if not labels:
            wrong = model.verdict(st)
            terminals.append((st.renderer, wrong, 1, len(path)))
            schedules += 1
            longest = max(longest, len(path))
            if wrong and (first_bad is None or _cost(path) < _cost(first_bad)):
                first_bad = list(path)
            if max_schedules is not None and schedules >= max_schedules and stack:
                bound = f"max_schedules={max_schedules}"
                break
            continue
        if max_depth is not None and len(path) >= max_depth:
            bound = bound or f"max_depth={max_depth}"
            continue
        if max_states is not None and expanded >= max_states:
            bound = f"max_states={max_states}"
            break
        expanded += 1
        for label in reversed(labels):
            children = _successors(model, st, label)
            if isinstance(children, str):
                runaway = runaway or children
                continue
            for label, child in reversed(children):
                transitions += 1
                states += 1
                stack.append((child, path + (label,)))
    return terminals, schedules, states, transitions, bound, runaway, first_bad, longest


def _cost(path) -> tuple[int, int]:
    """Shorter first; then fewer same-millisecond coincidences."""
    return len(path), sum(label[2:] == ("same",) for label in path)


def _replay(model: _Model, labels: list[Label]) -> tuple[Run, list[str]]:
    """Run one schedule again, recording a trace in the engine's format."""
    rec = _Recorder(model.plan, model.check)
    st = model.initial(rec)
    for label in labels:
        model.advance(st, label, rec)
    run = rec.finish(st.renderer, st.clock)
    return run, rec.steps


# ---------------------------------------------------------------------------
# printing (the CLI's)
# ---------------------------------------------------------------------------

def summary_lines(result: Result) -> list[str]:
    """What ``callback-race explore`` says about a result, one line each."""
    how = ("partial-order reduction" if result.reduction else "no reduction") + \
          (" + state hashing" if result.hashing else ", no state hashing")
    lines = [
        "model: " + ("responses may share a renderer pass, as with client overhead > 0 (R20)" if result.passes
                     else "the instantaneous renderer (client overhead 0: a pass per event)")
        + "; any response may overtake any other; actions without wait_settle at any point after the "
          "previous one; " + ("events may share a millisecond, even a round trip, so Store timestamps may be equal (R4): every latency law"
                              if result.same_ms else "each event in a millisecond of its own"),
        f"schedules explored: {result.schedules:,} ({result.states:,} states, {result.transitions:,} transitions, "
        f"longest {result.longest} steps; {how}; {result.seconds:.2f} s)",
        f"distinct end states: {len(result.outcomes)}; diverging: {result.diverging} "
        f"(reached by {result.diverging_schedules:,} of the schedules)",
    ]
    if result.complete:
        counted = ("the counts are exact for the schedules left after the reduction (--no-reduction counts "
                   "every interleaving)" if result.reduction else "the counts are exact")
        verdict = ("no schedule diverges: proved for this bounded scenario, in this model" if not result.diverging
                   else f"every schedule explored: {counted}")
        lines.append(f"complete: {verdict}")
    elif result.bound or result.runaway:
        why = "; ".join(filter(None, [result.bound, result.runaway and f"runaway loop: {result.runaway}"]))
        lines.append(f"PARTIAL: stopped by {why}; the counts are lower bounds and nothing is proved")
    if result.refused:
        lines.append(f"NOT A PROOF: {result.refused}")
    if result.walks:
        found = (f"found a diverging schedule of {len(result.counterexample_steps) or result.outcomes[0].shortest} steps"
                 if result.counterexample is not None else "found no diverging schedule (which proves nothing)")
        lines.append(f"random schedule search after the bound: {result.walks} seeded random schedules; {found}")
    if not result.passes:
        lines.append("note: the engine's default client overhead batches responses into passes (R20), which can "
                     "reach end states this model does not: explore with passes (drop --no-passes) to include them")
    if result.observes_time and not result.same_ms:
        lines.append("note: this app sees when events happen (a callback reads a Store's modified_timestamp or "
                     "calls server_time()); two Store writes in one millisecond give one timestamp and the "
                     "second triggers nothing (R4): explore with same_ms (drop --distinct-ms) to include that")
    return lines


def write_json(path: str, result: Result, settings: dict[str, Any] | None = None) -> None:
    """``callback-race explore --json``: the settings and :meth:`Result.record`."""
    with open(path, "w") as fh:
        json.dump({"settings": settings or {}, "result": result.record()}, fh, indent=2, default=repr)
        fh.write("\n")


def outcome_table(result: Result, store_prop: str = "user_data.data", limit: int = 20):
    """The distinct end states as a rich table."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title="end states", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column(store_prop)
    table.add_column("wrong keys")
    table.add_column("schedules", justify="right")
    table.add_column("shortest", justify="right")
    for i, o in enumerate(result.outcomes[:limit], 1):
        value = json.dumps(o.layout.get(store_prop), separators=(",", ":"), default=repr)
        table.add_row(str(i), value, Text(", ".join(o.wrong) or "-", style="bold red" if o.wrong else "green"),
                      f"{o.schedules:,}", str(o.shortest))
    if len(result.outcomes) > limit:
        table.caption = f"... and {len(result.outcomes) - limit} more"
    return table
