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

import math
import random
from collections import deque
from heapq import heappop, heappush
from typing import Any, Callable

from .engine import EXTRA_OUTPUT_COST, INTAKE_SHARE, Check, Config, Run
from .graph import Graph
from .latency import MAX_DRAW_MS, Distribution, Fixed, LogNormal, Uniform
from .renderer import Renderer, Request, RunawayLoop
from .workload import Plan, resolve

URGENT, NORMAL = 0, 1  # simpy's priorities: process starts come before anything else at one instant


def supports(config: Config) -> bool:
    """Whether this engine runs ``config`` exactly as the reference does (no bandwidth limit)."""
    return not config.bandwidth


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
        mu, sigma, lognorm = math.log(dist.median), dist.sigma, rng.lognormvariate

        def draw_lognormal() -> float:
            try:
                return min(lognorm(mu, sigma), MAX_DRAW_MS)
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


class FastSimulation:
    """One run, as :class:`simulator.engine.Simulation` runs it, on a heap clock."""

    def __init__(self, app: Graph, plan: Plan, check: Check, config: Config = Config(), seed: Any = 0):
        if not supports(config):
            raise ValueError("the fast engine does not model bandwidth; use simulator.engine")
        self.graph = app if isinstance(app, Graph) else app.graph
        self.plan, self.check, self.config = plan, check, config
        self.now: float = 0                       # simpy's clock starts at the integer 0
        self._queue: list = []
        self._seq = 0
        self.draw_net = sampler(config.network, random.Random(f"{seed}/network"))
        self.draw_server = sampler(config.server_delay, random.Random(f"{seed}/server"))
        self.draw_client = sampler(config.client_overhead, random.Random(f"{seed}/client"))
        self.result = Run(seed=seed)
        self.renderer = Renderer(self.graph, request_budget=config.request_budget, on_event=self._on_event)
        transport = config.transport
        self.connections = _Pool(transport.connections, self) if transport.connections else None
        slots = transport.executor or config.server.slots
        self.workers = _Pool(slots, self) if slots else None
        self.uplink, self.downlink = _Link(transport.ordered), _Link(transport.ordered)
        plan.validate(self.renderer.layout)
        self._inbox: list[tuple[str, Any]] = []
        self._wake: _Event | None = None
        self._busy = False
        self._settled = _Event()
        self._measuring = False
        self._last_version = -1
        self._last_action = 0.0
        self._settled_at: float | None = None
        self._in_transit = 0
        self._drained = _Event()
        self._stopping = False                    # the AnyOf has been triggered
        self._user_ended = False

    # ------------------------------------------------------------------
    # the clock: simpy's schedule / step, for the few kinds of entry used here
    # ------------------------------------------------------------------
    def _push(self, t: float, priority: int, action: Callable[[Any], None], arg: Any) -> None:
        self._seq += 1
        heappush(self._queue, (t, priority, self._seq, action, arg))

    def _succeed(self, event: _Event) -> None:
        event.triggered = True
        self._push(self.now, NORMAL, self._process, event)

    def _process(self, event: _Event) -> None:
        event.processed = True
        waiter = event.waiter
        if waiter is not None:
            event.waiter = None
            self._resume(waiter)

    def _start(self, process) -> None:
        self._push(self.now, URGENT, self._resume, process)

    def _resume(self, process) -> None:
        """Run a process to its next wait: a delay (a timeout) or an event."""
        while True:
            try:
                wait = process.send(None)
            except StopIteration:
                if process is self._user_process:
                    self._user_ended = True
                    self._push(self.now, NORMAL, self._condition, None)
                return
            except Exception as exc:          # simpy fails the process; the run raises when that is processed
                self._push(self.now, NORMAL, self._fail, exc)
                return
            if type(wait) is _Event:
                if wait.processed:
                    continue
                wait.waiter = process
                return
            self._push(self.now + wait, NORMAL, self._resume, process)
            return

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

    # ------------------------------------------------------------------
    # the renderer's events: the figures (no trace here)
    # ------------------------------------------------------------------
    def _on_event(self, kind: str, now: float, **f: Any) -> None:
        if self._measuring:
            self.result.count(kind, f)

    def _post(self, kind: str, payload: Any) -> None:
        self._inbox.append((kind, payload))
        wake = self._wake
        if wake is not None and not wake.triggered:
            self._succeed(wake)

    # ------------------------------------------------------------------
    # the three processes, line for line those of simulator.engine
    # ------------------------------------------------------------------
    def _thread(self):
        renderer, draw = self.renderer, self.draw_client
        self._inbox.append(("load", None))  # page load: the first pass (R5)
        while True:
            while not self._inbox:
                self._busy = False
                self._note_settled()
                self._wake = _Event()
                yield self._wake
            self._busy = True
            intake = draw() * INTAKE_SHARE                      # R20, intake
            if intake > 0:
                yield intake
            batch, self._inbox = self._inbox, []
            extra_outputs = 0
            now = self.now
            for kind, payload in batch:  # applied in arrival order (R20)
                if kind == "load":
                    renderer.load(now)
                elif kind == "change":
                    renderer.change(resolve(payload, renderer.layout), now)
                else:
                    req, response = payload
                    if self._measuring:
                        self.result.responses += 1
                        self.result.bytes_down += response.nbytes
                    if renderer.receive(req, response, now) == "applied":
                        extra_outputs += max(0, len(response.outputs) - 1)
            sent = renderer.schedule(now)                       # R20, scheduling
            self._track_divergence()
            cost = draw() * (1 + EXTRA_OUTPUT_COST * extra_outputs)
            if cost > 0:
                yield cost
            for req in sent:  # requests dispatched in a pass leave at its end (R20)
                self._start(self._request(req))

    def _request(self, req: Request):
        callback = req.callback
        if callback.clientside:                                 # R15: no HTTP
            self._post("response", (req, callback.execute(req.args, tuple(req.changed), self.now)))
            return
        self._in_transit += 1
        slot = self.connections.request() if self.connections is not None else None
        if slot is not None:
            yield slot                                          # http1: a free connection
        yield self.uplink.wait(self.now, self.draw_net())
        worker = self.workers.request() if self.workers is not None else None
        if worker is not None:
            yield worker                                        # FIFO queue for a worker / thread
        response = callback.execute(req.args, tuple(req.changed), self.now)
        yield self.draw_server()
        if worker is not None:
            self.workers.release()
        yield self.downlink.wait(self.now, self.draw_net())
        if slot is not None:
            self.connections.release()
        self._in_transit -= 1
        if not self._in_transit and not self._drained.triggered:
            self._succeed(self._drained)
        self._post("response", (req, response))

    def _note_settled(self) -> None:
        if self.renderer.idle and not self._inbox and not self._settled.triggered:
            self._succeed(self._settled)

    def _wait_settled(self):
        while not (self.renderer.idle and not self._inbox and not self._busy):
            if self._settled.triggered:
                self._settled = _Event()
            yield self._settled

    def _user(self):
        for action in self.plan.actions:
            if action.wait_settle:
                yield from self._wait_settled()
            if action.delay > 0:
                yield action.delay
            if action.measure and not self._measuring:
                self._measuring = True
                self._track_divergence()
            self._last_action = self.now
            self._post("change", action.props)
        yield 0
        yield from self._wait_settled()
        self._settled_at = self.now
        while self._in_transit:
            self._drained = _Event()
            yield self._drained
        yield from self._wait_settled()

    def _track_divergence(self) -> None:
        if not self._measuring or self.renderer.layout_version == self._last_version:
            return
        self._last_version = self.renderer.layout_version
        self.result.observe(self.check(self.renderer.layout), self.now)

    # ------------------------------------------------------------------
    def run(self) -> Run:
        r = self.result
        if not any(a.measure for a in self.plan.actions):
            self._measuring = True
        self._start(self._thread())
        self._user_process = self._user()
        self._start(self._user_process)
        self._push(self.config.time_limit, NORMAL, self._condition, None)
        queue = self._queue
        try:
            while True:
                t, _priority, _seq, action, arg = heappop(queue)
                self.now = t
                action(arg)
        except _Stop:
            if not self._user_ended:
                r.unsettled = f"did not settle within {self.config.time_limit:g} ms of simulated time"
        except RunawayLoop as exc:
            r.runaway = str(exc)
        end = self._settled_at if self._settled_at is not None else self.now
        r.end = end
        r.settle_ms = end - self._last_action
        self._last_version = -1
        self._track_divergence()
        r.close(end)
        r.wrong = tuple(self.check(self.renderer.layout))
        r.diverged = bool(r.wrong)
        r.layout = self.renderer.layout
        return r


def simulate(app: Graph, plan: Plan, check: Check, config: Config = Config(), seed: Any = 0) -> Run:
    """One seeded run on the fast clock; the same :class:`Run` as :func:`simulator.engine.simulate`."""
    return FastSimulation(app, plan, check, config, seed).run()
