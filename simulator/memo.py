"""Memoised passes: the renderer's work, done once and shared by the trials of one cell.

Two Monte-Carlo trials of a cell differ only in their random latencies.
Latencies decide *when* things arrive, and so which arrivals share one of
the renderer's passes (R20) and in what order; but once that is known, what
a pass does -- which requests it supersedes, prioritizes and sends, which
responses it applies or ignores, what the check then says -- depends only on
what came before it, not on the clock, when:

* every callback body is pure and does not read the clock.  Bodies are
  pure by contract (the app is reused for every trial; :mod:`scenarios`
  says so); a body that reads :func:`~simulator.context.server_time` is
  caught as it runs, and the memo switches itself off for good;
* no callback and not the check reads a time the renderer writes: a
  Store's ``modified_timestamp`` (R4) or an event's ``*_timestamp`` (R29).
  Whether two writes fall in one millisecond then changes nothing anyone
  reads;
* no clientside callback (it reads the page's own clock) and no layout
  changes (R30): :func:`refusal` names what stands in the way;
* the check is a pure function of the layout, and does not read the user
  actions the page ignored (R26): they change without the layout changing,
  and the engines ask the check again only when the layout changes, which
  is a matter of timing.  It is asked where a trial measures, as the
  engines ask it, so it may assume the page is set up by then.

So the passes of all the trials of a cell form a tree.  A node is a history
(every pass so far, and what each took in); an edge is one more pass,
labelled with what it took in -- the page load, a user action, or the
response to request #k -- and carrying what it did: the requests sent, the
figures it added, and the node it leads to (is anything pending, how many
requests exist, what the check says).  A trial walks down the tree from the
root, taking each known edge's result without running the renderer.  At the
first pass the tree does not know, it builds its renderer by replaying its
own history, the same calls at the same simulated times -- so the renderer
stands exactly where the trial's own run would have it -- and goes on as
:class:`~simulator.fastengine.FastSimulation` does, adding each pass it runs
to the tree.  The engine's clock, draws and figures are untouched: a
memoised trial gives the same :class:`~simulator.engine.Run` figures as the
plain one, bit for bit (``tests/test_memo.py`` checks it on every strategy
and workload), only its final ``layout`` is left empty.

The tree is bounded (:data:`MAX_NODES`); past the bound trials run as
before.  Where histories hardly repeat (a ticking Interval racing its
responses), trials leave the tree early and growing it costs more than it
saves: after :data:`WARM_UP` trials the memo switches itself off if less
than :data:`MIN_SHARE` of their passes were found in the tree.
"""

from __future__ import annotations

from typing import Any

from . import context
from .engine import Check, Config, Run, close_run, side_refusal
from .fastengine import FastSimulation
from .graph import Graph
from .renderer import Renderer, Request
from .validate import check_function
from .workload import Plan

#: At most this many passes are remembered per cell (each about a kilobyte, with what it sent).
MAX_NODES = 50_000
#: After this many trials, the memo stays on only if at least MIN_SHARE of their passes came from the tree.
WARM_UP = 100
MIN_SHARE = 0.4

_COUNTS = ("responses", "bytes_down", "applied", "ignored", "superseded", "sent", "bytes_up")


def refusal(graph: Graph, check_reads: frozenset[str], check: Check | None = None) -> str | None:
    """Why the passes of ``graph`` cannot be shared between trials, or None.

    ``check_reads``: the props the divergence check reads.
    """
    if getattr(check, "takes_ignored", False):
        return "the check reads the user actions the page ignored (R26)"
    if any(cb.clientside for cb in graph.callbacks):
        return "a clientside callback reads the page's clock"
    if graph.relayouts:
        return "callbacks change the layout (R30)"
    if any(cb.background is not None for cb in graph.callbacks):
        return "background callbacks poll their jobs (R31)"
    stamps = set(graph.derived.values())
    for node in graph.nodes:
        for key in node.input_keys + node.state_keys:
            if key in stamps or key.endswith("_timestamp"):
                return f"callback {node.callback.name} reads {key}, a time the renderer writes"
    for key in sorted(check_reads):
        if key in stamps or key.endswith("_timestamp"):
            return f"the check reads {key}, a time the renderer writes"
    return None


class _Node:
    """A history: where the renderer stands after it.

    ``wrong`` is the check's answer there, asked only by a trial measuring
    there (as the engines ask it: a check may assume the page is set up);
    None where no trial was, and a trial needing it then leaves the tree.
    """

    __slots__ = ("edges", "idle", "created", "wrong", "ignored_user")

    def __init__(self, renderer: Renderer, check: Check | None):
        self.edges: dict[tuple, _Edge] = {}
        self.idle = renderer.idle
        self.created = renderer.requests_created
        self.ignored_user = renderer.ignored_user
        self.wrong = None if check is None else tuple(check(renderer.layout, renderer.ignored_user))


class _Edge:
    """One pass from a node: what it sent, what it added to the figures, where it led."""

    __slots__ = ("node", "sent", "extra", "counts", "errors")

    def __init__(self, node: _Node, sent: tuple[Request, ...], extra: int, counts: tuple[int, ...],
                 errors: tuple[str, ...]):
        self.node, self.sent, self.extra, self.counts, self.errors = node, sent, extra, counts, errors


class Passes:
    """The tree of one cell's passes under one renderer configuration, grown by its trials."""

    def __init__(self, graph: Graph, check: Check, config: Config, check_reads: frozenset[str] = frozenset()):
        self.graph, self.check = graph, check_function(check)
        self.config_key = renderer_key(config)
        pristine = Renderer(graph, request_budget=config.request_budget)
        self.layout = pristine.layout            # what a plan is validated against
        self.root = _Node(pristine, None)
        self.nodes = 1
        #: The response to each request the tree's edges sent (None until its body has run).
        self.responses: dict[Request, Any] = {}
        self.trials = 0
        self.replays = 0                          # trials that left the tree (and replayed their history)
        self.followed = 0                         # passes taken from the tree
        self.ran = 0                              # passes the renderer ran (replays aside)
        #: Why the memo is off (then every trial runs plain): what refusal() says, or what it found itself.
        self.off: str | None = refusal(graph, check_reads, check)

    def simulate(self, plan: Plan, config: Config, seed: Any) -> Run:
        """One trial: the figures of :func:`simulator.fastengine.simulate`, its ``layout`` left empty."""
        if renderer_key(config) != self.config_key:
            raise ValueError("this tree was grown under another request_budget or transport: one Passes per "
                             "renderer_key(config)")
        if self.off is None and self.trials == WARM_UP and self.followed < MIN_SHARE * (self.followed + self.ran):
            share = self.followed / max(1, self.followed + self.ran)
            self.switch_off(f"only {share:.0%} of the passes of the first {self.trials} trials had been run "
                            "before by an earlier trial")
        if self.off is not None:
            run = FastSimulation(self.graph, plan, self.check, config, seed).run()
            run.layout = {}
            return run
        self.trials += 1
        return MemoSimulation(self, plan, config, seed).run()

    def switch_off(self, why: str) -> None:
        """From now on every trial runs plain; the tree goes."""
        self.off = why
        self.root, self.responses = None, {}


def renderer_key(config: Config) -> tuple:
    """What of a Config the renderer reads: trees grown under one key serve only that key."""
    return config.request_budget, side_refusal(config)


class MemoSimulation(FastSimulation):
    """A :class:`FastSimulation` that takes known passes from the tree and runs the renderer only past them.

    ``renderer`` is None while the trial follows the tree; ``node`` is where
    it stands in the tree (None once the trial has left it for good).
    """

    def __init__(self, memo: Passes, plan: Plan, config: Config, seed: Any):
        self.memo = memo
        super().__init__(memo.graph, plan, memo.check, config, seed)
        self.node: _Node | None = memo.root
        self._history: list[tuple[float, list]] = []   # (time, what it took in) of each pass followed
        self._by_id: dict[int, Request] = {}            # the renderer's request for each id, once there is one
        self._passing = False

    def _renderer(self, graph: Graph, config: Config) -> None:   # type: ignore[override]
        return None   # built only when the trial leaves the tree (_leave)

    def _validate(self, plan: Plan) -> None:
        plan.validate(self.memo.layout)

    # ------------------------------------------------------------------
    def _key(self, batch: list) -> tuple:
        """What a pass took in, as an edge's label."""
        items = []
        for kind, payload in batch:
            if kind == "response":
                items.append(payload[0].id)
            elif kind == "change":
                # repr tells apart what == does not (1 and True, 0.0 and -0.0, (1,) and (True,))
                items.append(tuple((k, v) if type(v) is str else (k, type(v), repr(v)) for k, v in payload.items()))
            else:
                items.append(kind)
        return (self._first_measured if self._measuring else 0, *items)

    def _pass(self, batch: list, count: bool = True) -> tuple[list[Request], int]:
        key = self._key(batch) if self.node is not None and self.memo.off is None else None
        if self.renderer is None:
            edge = self.node.edges.get(key) if key is not None else None
            if edge is not None and self._measuring and edge.node.wrong is None:
                edge = None   # no trial measured there: run it, and ask the check
            if edge is not None:
                self._history.append((self.now, batch))
                self._follow(edge)
                return list(edge.sent), edge.extra
            self._leave()
        r = self.result
        before = tuple(getattr(r, name) for name in _COUNTS)
        errors = len(r.errors)
        self._passing = True   # the check it asks at its end belongs to the node it leads to, not to self.node
        try:
            sent, extra = self._run_pass(batch, count)
        finally:
            self._passing = False
        self.memo.ran += 1
        if key is not None and self.memo.off is None:
            known = self.node.edges.get(key)
            if known is not None:   # followed before, but without the check's answer there: add it
                if known.node.wrong is None and self._measuring:
                    known.node.wrong = self._answer()
                self.node = known.node
            elif self.memo.nodes < MAX_NODES:
                node = _Node(self.renderer, self.check if self._measuring else None)
                counts = tuple(getattr(r, name) - was for name, was in zip(_COUNTS, before))
                self.node.edges[key] = _Edge(node, tuple(sent), extra, counts, tuple(r.errors[errors:]))
                for req in sent:
                    self.memo.responses[req] = None
                self.memo.nodes += 1
                self.node = node
            else:
                self.node = None
        else:
            self.node = None
        return sent, extra

    def _run_pass(self, batch: list, count: bool) -> tuple[list[Request], int]:
        """The renderer runs the pass: each response paired with the renderer's own request of its id."""
        by_id = self._by_id
        real = [(kind, (by_id[payload[0].id], payload[1])) if kind == "response" else (kind, payload)
                for kind, payload in batch]
        sent, extra = FastSimulation._pass(self, real, count)
        for req in sent:
            by_id[req.id] = req
        return sent, extra

    def _answer(self) -> tuple[str, ...]:
        """The check's answer where the renderer stands."""
        return tuple(self.check(self.renderer.layout, self.renderer.ignored_user))

    def _follow(self, edge: _Edge) -> None:
        """Take a known pass's result: its figures, and the node it leads to."""
        self.memo.followed += 1
        r = self.result
        if any(edge.counts):
            for name, delta in zip(_COUNTS, edge.counts):
                setattr(r, name, getattr(r, name) + delta)
        if edge.errors:
            r.errors.extend(edge.errors)
        self.node = edge.node
        self._track_divergence()

    def _leave(self) -> None:
        """Build the renderer where this trial stands: replay its passes, the same calls at the same times."""
        self.memo.replays += 1
        self.renderer = FastSimulation._renderer(self.graph, self.config)
        now = self.now
        for self.now, batch in self._history:
            self._run_pass(batch, count=False)
        self.now = now
        self._history = []

    # ------------------------------------------------------------------
    # what the engine asks of the renderer, answered from the tree while the trial follows it
    # ------------------------------------------------------------------
    def _idle(self) -> bool:
        return self.node.idle if self.renderer is None else self.renderer.idle

    def _created(self) -> int:
        return self.node.created if self.renderer is None else self.renderer.requests_created

    def _track_divergence(self) -> None:
        if self.renderer is not None:
            super()._track_divergence()
            node = self.node
            if self._measuring and node is not None and node.wrong is None and not self._passing:
                # measuring starts here: the check's answer, for the trials that follow
                node.wrong = self._answer()
        elif self._measuring:
            # The check's answer is the node's; observing an unchanged answer again changes nothing
            # (the check does not read ignored actions: refusal), so there is no need to ask only when
            # the layout changed, as the engines do.
            if self.node.wrong is None:   # no trial measured here: leave the tree, ask the check
                self._leave()
                self._track_divergence()
                return
            self.result.observe(self.node.wrong, self.now)

    def _execute(self, req: Request) -> Any:
        """The body runs once per request of the tree; a body that reads the clock switches the memo off."""
        memo = self.memo
        response = memo.responses.get(req)
        if response is None:
            reads = context.clock_reads
            response = super()._execute(req)
            if context.clock_reads != reads:
                memo.switch_off(f"callback {req.name} reads the clock")
            elif req in memo.responses:   # kept for the requests the tree sends, and only those
                memo.responses[req] = response
        return response

    def _why_unsettled(self) -> str:
        if self.renderer is None:
            self._leave()
        return super()._why_unsettled()

    def _close(self, end: float) -> Run:
        if self.renderer is None and self.node.wrong is None:   # no trial measured here: ask the check
            self._leave()
        if self.renderer is not None:
            run = super()._close(end)
        else:
            self._last_version = -1
            node = self.node
            run = close_run(self.result, _Standing(node), lambda layout, ignored: node.wrong, end,
                            self._last_action, self._track_divergence)
        run.layout = {}
        return run


class _Standing:
    """What :func:`~simulator.engine.close_run` reads of a renderer, at a node of the tree."""

    def __init__(self, node: _Node):
        self.layout: dict[str, Any] = {}
        self.ignored_user = node.ignored_user
