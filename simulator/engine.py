"""The engine: the renderer, the network and the user on one simpy clock.

Three kinds of process share the clock (milliseconds):

* the **renderer thread** — single-threaded browser JavaScript.  It handles
  what arrives (user changes, responses) in *passes* (R20).  A pass opens
  when something arrives at an idle thread; its *intake* (parsing and
  applying, median 2.9 ms) begins with the event loop's yield (``await
  wait(0)``, median 1 ms), and only what arrives during that *window* joins
  it; then everything it took is applied in arrival order and the renderer's observers run once
  (:meth:`Renderer.schedule`) during its *scheduling* phase (median 3.7 ms);
  the requests it dispatched leave at its end.  What arrives after the
  window waits for the next pass.  With ``client_overhead=0``
  both phases take no time: the instantaneous model.
* one **request** process per dispatched request — browser connection slot
  -> upload -> server worker -> processing -> download -> back into the
  renderer's queue (:mod:`.network`: transports, servers, the wire).  A
  clientside callback (R15) skips all of it.  With a trace, each phase's
  start is noted: ``sent`` (leaves the renderer; may wait for a connection),
  ``uploading``, ``at_server`` (may wait for a worker), ``processing``,
  ``downloading``, ``arrived``; and the divergence check's transitions,
  ``diverged`` / ``consistent``, while measuring.
* the **user** — the workload's actions, in order.

Every random draw comes from a ``random.Random`` seeded from the run's seed,
one stream per purpose, so a seed gives one bit-identical run.
"""

from __future__ import annotations

import copy
import math
import random
from dataclasses import dataclass, field
from typing import Any, Callable

import simpy

from .app import Dash, Response
from .graph import Graph
from .latency import Distribution, LogNormal, Uniform, parse
from .errors import NotModelled, ScenarioError
from .network import TRANSPORTS, ServerSpec, TransportSpec, parse_bandwidth, parse_server, parse_transport
from .jobs import POLLING, SETUP_BYTES, Job, Jobs, refusal as jobs_refusal
from .renderer import APPLIED, IGNORED, REQUEST_BUDGET, Renderer, Request, RunawayLoop
from .validate import check_function
from .workload import Plan, resolve

#: R20: the cost of a pass's scheduling phase; median 3.7 ms (a response
#: applied -> the request it triggers leaves the browser, measured in
#: Chromium), with spread.
DEFAULT_CLIENT_OVERHEAD = LogNormal(3.7, 0.3)
#: R20: a pass's intake phase (parse and apply what arrived) costs this share
#: of a draw: median 2.9 ms from the server finishing to the response applied.
INTAKE_SHARE = 2.9 / 3.7
#: R20: the part of the intake during which arrivals still join the pass (the requested
#: observer's ``await wait(0)``): responses finishing at most 1.03 ms apart shared a pass in
#: Chromium, so a median of 1.03 ms; what arrives later in the intake waits for the next pass.
WINDOW_SHARE = 1.03 / 3.7
#: R20: 5.3 ms instead of 3.7 for a response with several outputs: each extra
#: output applied in a pass adds this share of the pass's cost.
EXTRA_OUTPUT_COST = 5.3 / 3.7 - 1

def _positive(x: Any) -> bool:
    return not isinstance(x, bool) and isinstance(x, (int, float)) and math.isfinite(x) and x > 0


#: The divergence check: the layout -> the wrong keys (tuple, list or set) or a bool (True: diverged).
Check = Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class Config:
    """Everything below the app that decides timing."""

    server_delay: Distribution = Uniform(0, 300)     # processing time per request
    network: Distribution = Uniform(5, 25)           # one-way delay, each direction
    network_up: Distribution | None = None           # browser -> server, when it differs (None: network)
    network_down: Distribution | None = None         # server -> browser, likewise
    client_overhead: Distribution = DEFAULT_CLIENT_OVERHEAD  # R20
    transport: TransportSpec = TRANSPORTS["http1"]
    server: ServerSpec = parse_server("threaded")
    bandwidth: float | None = None                   # bytes per ms; None: unlimited
    callback_delays: dict[str, Distribution] | None = None  # per-callback server delay, by name
    request_budget: int = REQUEST_BUDGET             # runaway loop guard
    time_limit: float = 3_600_000.0                  # one simulated hour

    def __post_init__(self):
        """Accept CLI-style strings (``Config(server_delay="uniform:0:50")``) and refuse nonsense."""
        for key in ("server_delay", "network", "client_overhead", "network_up", "network_down"):
            value = getattr(self, key)
            if value is None and key.startswith("network_"):
                continue
            if isinstance(value, bool) or not isinstance(value, (str, int, float, Distribution)):
                raise ScenarioError(f"Config {key} must be a Distribution, a number of ms or a string such as "
                                    f"'uniform:0:300', not {value!r}")
            object.__setattr__(self, key, parse(value))
        if isinstance(self.server, str):
            object.__setattr__(self, "server", parse_server(self.server))
        if isinstance(self.transport, str):
            object.__setattr__(self, "transport", parse_transport(self.transport))
        if not isinstance(self.server, ServerSpec) or not isinstance(self.transport, TransportSpec):
            raise ScenarioError(f"Config server / transport: not a server or transport: {self.server!r}, "
                                f"{self.transport!r}")
        if isinstance(self.bandwidth, str):
            object.__setattr__(self, "bandwidth", parse_bandwidth(self.bandwidth))
        if self.bandwidth is not None and not _positive(self.bandwidth):
            raise ScenarioError(f"Config bandwidth must be a finite number of bytes per ms > 0 (or None: "
                                f"unlimited), not {self.bandwidth!r}")
        if isinstance(self.request_budget, bool) or not isinstance(self.request_budget, int) \
                or self.request_budget < 1:
            raise ScenarioError(f"Config request_budget must be a whole number >= 1, not {self.request_budget!r}")
        if not _positive(self.time_limit):
            raise ScenarioError(f"Config time_limit must be a finite number of ms > 0, not {self.time_limit!r}")

    @classmethod
    def make(cls, **kw: Any) -> "Config":
        """Build from CLI-style strings, leaving out what is ``None``: ``Config.make(server_delay="uniform:0:50")``."""
        return cls(**{k: v for k, v in kw.items() if v is not None})

    @property
    def up(self) -> Distribution:
        """The one-way delay of an upload (a request going to the server)."""
        return self.network if self.network_up is None else self.network_up

    @property
    def down(self) -> Distribution:
        """The one-way delay of a download (a response coming back)."""
        return self.network if self.network_down is None else self.network_down

    def round_trip_floor(self) -> float:
        """The least time (ms) a server round trip can take under these laws: what the explorer may count on."""
        servers = [self.server_delay, *(self.callback_delays or {}).values()]
        return self.up.floor + self.down.floor + min(d.floor for d in servers)

    def describe(self) -> dict[str, Any]:
        return {
            "server_delay": str(self.server_delay), "network": str(self.network),
            **({"network_up": str(self.up)} if self.network_up is not None else {}),
            **({"network_down": str(self.down)} if self.network_down is not None else {}),
            "client_overhead": str(self.client_overhead), "transport": self.transport.name,
            "server": self.transport.server_name(self.server),
            "bandwidth_bytes_per_ms": self.bandwidth, "request_budget": self.request_budget,
            # only when set, so that runs without it record what they always did
            **({"callback_delays": {k: str(v) for k, v in self.callback_delays.items()}}
               if self.callback_delays else {}),
        }


@dataclass
class Run:
    """The outcome of one simulated run, counted over the measured phase."""

    seed: Any
    diverged: bool = False          # at quiescence (the headline)
    wrong: tuple = ()               # which keys were wrong at quiescence
    time_diverged: float = 0.0      # ms a reader would have seen a wrong dict
    episodes: int = 0               # how many times it went wrong
    sent: int = 0                   # requests dispatched (HTTP or clientside)
    responses: int = 0
    applied: int = 0
    ignored: int = 0                # responses ignored: superseded in flight (R8)
    superseded: int = 0             # requests superseded (waiting or in flight)
    errors: list[str] = field(default_factory=list)
    settle_ms: float = 0.0          # last user action -> quiescence
    bytes_up: int = 0
    bytes_down: int = 0
    runaway: str | None = None       # a callback loop hit the request budget
    unsettled: str | None = None     # the time limit came first (e.g. a heavy-tailed latency)
    end: float = 0.0
    layout: dict[str, Any] = field(default_factory=dict)
    #: user changes the page ignored, their control disabled (R26): (action index, prop)
    ignored_user: tuple[tuple[int, str], ...] = ()
    trace: list[dict[str, Any]] | None = None
    _wrong_since: float | None = field(default=None, repr=False, compare=False)

    def count(self, kind: str, f: dict[str, Any]) -> None:
        """Tally one renderer event (see :class:`~simulator.renderer.Renderer`) into the figures."""
        if kind == "dispatched":
            self.sent += 1
            self.bytes_up += f["request"].request_bytes
        elif kind == "ignored":
            self.ignored += 1
        elif kind == "superseded":
            self.superseded += 1
        elif kind == "applied":
            self.applied += 1
        elif kind == "error":
            self.errors.append(f["message"])

    def observe(self, wrong: tuple, now: float) -> None:
        """The divergence check's answer at ``now``: integrates the time spent wrong."""
        if wrong and self._wrong_since is None:
            self._wrong_since = now
            self.episodes += 1
            if self.trace is not None:
                self.trace.append({"t": now, "kind": "diverged", "wrong": list(wrong)})
        elif not wrong and self._wrong_since is not None:
            self.time_diverged += now - self._wrong_since
            self._wrong_since = None
            if self.trace is not None:
                self.trace.append({"t": now, "kind": "consistent"})

    def close(self, now: float) -> None:
        """The run ends at ``now``: a divergence still open counts up to it."""
        if self._wrong_since is not None:
            self.time_diverged += now - self._wrong_since


class Simulation:
    """One run: build it, then :meth:`run` it."""

    def __init__(self, app: Dash | Graph, plan: Plan, check: Check, config: Config = Config(),
                 seed: Any = 0, trace: bool = False):
        self.graph = app if isinstance(app, Graph) else app.graph
        self.plan = plan
        self.check = check_function(check)  # a tuple, list, set or bool: always a tuple
        unknown = sorted(set(config.callback_delays or ()) - {cb.name for cb in self.graph.callbacks})
        if unknown:
            raise ScenarioError(f"callback_delays names {', '.join(map(repr, unknown))}, which is no callback of "
                                f"this app; its callbacks: {', '.join(cb.name for cb in self.graph.callbacks)}")
        self.config = config
        self.env = simpy.Environment()
        self.rng_net = random.Random(f"{seed}/network")
        self.rng_server = random.Random(f"{seed}/server")
        self.rng_client = random.Random(f"{seed}/client")
        self.renderer = Renderer(self.graph, request_budget=config.request_budget, on_event=self._on_event)
        self.renderer.side_refused = side_refusal(config)
        why = jobs_refusal(self.graph, config)
        if why:
            raise NotModelled(why)
        self.connections = config.transport.build(self.env)
        self.workers = config.transport.workers(config.server, self.env)
        self.uplink, self.downlink = config.transport.channels(self.env, config.bandwidth)
        self.result = Run(seed=seed, trace=[] if trace else None)
        plan.validate(self.renderer.layout)
        self._inbox: list[tuple[str, Any]] = []
        self._wake: simpy.Event | None = None
        self._busy = False
        self._settled: simpy.Event = self.env.event()
        self._measuring = False
        self._measured: set[int] = set()      # requests created in the measured phase: the only ones counted
        self._last_version = -1
        self._last_action = 0.0
        self._settled_at: float | None = None
        self._in_transit = 0                  # HTTP requests not yet back in the browser (R31: or still polling)
        self.jobs = Jobs()                    # the background-callback manager (R31)
        self._drained: simpy.Event = self.env.event()

    # ------------------------------------------------------------------
    # events from the renderer: metrics and the trace
    # ------------------------------------------------------------------
    def _on_event(self, kind: str, now: float, **f: Any) -> None:
        # A request belongs to the phase it was created in: a setup request superseded in flight
        # whose response comes back after the measured phase starts is not counted (nor is the
        # measured phase's own request dropped before it was ever counted).
        req = f.get("request")
        if req is None:
            counted = self._measuring
        else:
            if kind == "requested" and self._measuring:
                self._measured.add(req.id)
            counted = req.id in self._measured
        if counted:
            self.result.count(kind, f)
        if self.result.trace is not None:
            self.result.trace.append(_trace_entry(kind, now, f))

    # ------------------------------------------------------------------
    # the renderer thread (R20)
    # ------------------------------------------------------------------
    def _note(self, kind: str, req: Request) -> None:
        """Engine-side trace events: a request leaves the browser / its response is back."""
        if self.result.trace is not None:
            self.result.trace.append({"t": self.env.now, "kind": kind, "request": req.id, "callback": req.name})

    def _post(self, kind: str, payload: Any) -> None:
        self._inbox.append((kind, payload))
        if self._wake is not None and not self._wake.triggered:
            self._wake.succeed()

    def _thread(self):
        env, renderer = self.env, self.renderer
        self._inbox.append(("load", None))  # page load: the first pass (R5)
        while True:
            while not self._inbox:
                self._busy = False
                self._note_settled()
                self._wake = env.event()
                yield self._wake
            self._busy = True
            # R20, intake: what arrives within the window joins the pass; the rest of the intake
            # (parsing and applying) takes time, and what arrives then waits for the next pass.
            draw = self.config.client_overhead.draw(self.rng_client)
            window, intake = draw * WINDOW_SHARE, draw * INTAKE_SHARE
            if window > 0:
                yield env.timeout(window)
            batch, self._inbox = self._inbox, []
            if intake - window > 0:
                yield env.timeout(intake - window)
            extra_outputs = 0
            observed = False  # did anything change that the renderer's observers watch?
            for kind, payload in batch:  # applied in arrival order (R20)
                if kind == "load":
                    renderer.load(env.now)
                    observed = True
                elif kind == "change":
                    renderer.change(resolve(payload, renderer.layout, env.now), env.now)
                    observed = True
                elif kind == "job":   # R31: the browser hears of the job and polls after the interval
                    req, job = payload
                    renderer.job_started(req, env.now)
                    env.process(self._poll(req, job))
                elif kind == "poll":
                    req, job, found = payload
                    if (found.final is not None or req.id in renderer.outdated_jobs) and req.id in self._measured:
                        self.result.responses += 1          # R31: the chain's last answer
                        self.result.bytes_down += found.final.nbytes if found.final else 0
                    status, landed = renderer.poll(req, found, env.now)
                    observed = observed or landed or status not in (IGNORED, POLLING)
                    if status == POLLING:
                        env.process(self._poll(req, job))
                        continue
                    if status == APPLIED:
                        extra_outputs += max(0, len(req.response.outputs) - 1)
                    self._chain_ended()
                else:
                    req, response = payload
                    if req.id in self._measured:
                        self.result.responses += 1
                        self.result.bytes_down += response.nbytes
                    status = renderer.receive(req, response, env.now)
                    # R8: an ignored response moves no list, unless its side updates land (R21)
                    observed = observed or status != IGNORED or bool(response.side or req.node.running_off)
                    if status == APPLIED:
                        extra_outputs += max(0, len(response.outputs) - 1)
            # R20, scheduling: the observers run; what arrives now waits for the next pass.
            sent = renderer.schedule(env.now) if observed else []
            self._track_divergence()
            cost = self.config.client_overhead.draw(self.rng_client) * (1 + EXTRA_OUTPUT_COST * extra_outputs)
            if cost > 0:
                yield env.timeout(cost)
            for req in sent:  # requests dispatched in a pass leave at its end (R20)
                self._note("sent", req)
                env.process(self._request(req))

    # ------------------------------------------------------------------
    # one request: connection -> upload -> server -> download (R15: clientside skips it)
    # ------------------------------------------------------------------
    def _request(self, req: Request):
        env = self.env
        if req.callback.clientside:
            self._post("response", (req, req.callback.execute(req.args, tuple(req.changed), env.now)))
            return
        self._in_transit += 1
        if req.callback.background is not None:   # R31: this fetch starts a job; polls follow
            job = yield from self._fetch(req, req.request_bytes, lambda: self._start_job(req))
            self._post("job", (req, job))
            return
        response = yield from self._fetch(req, req.request_bytes, lambda: self._run(req))
        self._chain_ended()
        self._post("response", (req, response))

    def _fetch(self, req: Request, up_bytes: int, serve: Callable[[], tuple[Any, int, float]]):
        """One HTTP round trip: connection, upload, a worker, ``serve()`` (answer, bytes, server ms), download."""
        env, cfg, tp = self.env, self.config, self.config.transport
        slot = self.connections.request() if self.connections is not None else None
        if slot is not None:
            yield slot                                   # http1: a free connection
        self._note("uploading", req)
        yield from self.uplink.carry(up_bytes + tp.header_up, cfg.up.draw(self.rng_net))
        self._note("at_server", req)
        worker = self.workers.request() if self.workers is not None else None
        if worker is not None:
            yield worker                                 # FIFO queue for a worker / thread
        self._note("processing", req)
        answer, down_bytes, busy = serve()
        if busy is not None:
            yield env.timeout(busy)
        if worker is not None:
            self.workers.release(worker)
        self._note("downloading", req)                   # websocket: sent as soon as it finishes
        yield from self.downlink.carry(down_bytes + tp.header_down, cfg.down.draw(self.rng_net))
        if slot is not None:
            self.connections.release(slot)
        self._note("arrived", req)
        return answer

    def _run(self, req: Request) -> tuple[Response, int, float]:
        """The server runs the callback: its response, and the time it takes (the law's draw + the body's sleep)."""
        if req.callback.cancels and req.cancel_jobs:
            self.jobs.kill(req.cancel_jobs, self.env.now)     # R31: Dash's cancel callback
        response: Response = req.callback.execute(req.args, tuple(req.changed), self.env.now)
        return response, response.nbytes, self._law(req).draw(self.rng_server) + response.elapsed

    def _start_job(self, req: Request) -> tuple[Job, int, None]:
        """R31: the first fetch of a background request: old jobs killed, its job started; no server time."""
        law = self._law(req)
        return self.jobs.setup(req, self.env.now, lambda: law.draw(self.rng_server)), SETUP_BYTES, None

    def _law(self, req: Request):
        """The callback's server-delay law: its own (``callback_delays``) or the server's."""
        cfg = self.config
        return cfg.callback_delays.get(req.name, cfg.server_delay) if cfg.callback_delays else cfg.server_delay

    def _poll(self, req: Request, job: Job):
        """R31: after the interval, one poll of the job."""
        yield self.env.timeout(req.callback.background.interval)
        found = yield from self._fetch(req, req.request_bytes, lambda: (*job.answer(self.env.now), None))
        self._post("poll", (req, job, found))

    def _chain_ended(self) -> None:
        """A request's last answer is back in the browser: nothing of it is on the wire any more."""
        self._in_transit -= 1
        if not self._in_transit and not self._drained.triggered:
            self._drained.succeed()

    # ------------------------------------------------------------------
    # the user
    # ------------------------------------------------------------------
    def _note_settled(self) -> None:
        if self.renderer.idle and not self._inbox and not self._settled.triggered:
            self._settled.succeed()

    def _wait_settled(self):
        while not (self.renderer.idle and not self._inbox and not self._busy):
            if self._settled.triggered:
                self._settled = self.env.event()
            yield self._settled

    def _user(self):
        env = self.env
        for action in self.plan.actions:
            if action.wait_settle:
                yield from self._wait_settled()
            if action.delay > 0:
                yield env.timeout(action.delay)
            if action.measure and not self._measuring:
                self._measuring = True
                if self.result.trace is not None:
                    self.result.trace.append({"t": env.now, "kind": "measure"})
                self._track_divergence()
            self._last_action = env.now
            self._post("change", action.props)
        yield env.timeout(0)
        yield from self._wait_settled()
        self._settled_at = env.now
        # Superseded requests may still be on the wire: their responses change
        # nothing (R8) but count as ignored, and their bytes as received.
        while self._in_transit:
            self._drained = env.event()
            yield self._drained
        yield from self._wait_settled()

    # ------------------------------------------------------------------
    # divergence
    # ------------------------------------------------------------------
    def _track_divergence(self) -> None:
        if not self._measuring or self.renderer.layout_version == self._last_version:
            return
        self._last_version = self.renderer.layout_version
        self.result.observe(self.check(self.renderer.layout, self.renderer.ignored_user), self.env.now)

    # ------------------------------------------------------------------
    def run(self) -> Run:
        env, r = self.env, self.result
        if not any(a.measure for a in self.plan.actions):
            self._measuring = True
        env.process(self._thread())
        user = env.process(self._user())
        try:
            env.run(until=simpy.AnyOf(env, [user, env.timeout(self.config.time_limit)]))
            if not user.triggered:
                r.unsettled = why_unsettled(self.renderer, self._in_transit or self._inbox, self.config.time_limit)
        except RunawayLoop as exc:
            r.runaway = str(exc)
        end = self._settled_at if self._settled_at is not None else env.now
        self._last_version = -1  # the divergence check's last word, whatever changed
        return close_run(r, self.renderer, self.check, end, self._last_action, self._track_divergence)


def close_run(r: Run, renderer: Renderer, check: Callable[..., tuple], end: float,
              last_action: float, track: Callable[[], None]) -> Run:
    """A run's closing figures, the same in both engines: settle time, the check at the end."""
    layout = renderer.layout
    r.end = end
    r.settle_ms = end - last_action
    track()
    r.close(end)
    r.ignored_user = renderer.ignored_user
    r.wrong = tuple(check(layout, renderer.ignored_user))
    r.diverged = bool(r.wrong)
    r.layout = layout
    return r


def why_unsettled(renderer: Renderer, busy: Any, time_limit: float) -> str:
    """What to say of a run the time limit cut off; ``busy``: something still on the wire or in the inbox."""
    stranded = renderer.requested
    if stranded and not (busy or renderer.prioritized or renderer.in_flight):
        names = ", ".join(sorted({q.name for q in stranded}))
        return (f"requests left waiting forever: {names} (held back by R9 behind a request that was "
                "superseded (R8); nothing is left to make the renderer's observers run again)")
    return f"did not settle within {time_limit:g} ms of simulated time"


def side_refusal(config: Config) -> str | None:
    """Why this configuration cannot model set_props side updates (R21), or None.

    Over Dash 4's WebSocket transport the server streams each set_props call
    as it is made (``dash/_callback_context.py``, ``set_props``), while the
    callback still runs; the model sends them with the response only.
    """
    if config.transport.executor is None:
        return None
    return ("over the WebSocket transport Dash streams set_props while the callback runs, "
            "which is not modelled (use --transport http1 or http2)")


def simulate(app: Dash | Graph, plan: Plan, check: Check, config: Config = Config(),
             seed: Any = 0, trace: bool = False) -> Run:
    """Run one seeded simulation and return its :class:`Run`."""
    return Simulation(app, plan, check, config, seed, trace).run()


def _trace_entry(kind: str, now: float, f: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {"t": now, "kind": kind}
    req = f.get("request")
    if req is not None:
        entry["request"] = req.id
        entry["callback"] = req.name
        if kind == "requested":
            entry["cause"] = f.get("cause", "")
            entry["predecessors"] = list(req.predecessors)
        elif kind == "dispatched":
            node = req.node
            entry["read"] = dict(zip(node.input_keys + node.state_keys, copy.deepcopy(req.args)))
            entry["changed"] = list(req.changed)
        elif kind in ("applied", "side_update", "progress", "replaced"):
            entry["values"] = copy.deepcopy(f["values"])
            if f.get("patched"):   # outputs that came as a Patch (R17), applied to the value then current
                entry["patched"] = list(f["patched"])
        elif kind in ("error", "prevented"):
            entry["message"] = f.get("message", "")
        elif kind == "superseded":
            entry["by"] = f["by"].id if f.get("by") is not None else None
        elif kind == "ignored" and f.get("outdated"):   # R31: a background job a newer request outdated
            entry["outdated"] = True
        elif kind == "shared":                           # R31: jobs on one cache key
            entry.update(took=f["took"], lost_to=f["lost_to"])
        elif kind == "merged":
            entry["into"] = f["into"].id
    if kind in ("prop", "unchanged"):
        entry.update(prop=f["prop"], value=copy.deepcopy(f["value"]), by=f["by"])
    if kind == "deadlock":
        entry["requests"] = [r.id for r in f["requests"]]
    if kind == "layout":   # R30
        entry.update(prop=f["prop"], added=list(f["added"]), removed=list(f["removed"]))
        if f.get("by"):   # set_props or running= (sideUpdate): nothing was requested for what arrived
            entry["by"] = f["by"]
    return entry
