"""A lean clock for Monte-Carlo: the reference engine's runs, without simpy.

:mod:`simulator.engine` builds each run from simpy processes, events and
resources.  That is the clearest way to write the model, and it stays the
reference (and the engine for traced runs, bandwidth-limited links and
anything else this module does not take).  But a Monte-Carlo trial is only a
few requests, and profiling showed simpy's bookkeeping (an event object, a
callback list and a generator resume per step) costing more than the
renderer's rules themselves.

This engine runs the same three processes (the renderer thread, one process
per request, the user) on a plain heap of ``(time, priority, sequence,
action)`` entries, and schedules exactly the entries simpy would, in the same
order and with the same tie-breaks: process start (urgent), timeouts, a
triggered event processed later in the same instant, a connection or worker
granted only when its release is processed (simpy's ``Resource``), the
``AnyOf(user, time limit)`` stop two steps after the user ends.  So the same
seed gives the same random draws in the same order, the renderer sees the
same calls at the same simulated times, and every :class:`~simulator.engine.Run`
figure is bit-identical (``tests/test_fastengine.py`` checks it cell by cell).

The renderer (:mod:`simulator.renderer`) is shared, unchanged: the rules live
in one place; only the clock differs.  What is left out, because Monte-Carlo
never asks for it: the trace, and links with a bandwidth (processor sharing
needs simpy's events; :func:`supports` says no and the caller uses the
reference engine).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import random
from collections import deque
from heapq import heappop, heappush
from random import NV_MAGICCONST
from typing import Any, Callable

from .engine import EXTRA_OUTPUT_COST, INTAKE_SHARE, WINDOW_SHARE, Check, Config, Run, close_run, side_refusal, why_unsettled
from .graph import Graph
from .latency import MAX_DRAW_MS, Distribution, Fixed, LogNormal, Uniform
from .errors import NotModelled
from .jobs import POLLING, Jobs, refusal as jobs_refusal
from .renderer import Renderer, Request, RunawayLoop
from .validate import check_function
from .workload import Plan, resolve

URGENT, NORMAL = 0, 1  # simpy's priorities: process starts come before anything else at one instant


#: The Config fields this engine models as the reference does.  A field added
#: to Config later is not modelled until listed here: a config that sets it
#: away from its default runs on the reference engine instead.
MODELLED = frozenset({"server_delay", "network", "network_up", "network_down", "client_overhead", "transport",
                      "server", "bandwidth",
                      "request_budget", "time_limit"})
_checked: dict[int, tuple[Config, bool]] = {}


def supports(config: Config) -> bool:
    """Whether this engine runs ``config`` exactly as the reference does: no bandwidth limit, nothing unmodelled."""
    seen = _checked.get(id(config))
    if seen is not None and seen[0] is config:
        return seen[1]
    default = type(config)()
    ok = not config.bandwidth and all(getattr(config, f.name) == getattr(default, f.name)
                                      for f in dataclasses.fields(config) if f.name not in MODELLED)
    if len(_checked) > 1000:
        _checked.clear()
    _checked[id(config)] = (config, ok)
    return ok


def sampler(dist: Distribution, rng: random.Random) -> Callable[[], float]:
    """``dist.draw(rng)`` as a zero-argument function, the same numbers with fewer calls."""
    kind = type(dist)
    if kind is Uniform:
        low, span, draw = dist.low, dist.high - dist.low, rng.random
        return lambda: low + span * draw()           # random.uniform's own arithmetic
    if kind is Fixed:
        value = dist.value
        return lambda: value
    if kind is LogNormal:
        mu, sigma, uniform, log, exp = math.log(dist.median), dist.sigma, rng.random, math.log, math.exp

        def draw_lognormal() -> float:
            # random.lognormvariate(mu, sigma): exp of normalvariate's Kinderman-Monahan loop
            while True:
                u1 = uniform()
                u2 = 1.0 - uniform()
                z = NV_MAGICCONST * (u1 - 0.5) / u2
                if z * z / 4.0 <= -log(u2):
                    break
            try:
                return min(exp(mu + z * sigma), MAX_DRAW_MS)
            except OverflowError:
                return MAX_DRAW_MS
        return draw_lognormal
    return lambda: dist.draw(rng)


class _Event:
    """A simpy event reduced to what the engine uses: triggered, then processed, one waiter."""

    __slots__ = ("triggered", "processed", "waiter")

    def __init__(self) -> None:
        self.triggered = False
        self.processed = False
        self.waiter = None


class _Stop(Exception):
    """The run's ``AnyOf(user, time limit)`` has been processed."""


class _Pool:
    """simpy's ``Resource``: FIFO requests, granted when a slot is free or a release is processed."""

    __slots__ = ("capacity", "users", "queue", "sim")

    def __init__(self, capacity: int, sim: "FastSimulation"):
        self.capacity, self.users, self.queue, self.sim = capacity, 0, deque(), sim

    def request(self) -> _Event:
        event = _Event()
        self.queue.append(event)
        self._grant()
        return event

    def release(self) -> None:
        # simpy frees the slot at once but grants the next request only when the
        # Release event is processed, later in the same instant.
        self.users -= 1
        self.sim._push(self.sim.now, NORMAL, self._grant, None)

    def _grant(self, _arg: Any = None) -> None:
        # Resource._trigger_put looks at the head of the queue only.
        if self.queue and self.users < self.capacity:
            self.users += 1
            self.sim._succeed(self.queue.popleft())


class _Link:
    """A :class:`~simulator.network.Channel` without bandwidth: delay, and in-order delivery if ``ordered``."""

    __slots__ = ("ordered", "last")

    def __init__(self, ordered: bool):
        self.ordered, self.last = ordered, float("-inf")

    def wait(self, now: float, delay: float) -> float:
        arrival = now + delay
        if self.ordered:
            arrival = max(arrival, self.last)
            self.last = arrival
        return arrival - now


class _Flight:
    """One HTTP request's trip (the reference's request process), one method per step.

    A background request (R31) makes several trips, each a fetch: the first
    starts its job (``job`` is then set), each later one polls it after the
    interval (``found`` is what it brought back).
    """

    __slots__ = ("sim", "req", "slot", "worker", "response", "job", "found")

    def __init__(self, sim: "FastSimulation", req: Request):
        self.sim, self.req, self.slot, self.worker, self.response = sim, req, None, None, None
        self.job = self.found = None

    def start(self, _arg: Any = None) -> None:
        sim, req = self.sim, self.req
        if req.callback.clientside:                             # R15: no HTTP
            sim._post("response", (req, sim._execute(req)))
            return
        sim._in_transit += 1
        if sim.connections is not None:
            self.slot = sim.connections.request()
            self.slot.waiter = self.connected                   # http1: a free connection
        else:
            self.connected()

    def fetch(self, _arg: Any = None) -> None:
        """R31: a poll's fetch, after the interval (the first fetch starts in :meth:`start`)."""
        sim = self.sim
        if sim.connections is not None:
            self.slot = sim.connections.request()
            self.slot.waiter = self.connected                   # http1: a free connection
        else:
            self.connected()

    def connected(self) -> None:
        sim = self.sim
        sim._push(sim.now + sim.uplink.wait(sim.now, sim.draw_up()), NORMAL, self.uploaded, None)

    def uploaded(self, _arg: Any = None) -> None:
        sim = self.sim
        if sim.workers is not None:
            self.worker = sim.workers.request()
            self.worker.waiter = self.at_worker                 # FIFO queue for a worker / thread
        else:
            self.at_worker()

    def at_worker(self) -> None:
        sim, req = self.sim, self.req
        callback = req.node.callback
        if callback.background is not None:                     # R31: no server time of its own
            if self.job is None:
                self.job = sim.jobs.setup(req, sim.now, sim.draw_server)
            else:
                self.found = self.job.poll(sim.now)
            self.processed()
            return
        if callback.cancels and req.cancel_jobs:
            sim.jobs.kill(req.cancel_jobs, sim.now)             # R31: Dash's cancel callback
        self.response = sim._execute(req)
        sim._push(sim.now + (sim.draw_server() + self.response.elapsed), NORMAL, self.processed, None)

    def processed(self, _arg: Any = None) -> None:
        sim = self.sim
        if self.worker is not None:
            sim.workers.release()
        sim._push(sim.now + sim.downlink.wait(sim.now, sim.draw_down()), NORMAL, self.downloaded, None)

    def downloaded(self, _arg: Any = None) -> None:
        sim = self.sim
        if self.slot is not None:
            sim.connections.release()
        if self.job is not None:                                # R31: still polling, or the pass says when it ends
            sim._post("poll" if self.found is not None else "job", self)
            return
        sim._in_transit -= 1
        if not sim._in_transit and not sim._drained.triggered:
            sim._succeed(sim._drained)
        sim._post("response", (self.req, self.response))


class FastSimulation:
    """One run, as :class:`simulator.engine.Simulation` runs it, on a heap clock.

    The reference's three generator processes become methods that schedule
    their own continuation: the renderer thread (``_thread_*``), a
    :class:`_Flight` per request, and the user (``_user``, a position in the
    plan and a stage).  The figures the reference tallies from renderer
    events are read from what the renderer returns (:meth:`_pass`).
    """

    def __init__(self, app: Graph, plan: Plan, check: Check, config: Config = Config(), seed: Any = 0):
        if not supports(config):
            raise ValueError("the fast engine does not model bandwidth (or a Config field outside MODELLED); "
                             "use simulator.engine")
        self.graph = app if isinstance(app, Graph) else app.graph
        self.plan, self.check, self.config = plan, check_function(check), config
        self.now: float = 0                       # simpy's clock starts at the integer 0
        self._queue: list = []
        self._next = itertools.count().__next__   # simpy's event ids: ties at one instant go in scheduling order
        rng_net = random.Random(f"{seed}/network")  # one stream for both ways, drawn in the reference's order
        self.draw_up, self.draw_down = sampler(config.up, rng_net), sampler(config.down, rng_net)
        self.draw_server = sampler(config.server_delay, random.Random(f"{seed}/server"))
        self.draw_client = sampler(config.client_overhead, random.Random(f"{seed}/client"))
        self.result = Run(seed=seed)
        self.renderer = self._renderer(self.graph, config)
        transport = config.transport
        self.connections = _Pool(transport.connections, self) if transport.connections else None
        slots = transport.executor or config.server.slots
        self.workers = _Pool(slots, self) if slots else None
        self.uplink, self.downlink = _Link(transport.ordered), _Link(transport.ordered)
        self._validate(plan)
        self._inbox: list[tuple[str, Any]] = []
        self._wake: _Event | None = None
        self._busy = False
        self._settled = _Event()
        self._measuring = False
        self._first_measured = 1                  # requests from this id on were created while measuring
        self._last_version = -1
        self._last_action = 0.0
        self._settled_at: float | None = None
        self._in_transit = 0
        self._drained = _Event()
        self._stopping = False                    # the AnyOf has been triggered
        self.jobs = Jobs() if self.graph.background else None   # the background-callback manager (R31)
        self._user_ended = False
        self._action = 0                          # the user's position in the plan
        self._stage = 0                           # and in that action (or in the end phase)

    def _validate(self, plan: Plan) -> None:
        plan.validate(self.renderer.layout)

    @staticmethod
    def _renderer(graph: Graph, config: Config) -> Renderer:
        """The renderer, with no event listener: the figures come from what it returns."""
        renderer = Renderer(graph, request_budget=config.request_budget)
        renderer.side_refused = side_refusal(config)
        why = jobs_refusal(graph, config)
        if why:
            raise NotModelled(why)
        return renderer

    # ------------------------------------------------------------------
    # the clock: simpy's schedule / step, for the few kinds of entry used here
    # ------------------------------------------------------------------
    def _push(self, t: float, priority: int, action: Callable[[Any], None], arg: Any) -> None:
        heappush(self._queue, (t, priority, self._next(), action, arg))

    def _succeed(self, event: _Event) -> None:
        event.triggered = True
        self._push(self.now, NORMAL, self._process, event)

    def _process(self, event: _Event) -> None:
        event.processed = True
        waiter = event.waiter
        if waiter is not None:
            event.waiter = None
            waiter()

    def _condition(self, _arg: Any) -> None:
        """AnyOf(user, time limit) checked: the first trigger schedules the stop."""
        if not self._stopping:
            self._stopping = True
            self._push(self.now, NORMAL, self._stop, None)

    @staticmethod
    def _stop(_arg: Any) -> None:
        raise _Stop

    @staticmethod
    def _fail(exc: Exception) -> None:
        raise exc

    def _failed(self, exc: Exception) -> None:
        """A process raised: simpy fails it, and the run raises when that failure is processed."""
        self._push(self.now, NORMAL, self._fail, exc)

    def _post(self, kind: str, payload: Any) -> None:
        self._inbox.append((kind, payload))
        wake = self._wake
        if wake is not None and not wake.triggered:
            self._succeed(wake)

    # ------------------------------------------------------------------
    # the renderer thread (R20): wait for work, intake, scheduling, send
    # ------------------------------------------------------------------
    def _thread_start(self, _arg: Any = None) -> None:
        self._inbox.append(("load", None))  # page load: the first pass (R5)
        self._thread_idle()

    def _thread_idle(self) -> None:
        if not self._inbox:
            self._busy = False
            self._note_settled()
            self._wake = _Event()
            self._wake.waiter = self._thread_idle
            return
        self._busy = True
        draw = self.draw_client()                                # R20, intake: the window, then the rest
        window, rest = draw * WINDOW_SHARE, draw * INTAKE_SHARE - draw * WINDOW_SHARE
        if window > 0:
            self._push(self.now + window, NORMAL, self._thread_take, rest)
        else:
            self._thread_take(rest)

    def _thread_take(self, rest: float) -> None:
        batch, self._inbox = self._inbox, []     # what arrived within the window joins the pass
        if rest > 0:
            self._push(self.now + rest, NORMAL, self._thread_pass, batch)
        else:
            self._thread_pass(batch)

    def _thread_pass(self, batch: list) -> None:
        try:
            sent, extra_outputs = self._pass(batch)
        except Exception as exc:
            self._failed(exc)
            return
        cost = self.draw_client() * (1 + EXTRA_OUTPUT_COST * extra_outputs)
        if cost > 0:
            self._push(self.now + cost, NORMAL, self._thread_send, sent)
        else:
            self._thread_send(sent)

    def _thread_send(self, sent: list[Request]) -> None:
        for req in sent:  # requests dispatched in a pass leave at its end (R20)
            self._push(self.now, URGENT, _Flight(self, req).start, None)
        self._thread_idle()

    def _poll(self, flight: _Flight) -> None:
        """R31: the reference's poll process starts; after the interval it fetches again."""
        self._push(self.now + flight.req.callback.background.interval, NORMAL, flight.fetch, None)

    def _execute(self, req: Request) -> Any:
        """The server (or the browser, R15) runs the callback of ``req`` now: its response."""
        return req.callback.execute(req.args, tuple(req.changed), self.now)

    def _pass(self, batch: list, count: bool = True) -> tuple[list[Request], int]:
        """Apply what the pass took in, in arrival order, run the observers; tally what the reference's events count.

        With ``count=False`` the renderer does the same and nothing is tallied
        or checked (:mod:`simulator.memo` replays a run's passes with it).
        """
        renderer, r = self.renderer, self.result
        # A request belongs to the phase it was created in (as the reference counts it).
        first = self._first_measured if self._measuring and count else renderer.requests_created + 1
        extra_outputs = 0
        observed = False  # did anything change that the renderer's observers watch? (R8)
        now = self.now
        for kind, payload in batch:  # applied in arrival order (R20)
            if kind == "load":
                renderer.load(now)
                observed = True
            elif kind == "change":
                renderer.change(resolve(payload, renderer.layout, now), now)
                observed = True
            elif kind == "job":                                 # R31: heard of; poll after the interval
                renderer.job_started(payload.req, now)
                self._push(now, URGENT, self._poll, payload)
            elif kind == "poll":
                req, found = payload.req, payload.found
                ends = found.final is not None or req.id in renderer.outdated_jobs   # R31: the chain's last answer
                counted = ends and req.id >= first
                if counted:
                    r.responses += 1
                    r.bytes_down += found.final.nbytes if found.final else 0
                try:
                    status, landed = renderer.poll(req, found, now)
                except RunawayLoop:
                    self._runaway_in(req, counted)
                self._tally(req, counted, status)
                observed = observed or landed or status not in ("ignored", POLLING)
                if status == POLLING:
                    self._push(now, URGENT, self._poll, payload)
                    continue
                if status == "applied":
                    extra_outputs += max(0, len(req.response.outputs) - 1)
                self._in_transit -= 1
                if not self._in_transit and not self._drained.triggered:
                    self._succeed(self._drained)
            else:
                req, response = payload
                counted = req.id >= first
                if counted:
                    r.responses += 1
                    r.bytes_down += response.nbytes
                try:
                    status = renderer.receive(req, response, now)
                except RunawayLoop:
                    self._runaway_in(req, counted)
                self._tally(req, counted, status)
                observed = observed or status != "ignored" or bool(response.side or req.node.running_off)  # R8, R21, R26
                if status == "applied":
                    extra_outputs += max(0, len(response.outputs) - 1)
        if not observed:
            sent = []
        elif self._measuring and count:
            # R8 supersedes only in schedule(), only requests pending before it.
            pending = renderer.requested + renderer.prioritized + renderer.in_flight
            try:
                sent = renderer.schedule(now)
            except RunawayLoop:   # what was superseded and sent before it stopped counts, as the reference counts
                self._count_pass(pending, renderer.sending, first)
                raise
            self._count_pass(pending, sent, first)
        else:
            sent = renderer.schedule(now)
        if count:
            self._track_divergence()
        return sent, extra_outputs

    def _count_pass(self, pending: list[Request], sent: list[Request], first: int) -> None:
        r = self.result
        for req in pending:
            if req.status == "superseded" and req.id >= first:
                r.superseded += 1
        for req in sent:
            if req.id >= first:
                r.sent += 1
                r.bytes_up += req.request_bytes

    def _runaway_in(self, req: Request, counted: bool) -> None:
        """A RunawayLoop raised by what an applied response triggered: it was applied (as the reference
        counts it), then the loop goes on up."""
        if counted and req.status == "applied":
            self.result.applied += 1
        raise

    def _tally(self, req: Request, counted: bool, status: str) -> None:
        """What became of a response, tallied as the reference's events are."""
        if counted:
            r = self.result
            if status == "applied":
                r.applied += 1
            elif status == "ignored":
                r.ignored += 1
            elif status == "error":
                r.errors.append(req.response.message)

    # ------------------------------------------------------------------
    # the user: each action (wait to settle, wait its delay, act), then the end phase
    # ------------------------------------------------------------------
    def _idle(self) -> bool:
        """Nothing pending in the renderer's lists."""
        return self.renderer.idle

    def _created(self) -> int:
        """Requests the renderer has created so far (their ids run from 1)."""
        return self.renderer.requests_created

    def _quiet(self) -> bool:
        return self._idle() and not self._inbox and not self._busy

    def _await_settled(self) -> None:
        if self._settled.triggered:
            self._settled = _Event()
        self._settled.waiter = self._user

    def _note_settled(self) -> None:
        if self._idle() and not self._inbox and not self._settled.triggered:
            self._succeed(self._settled)

    def _user(self, _arg: Any = None) -> None:
        try:
            self._user_steps()
        except Exception as exc:
            self._failed(exc)

    def _user_steps(self) -> None:
        actions = self.plan.actions
        while self._action < len(actions):
            action = actions[self._action]
            if self._stage == 0:                                # wait for the page to settle
                if action.wait_settle and not self._quiet():
                    self._await_settled()
                    return
                self._stage = 1
                if action.delay > 0:
                    self._push(self.now + action.delay, NORMAL, self._user, None)
                    return
            if action.measure and not self._measuring:
                self._measuring = True
                self._first_measured = self._created() + 1
                self._track_divergence()
            self._last_action = self.now
            self._post("change", action.props)
            self._action += 1
            self._stage = 0
        if self._stage == 0:                                    # the reference's timeout(0)
            self._stage = 1
            self._push(self.now + 0, NORMAL, self._user, None)
            return
        if self._stage == 1:
            if not self._quiet():
                self._await_settled()
                return
            self._settled_at = self.now
            self._stage = 2
        if self._stage == 2:
            # Superseded requests may still be on the wire: their responses change
            # nothing (R8) but count as ignored, and their bytes as received.
            if self._in_transit:
                self._drained = _Event()
                self._drained.waiter = self._user
                return
            self._stage = 3
        if not self._quiet():
            self._await_settled()
            return
        self._user_ended = True
        self._push(self.now, NORMAL, self._condition, None)

    def _track_divergence(self) -> None:
        if not self._measuring or self.renderer.layout_version == self._last_version:
            return
        self._last_version = self.renderer.layout_version
        self.result.observe(self.check(self.renderer.layout, self.renderer.ignored_user), self.now)

    # ------------------------------------------------------------------
    def run(self) -> Run:
        r = self.result
        if not any(a.measure for a in self.plan.actions):
            self._measuring = True
        self._push(self.now, URGENT, self._thread_start, None)
        self._push(self.now, URGENT, self._user, None)
        self._push(self.config.time_limit, NORMAL, self._condition, None)
        queue = self._queue
        try:
            while True:
                t, _priority, _seq, action, arg = heappop(queue)
                self.now = t
                action(arg)
        except _Stop:
            if not self._user_ended:
                r.unsettled = self._why_unsettled()
        except RunawayLoop as exc:
            r.runaway = str(exc)
        return self._close(self._settled_at if self._settled_at is not None else self.now)

    def _why_unsettled(self) -> str:
        return why_unsettled(self.renderer, self._in_transit or self._inbox, self.config.time_limit)

    def _close(self, end: float) -> Run:
        self._last_version = -1  # the divergence check's last word, whatever changed
        return close_run(self.result, self.renderer, self.check, end, self._last_action, self._track_divergence)


def simulate(app: Graph, plan: Plan, check: Check, config: Config = Config(), seed: Any = 0) -> Run:
    """One seeded run on the fast clock; the same :class:`Run` as :func:`simulator.engine.simulate`."""
    return FastSimulation(app, plan, check, config, seed).run()
