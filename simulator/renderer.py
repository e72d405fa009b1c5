"""The dash-renderer's callback pipeline, as one state machine with no clock.

Read this file top to bottom to follow a request's life::

    requested --(R6 circular, R7 merge, R8 supersede, R9/R10 ready, R19 group)-->
    prioritized --(R12 cap, R13 order, R14 read values, R26 running on)--> in flight
    --(response: R21 side updates, R26 running off)--> applied (R16, R17, R2, R4)
                  | prevented | error (R18) | ignored: it was superseded while in flight (R8)

The renderer never waits and never draws a random number: the engine
(:mod:`simulator.engine`) or the explorer calls :meth:`Renderer.load`,
:meth:`Renderer.change` (a user edits a component), :meth:`Renderer.receive`
(a response arrives) and :meth:`Renderer.schedule` (one pass of the
renderer's observers, which returns the requests to send).  Keeping time out
of it is what lets the same code run under simpy and under the explorer.

Rule numbers refer to ``docs/renderer-model.md``.
"""

from __future__ import annotations

import copy
import json
from json.encoder import encode_basestring_ascii
from dataclasses import dataclass, field
from typing import Any, Callable

from . import chunks
from .app import Response
from .components import to_json
from .graph import Graph, Node
from .patch import is_patch, apply_patch
from .errors import InvalidPatchOperation, InvalidPropertyException, NonExistentIdException, NotModelled, ScenarioError

CONCURRENCY_CAP = 12          # R12
REQUEST_BUDGET = 2000          # default runaway-loop guard: requests per user action (one cascade)
EPOCH_MS = 1_700_000_000_000   # what Date.now() reads at simulated time 0

# A request's status once it has left the pipeline.
APPLIED, PREVENTED, ERROR, IGNORED = "applied", "prevented", "error", "ignored"


def same(a: Any, b: Any) -> bool:
    """Deep equality as the renderer's ``equals`` sees JSON values.

    Python's ``==`` says ``True == 1``; JavaScript's deep equality does not.
    (``1 == 1.0`` is right in both: JSON has one kind of number.)
    """
    if type(a) is str and type(b) is str:  # the common case, answered as below
        return a == b
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(v, b[k]) for k, v in a.items())
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


_encode = json.JSONEncoder(separators=(",", ":")).encode   # json.dumps(v, separators=(",", ":"))


def json_size(value: Any) -> int:
    """``len(json.dumps(value, separators=(",", ":")))``, without encoding the common scalars.

    The encoder escapes everything outside ASCII, so characters are bytes.
    """
    kind = type(value)
    if kind is str:
        return len(encode_basestring_ascii(value))
    if value is None:
        return 4
    if kind is bool:
        return 4 if value else 5
    if kind is int:
        return len(int.__repr__(value))
    return len(_encode(value))


def request_bytes(node: Node, args: list[Any], changed: dict[str, bool]) -> int:
    """Bytes of the JSON body a dispatched request POSTs (R14: the values it read).

    ``{"output", "outputs", "inputs": [{id, property, value}], "changedPropIds",
    "state": [{id, property, value}]}``: the callback's fixed skeleton
    (:func:`simulator.graph.request_skeleton`) plus the values and triggers.
    """
    size = node.request_skeleton + 2 + max(0, len(changed) - 1)
    for key in changed:
        size += len(encode_basestring_ascii(key))
    for value in args:
        size += json_size(value)
    return size


_ATOMS = (str, int, float, bool, type(None))


def copy_value(value: Any) -> Any:
    """``copy.deepcopy`` of a prop value, with JSON's own shapes copied directly.

    Prop values are replaced, never mutated in place, so only the copy's
    contents matter: dicts and lists are rebuilt, scalars shared, anything
    else goes to ``deepcopy``.
    """
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind is dict:
        return {k: copy_value(v) for k, v in value.items()}
    if kind is list:
        return [copy_value(v) for v in value]
    return copy.deepcopy(value)


class RunawayLoop(Exception):
    """More requests in one cascade than the budget: a callback loop that does not end.

    A cascade is what one user action (or the page load) sets off.  Counting
    per cascade, not per run, tells a loop from a long workload of many
    actions, each costing a few requests.
    """


@dataclass(eq=False)
class Request:
    """One pending execution of a callback."""

    id: int
    node: Node
    changed: dict[str, bool]          # changedPropIds: what triggered it
    predecessors: tuple[int, ...]     # callback indices along the chain (R3)
    requested_at: float
    initial: bool = False             # created by the page-load call (R5)
    group: int | None = None          # execution group (R19)
    status: str = "requested"
    superseded_by: int | None = None
    dispatched_at: float | None = None
    args: list[Any] = field(default_factory=list)  # Input + State values read at dispatch (R14)
    request_bytes: int = 0
    response: Response | None = None
    #: R31: background jobs this request's fetch names: ``oldJob`` (same outputs: the server kills them
    #: before a background callback starts its own) and ``cancelJob`` (its Input is one of theirs).
    old_jobs: tuple[int, ...] = ()
    cancel_jobs: tuple[int, ...] = ()

    @property
    def callback(self):
        return self.node.callback

    @property
    def name(self) -> str:
        return self.node.callback.name

    def __repr__(self) -> str:
        return f"<#{self.id} {self.name} {self.status}>"


@dataclass
class _Stored:
    """A completed request of an execution group (``stored``), for R19."""

    group: int
    all_props: tuple[str, ...]      # wire outputs: what it might have updated
    updated_props: tuple[str, ...]  # plain props it did update


def unset(graph: Graph, key: str) -> Any:
    """What a prop the layout's props leave unset holds: None, but for the children a component of the
    Dash-like API was given, which the renderer holds as their JSON (R27)."""
    if key.endswith(".children"):
        comp = graph.components.get(key[:-len(".children")])
        if comp is not None and comp.children is not None:
            return to_json(comp.children)
    if key.endswith(".id"):   # a component's id is one of its props (R31's cancel callback names it)
        comp = graph.components.get(key[:-len(".id")])
        if comp is not None:
            return comp.id
    return None


def fill_named(layout: dict[str, Any], graph: Graph) -> None:
    """Give every prop a callback names (running= included) that ``layout`` lacks its unset value."""
    for node in graph.nodes:
        for key in node.input_keys + node.state_keys + node.plain_outputs + tuple(k for k, _, _ in node.callback.running):
            if key not in layout:
                layout[key] = unset(graph, key)


def initial_layout(graph: Graph) -> dict[str, Any]:
    """Every prop's value on page load: the components' initial props, then ``None`` for the rest.

    The same for every run of an app (a graph is the app as it stood when
    built), so the keys and shared scalars are worked out once per graph;
    each run gets its own copies of the rest.
    """
    cached = getattr(graph, "_initial_layout", None)
    if cached is None:
        layout: dict[str, Any] = {}
        for cid, comp in graph.components.items():
            for prop, value in comp.initial.items():
                layout[f"{cid}.{prop}"] = value
        fill_named(layout, graph)
        for key in (*graph.derived, *graph.derived.values(), *graph.mounts):  # set by components themselves
            layout.setdefault(key, None)
        containers = [k for k, v in layout.items() if type(v) not in _ATOMS]
        cached = graph._initial_layout = (layout, containers)
    layout = dict(cached[0])
    for key in cached[1]:
        layout[key] = copy_value(layout[key])
    return layout


def _by_component(values: dict[str, Any]) -> dict[str, list[str]]:
    """``{"a.x": 1, "b.y": 2, "a.z": 3}`` -> ``{"a": ["a.x", "a.z"], "b": ["b.y"]}``: props by component, in order."""
    out: dict[str, list[str]] = {}
    for prop in values:
        out.setdefault(prop.rpartition(".")[0], []).append(prop)
    return out


class Renderer:
    """The requested / prioritized / in-flight lists and the rules that move requests."""

    def __init__(self, graph: Graph, *, request_budget: int = REQUEST_BUDGET,
                 on_event: Callable[..., None] | None = None):
        self.graph = graph
        self.layout: dict[str, Any] = initial_layout(graph)
        self._store_memory: dict[str, Any] = {}  # what each Store last stored (R4)
        self.requested: list[Request] = []
        self.prioritized: list[Request] = []
        self.in_flight: list[Request] = []       # executing + watched
        self.stored: list[_Stored] = []
        self.request_budget = request_budget
        self.requests_created = 0
        self.cascade_requests = 0                # since the last user action or the page load
        self.layout_version = 0
        self._next_group = 0
        self._emit = on_event
        #: Why side updates cannot be modelled in this run (the WebSocket transport streams
        #: set_props while the callback runs, instead of sending them with its response), or None.
        self.side_refused: str | None = None
        #: User changes so far (the plan's actions, in order), and the props of those the page
        #: ignored because their control was disabled (R26), as ``(action index, prop)`` pairs:
        #: a click that never happened is not a lost update, and only the run can tell which.
        self.user_changes = 0
        self.ignored_user: tuple[tuple[int, str], ...] = ()
        #: Whether callbacks may change the layout (R30), and whether one did since the last pass.
        self.dynamic = graph.relayouts
        self._relaid = False
        self._nodes_now: dict[str, Node] | None = None   # after a layout change: each callback's node by uid
        self.sending: list[Request] = []                   # what the current pass has sent (schedule)
        #: R31 (``callbackJobs``): background jobs whose start the browser has heard of, by job id (the
        #: request's), as (outputs, cancel Inputs, progress default, callback name); and those marked outdated.
        self.jobs: dict[int, tuple] = {}
        self.outdated_jobs: set[int] = set()

    # ------------------------------------------------------------------
    # inspection
    # ------------------------------------------------------------------
    @property
    def pending(self) -> list[Request]:
        """getPendingCallbacks: every list but stored/completed."""
        return self.requested + self.prioritized + self.in_flight

    @property
    def idle(self) -> bool:
        return not (self.requested or self.prioritized or self.in_flight)

    def value(self, prop: str) -> Any:
        return self.layout[prop]

    def clone(self, on_event: Callable[..., None] | None = None,
              memo: dict[int, Request] | None = None) -> "Renderer":
        """An independent copy to branch from (the explorer, :mod:`simulator.explore`).

        Lists, dicts and the requests in the lists are copied (``memo`` maps
        ``id(request)`` to its copy); prop values are shared, which is safe
        because the renderer replaces values and never mutates one in place.
        The copy reports its events to ``on_event``.  Behaviour is unchanged.
        """
        memo = {} if memo is None else memo

        def dup(item: Any) -> Any:
            if not isinstance(item, Request):
                return item
            if id(item) not in memo:
                memo[id(item)] = copy.copy(item)
            return memo[id(item)]

        new = copy.copy(self)
        for name, value in vars(self).items():
            if isinstance(value, list):
                setattr(new, name, [dup(item) for item in value])
            elif isinstance(value, (dict, set)):
                setattr(new, name, copy.copy(value))
        new._emit = on_event
        return new

    def _event(self, kind: str, now: float, **fields: Any) -> None:
        if self._emit is not None:
            self._emit(kind, now, **fields)

    # ------------------------------------------------------------------
    # creating requests
    # ------------------------------------------------------------------
    def _request(self, node: Node, now: float, changed: dict[str, bool], predecessors: tuple[int, ...],
                 initial: bool = False, group: int | None = None, cause: str = "") -> Request:
        self.requests_created += 1
        self.cascade_requests += 1
        if self.cascade_requests > self.request_budget:
            raise RunawayLoop(
                f"more than {self.request_budget} requests since the last user action: a callback loop that "
                f"does not settle (last: {node.callback.name} triggered by {cause or 'page load'})")
        req = Request(id=self.requests_created, node=node, changed=changed, predecessors=predecessors,
                      requested_at=now, initial=initial, group=group)
        self.requested.append(req)
        if self._emit is not None:
            self._event("requested", now, request=req, cause=cause)
        return req

    def _trigger(self, prop: str, now: float, predecessors: tuple[int, ...]) -> None:
        """R1: request every callback with ``prop`` as an Input."""
        for cb in self.graph.listeners(prop):
            self._request(self.graph.node(cb), now, {prop: True}, predecessors, cause=prop)

    def _set(self, prop: str, value: Any, now: float, *, by: str) -> None:
        self.layout[prop] = value
        self.layout_version += 1
        if self._emit is not None:
            self._event("prop", now, prop=prop, value=value, by=by)

    def _store_derived(self, prop: str, now: float) -> None:
        """R4: a Store that holds new data sets its own modified_timestamp."""
        derived = self.graph.derived.get(prop)
        if derived is None:
            return
        data = self.layout[prop]
        if prop in self._store_memory and same(self._store_memory[prop], data):
            return
        self._store_memory[prop] = copy_value(data)
        # Date.now(): integer milliseconds; a second write in the same millisecond
        # gives the same timestamp, and an equal value is not a change (R4).
        self.change({derived: EPOCH_MS + int(now)}, now, by="store")

    def _react(self, props, by: str) -> None:
        """R23: a component that would change its own props after a callback's write stops the run.

        Only components listed in ``graph.reactions`` (a lazily loaded one
        whose self-set prop a callback reads) are asked; they raise
        :class:`~simulator.errors.NotModelled` when they would act.
        """
        reactions = self.graph.reactions
        if not reactions:
            return
        for prop in props:
            comp = reactions.get(prop)
            if comp is not None:
                prefix = comp.key + "."
                current = {k[len(prefix):]: v for k, v in self.layout.items() if k.startswith(prefix)}
                try:
                    comp.react(prop[len(prefix):], current)
                except NotModelled as exc:
                    raise NotModelled(f"callback {by} set {prop}: {exc}") from None

    def load(self, now: float = 0.0) -> None:
        """Page load: the initial call (R5) and the Stores' mount (R4)."""
        self._next_group += 1
        group = self._next_group
        self.cascade_requests = 0
        for cb in self.graph.initial:
            self._request(self.graph.node(cb), now, {}, (), initial=True, group=group, cause="initial call")
        for data_prop in self.graph.derived:
            # A Store with data writes it to its (empty) memory on mount; one without
            # leaves the memory empty, so its first write, even of null, is a change.
            if self.layout[data_prop] is not None:
                self._store_derived(data_prop, now)
        if self.graph.mounts:
            # R22: components that set their own props on mount (a dcc.Location
            # reporting the address), before the first pass dispatches anything.
            self.change(self.graph.mounts, now, by="mount")

    def change(self, props: dict[str, Any], now: float, *, by: str = "user") -> None:
        """A component changes its own props (R1a); equal values trigger nothing (R4)."""
        if by == "user":
            self.cascade_requests = 0  # a new cascade: the loop guard counts afresh
            self.user_changes += 1
            if self.graph.disablers:
                props = self._enabled(props, now)
        for prop, value in props.items():
            if prop not in self.layout:
                if by == "user" and self.dynamic:   # R30: its component is not on the page (yet, or now)
                    self.ignored_user += ((self.user_changes - 1, prop),)
                    self._event("absent", now, prop=prop, value=value)
                    continue
                raise KeyError(f"unknown prop {prop!r}")
            if same(self.layout[prop], value):
                self._event("unchanged", now, prop=prop, value=value, by=by)
                continue
            self._set(prop, copy_value(value), now, by=by)
            self._trigger(prop, now, ())
            self._store_derived(prop, now)

    def _enabled(self, props: dict[str, Any], now: float) -> dict[str, Any]:
        """R26: what the user changes of a form control that is disabled (its own ``disabled``, or an
        html.Fieldset's around it) does not happen.

        A click on a disabled control fires no click event at all, so the
        clicks it would have bubbled to (the html components around it, the
        change's later ``n_clicks``, R29) do not happen either.
        """
        kept = {}
        swallowed = False
        for i, (prop, value) in enumerate(props.items()):
            cid, _, name = prop.rpartition(".")
            click = name in ("n_clicks", "n_clicks_timestamp")
            if any(self.layout.get(k) for k in self.graph.disablers.get(cid, ())) or swallowed and click:
                swallowed = swallowed or (i == 0 and click)
                self.ignored_user += ((self.user_changes - 1, prop),)
                self._event("disabled", now, prop=prop, value=value)
            else:
                kept[prop] = value
        return kept

    # ------------------------------------------------------------------
    # the requested-list pass (observers/requestedCallbacks.ts)
    # ------------------------------------------------------------------
    def _requested_pass(self, now: float) -> bool:
        """One run of the requested observer; returns whether another run could move anything.

        It could only if this one took requests out of the lists (pruned,
        merged, superseded, dropped) or broke a deadlock: requests that
        merely became ready leave the pending set, and so every other
        request's readiness, as it was.
        """
        before = list(self.requested)
        pending = self.pending  # taken before pruning, as the renderer does

        # R6: drop requests whose chain already ran their callback.
        requested = []
        for req in before:
            if req.callback.chain_id in req.predecessors:
                req.status = "pruned"
                self._event("pruned", now, request=req)
            else:
                requested.append(req)
        removed = len(requested) < len(before)

        # R7: one request per unique identifier; the newest wins, triggers united;
        # an initial-call request gives way to a non-initial one.
        groups: dict[str, list[Request]] = {}
        for req in requested:
            groups.setdefault(req.node.uid, []).append(req)
        rebuilt: set[int] = set()
        if len(groups) < len(requested):
            requested = self._merge(groups, rebuilt, now)
            removed = True

        # R8: a requested callback supersedes the same callback waiting or in flight:
        # in each list, all but the newest of each identifier go (the requested
        # ones being newer than any listed).
        newest_uid = {r.node.uid: r for r in requested}
        for lst in (self.prioritized, self.in_flight):
            if not lst:
                continue
            last = {r.node.uid: r for r in lst}
            doomed = [r for r in lst if r.node.uid in newest_uid or last[r.node.uid] is not r]
            removed = removed or bool(doomed)
            for r in doomed:
                lst.remove(r)
                newer = newest_uid.get(r.node.uid)
                r.status = "superseded"
                r.superseded_by = newer.id if newer else None
                self._event("superseded", now, request=r, by=newer)

        if self.graph.reresolved:
            requested, dropped = self._reresolve(requested, now)
            removed = removed or dropped

        # R9: ready when no Input (other than its own outputs) may still be
        # changed by a pending request or anything downstream of one.
        if self._nodes_now is None:
            outstanding: set[str] = set().union(*[r.node.downstream for r in pending])
        else:   # R30: what a request in flight may still change, as the page now stands
            outstanding = set().union(*[self._nodes_now.get(r.node.uid, r.node).downstream for r in pending])
        ready = [r for r in requested if not (r.node.blocking_inputs & outstanding)]
        return self._move_ready(now, before, requested, ready, pending, rebuilt, removed)

    def _reresolve(self, requested: list[Request], now: float) -> tuple[list[Request], bool]:
        """R25/R30, ``pruneCallbacks``, which the requested observer runs at every pass: a request whose
        Outputs resolve to another count than its callback declares (an ALL Output matching no id, or
        several) is taken out of its list; when none resolve it is dropped (it never runs), else it goes
        back at the end of the list, its triggers cut to those still on the page.

        Returns the requested list so treated, and whether any request was dropped.
        """
        counts, comps = self.graph.reresolved, self.graph.components
        dropped = False

        def treat(lst: list[Request]) -> list[Request]:
            nonlocal dropped
            keep, back = [], []
            for r in lst:
                n = counts.get(r.node.uid)
                if n is None:
                    keep.append(r)
                elif n == 0:
                    r.status = "removed"
                    self._event("removed", now, request=r)
                    dropped = True
                else:
                    r.changed = {k: v for k, v in r.changed.items() if k.rpartition(".")[0] in comps}
                    back.append(r)
            return keep + back if back or len(keep) < len(lst) else lst

        requested = treat(requested)
        self.prioritized = treat(self.prioritized)
        self.in_flight = treat(self.in_flight)
        return requested, dropped

    def _merge(self, groups: dict[str, list[Request]], rebuilt: set[int], now: float) -> list[Request]:
        """R7 for identifiers requested more than once: what stays requested, in group order."""
        requested = []
        for group in groups.values():
            if len(group) == 1:
                requested.append(group[0])
                continue
            initial = next((r for r in group if r.initial), None)
            rest = [r for r in group if r is not initial]
            if initial is not None:
                initial.status = "merged"
                self._event("merged", now, request=initial, into=rest[-1])
            if len(rest) == 1:
                requested.append(rest[0])
                continue
            newest = rest[-1]
            changed: dict[str, bool] = {}
            for r in rest:
                changed.update(r.changed)
            newest.changed = changed
            groups_seen = [r.group for r in rest if r.group]
            newest.group = groups_seen[-1] if groups_seen else None
            for r in rest[:-1]:
                r.status = "merged"
                self._event("merged", now, request=r, into=newest)
            requested.append(newest)
            rebuilt.add(newest.id)  # a new object in the renderer: it moves to the end
        return requested

    def _move_ready(self, now: float, before: list[Request], requested: list[Request], ready: list[Request],
                    pending: list[Request], rebuilt: set[int], removed: bool) -> bool:
        """R10, R19, then the ready requests become prioritized; see :meth:`_requested_pass` for what it returns."""
        # R10: a deadlock (everything pending is requested, nothing ready) is a
        # loop: assume the first is ready, then whatever that does not block.
        if not ready and requested and len(requested) == len(pending):
            candidates = list(requested)
            while candidates:
                ready.append(candidates[0])
                direct = {w for r in ready for w in r.node.wire_outputs}
                candidates = [c for c in candidates[1:] if not (c.node.blocking_inputs & direct)]
            # (The renderer means to add the entry point to the blocked ones'
            # predecessors, but computes the blocked set as an empty difference.)
            self._event("deadlock", now, requests=list(ready))
            removed = True

        # R19: in an execution group, drop a ready request none of whose Inputs
        # the group updated, when all of them were only potentially updated --
        # unless every declared Input is ALL/ALLSMALLER (R25) or there is none (R28).
        if self.stored:
            dropped = []
            for r in ready:
                entries = [s for s in self.stored if r.group is not None and s.group == r.group]
                if not entries:
                    continue
                inputs = set(r.node.input_keys)
                updated = {p for s in entries for p in s.updated_props}
                potential = {p for s in entries for p in s.all_props}
                if not (inputs & updated) and inputs <= potential and not r.node.keeps_group:
                    dropped.append(r)
            removed = removed or bool(dropped)
            for r in dropped:
                r.status = "dropped"
                ready.remove(r)
                requested.remove(r)
                self._event("dropped", now, request=r)

        if ready:
            ready_ids = {id(r) for r in ready}
            waiting = [r for r in requested if id(r) not in ready_ids]
        else:
            waiting = requested
        if not rebuilt and waiting == before:   # nothing pruned, merged, readied or dropped
            return False
        waiting_ids = {id(r) for r in waiting}
        kept_in_place = [r for r in before if id(r) in waiting_ids and r.id not in rebuilt]
        kept_ids = {id(r) for r in kept_in_place}
        self.requested = kept_in_place + [r for r in waiting if id(r) not in kept_ids]
        for r in ready:
            r.status = "prioritized"
            self.prioritized.append(r)
            if self._emit is not None:
                self._event("prioritized", now, request=r)
        return removed and (before != self.requested or bool(ready))

    def _forget_finished_groups(self) -> None:
        """storedCallbacks: a group's record goes once nothing of it is pending."""
        if self.stored:
            live = {r.group for r in self.pending if r.group is not None}
            self.stored = [s for s in self.stored if s.group in live]

    # ------------------------------------------------------------------
    # dispatch (observers/prioritizedCallbacks.ts, actions/callbacks.ts)
    # ------------------------------------------------------------------
    def _dispatch(self, now: float) -> list[Request]:
        available = max(0, CONCURRENCY_CAP - len(self.in_flight))          # R12
        if not available or not self.prioritized:
            return []
        if len(self.prioritized) <= available and len({r.node.priority for r in self.prioritized}) == 1:
            picked, self.prioritized = self.prioritized, []   # all of them, in order: what the sort below gives
        else:
            order = sorted(self.prioritized, key=lambda r: r.node.priority, reverse=True)  # R13, stable
            picked = order[:available]
            picked_ids = {id(r) for r in picked}
            self.prioritized = [r for r in self.prioritized if id(r) not in picked_ids]
        layout = self.layout  # R14: values as the layout stands in this pass
        trees = self.graph.tree_props
        for req in picked:
            node = req.node
            req.args = [layout[k] for k in node.input_keys + node.state_keys]
            if trees:   # R30: components inside a prop read with their props as they stand
                req.args = [chunks.current(v, layout, self.graph.props_of) if k in trees else v
                            for k, v in zip(node.input_keys + node.state_keys, req.args)]
            req.dispatched_at = now
            req.status = "in_flight"
            req.request_bytes = request_bytes(node, req.args, req.changed)
            self.in_flight.append(req)
            if self._emit is not None:
                self._event("dispatched", now, request=req)
        self.sending += picked
        for req in picked:   # R26: set as the requests leave, after all of them read the pass's values (R14)
            if self.jobs and not req.callback.clientside:
                self._name_jobs(req, now)
            if req.node.running_on:
                self._running(req, req.node.running_on, now, "on")
        return picked

    def _name_jobs(self, req: Request, now: float) -> None:
        """R31, as ``executeCallback`` does for every request it sends to the server.

        A job of the same outputs is marked outdated and named ``oldJob``; a
        job with a cancel Input among this callback's declared Inputs is named
        ``cancelJob``, and its progress props go back to their defaults now.
        """
        declared = getattr(req.callback, "definition", req.callback)
        # Ramda's intersection compares the job's cancel Inputs as the server sent them (a dict id as its
        # JSON string) with the callback's as the renderer parsed them (a dict id as an object): a cancel
        # Input with a dict id never matches, so it kills nothing (R31).
        inputs = {d.key for d in declared.inputs if not isinstance(d.component_id, dict)}
        old, cancel = [], []
        for job_id, (outputs, cancels, default, name) in list(self.jobs.items()):
            if outputs == req.node.wire_outputs:
                self.outdated_jobs.add(job_id)
                old.append(job_id)
            if cancels & inputs:
                cancel.append(job_id)
                if default:
                    self._land(default, now, f"{name} (progress default)")
        req.old_jobs, req.cancel_jobs = tuple(old), tuple(cancel)

    def _progress(self, req: Request, values: dict[str, Any], now: float) -> None:
        """R31: a poll's progress lands, as a side update does."""
        if self._emit is not None:
            self._event("progress", now, request=req, values=values)
        self._land(values, now, f"{req.name} (progress)")

    def job_started(self, req: Request, now: float) -> None:
        """R31: the answer to a background request's first fetch is back: the browser records its job."""
        spec = req.callback.background
        default = dict(zip(spec.progress, spec.progress_default)) if spec.progress_default is not None else None
        self.jobs[req.id] = (req.node.wire_outputs, frozenset(spec.cancel), default, req.name)
        self._event("job", now, request=req)

    def poll(self, req: Request, found: Any, now: float) -> tuple[str, bool]:
        """R31: a poll of ``req``'s job is back with ``found`` (a :class:`~simulator.jobs.Poll`).

        Returns what became of it (``"polling"``: poll again after the
        interval; else as :meth:`receive`) and whether anything landed.  An
        outdated job's poll ends the chain with nothing applied, not even the
        running= off props; otherwise its set_props entry and then its progress
        land (even for a superseded request), and a final answer is received.
        """
        if found.took is not None or found.lost_to is not None:   # jobs on one cache key (R31)
            self._event("shared", now, request=req, took=found.took, lost_to=found.lost_to)
        for lost in found.replaced:   # set_props calls a later one replaced before this poll (R31)
            self._event("replaced", now, request=req, values=lost)
        if req.id in self.outdated_jobs:
            self.outdated_jobs.discard(req.id)
            self.jobs.pop(req.id, None)
            req.response = Response("data")
            if req.status == "in_flight":   # resolved with nothing: applied, nothing in it
                return self.receive(req, req.response, now, complete=False), False
            req.status = IGNORED
            self._event("ignored", now, request=req, outdated=True)
            return IGNORED, False
        if found.final is None:
            if found.side:
                self._side_updates(req, found, now)
            if found.progress:
                self._progress(req, found.progress, now)
            return "polling", bool(found.side or found.progress)
        job = self.jobs.get(req.id)
        landed = bool(found.final.side or found.progress or req.node.running_off or job and job[2])
        return self.receive(req, found.final, now, progress=found.progress), landed

    def schedule(self, now: float) -> list[Request]:
        """One pass of the observers: settle the requested list, then dispatch.

        A dispatch whose ``running=`` props request callbacks (R26) runs the
        observers again in the same pass, as the renderer's store does.
        """
        # What this pass has sent so far (``_dispatch`` adds to it), kept where an engine can count it if
        # the pass stops with a RunawayLoop (the reference engine counts each request as it is sent).
        self.sending = sent = []
        if self._relaid:
            self._prune(now)
        for _ in range(REQUEST_BUDGET):
            for _ in range(10_000):
                if not self.requested or not self._requested_pass(now):
                    break
            self._forget_finished_groups()
            created = self.requests_created
            batch = self._dispatch(now)
            if self.requests_created == created or not batch:
                return sent
        raise RunawayLoop(f"running= props keep requesting callbacks as requests are sent ({len(sent)} sent in one pass)")

    # ------------------------------------------------------------------
    # responses (executingCallbacks.ts, executedCallbacks.ts, patch.ts)
    # ------------------------------------------------------------------
    def _side_updates(self, req: Request, response: Response, now: float) -> None:
        """R21: apply a response's ``sideUpdate`` (``actions/callbacks.ts``, ``sideUpdate``).

        Component by component, in the order the server sent them, its props
        are set and then their listeners requested, as ``updateComponent``
        does (``updateProps`` then ``notifyObservers``): with no equality
        check (like R2) and no predecessors (like a component change, R3).
        Each component is looked for on the page as its turn comes, so one
        that an earlier ``set_props`` of the same response brought is there
        (R30).  A Patch applies to the value current then (R17).  A Store
        that takes new data stamps it (R4).
        """
        by = f"{req.name} (set_props)"
        app = self.graph.app
        landed: list[str] = []
        for cid, props in _by_component(response.side).items():
            if cid not in self.graph.components and app.dynamic and app.suppress_callback_exceptions \
                    and self.graph.named.names(json.loads(cid) if cid.startswith("{") else cid):
                # R30: a component callbacks name, not on the page (yet, or now): the renderer skips it
                for prop in props:
                    self._event("absent", now, request=req, prop=prop)
                continue
            values: dict[str, Any] = {}
            for prop in props:
                self._check_side(req, prop)
                value = response.side[prop]
                values[prop] = self._patched(prop, value, f"callback {req.name}: a Patch given to set_props for "
                                             f"{prop}", " (not modelled: the renderer's handling of it is not "
                                             "followed)") if is_patch(value) else value
            if self._emit is not None:
                self._event("side_update", now, request=req, values=values,
                            patched=tuple(p for p in values if is_patch(response.side.get(p))))
            self._land_component(values, now, by)
            landed += values
        for prop in landed:
            self._store_derived(prop, now)

    def _patched(self, prop: str, patch: Any, who: str, note: str = "") -> Any:
        """R17: a Patch applied to the value current on arrival; for a prop holding components,
        to them as they stand, with what the user typed since (R30)."""
        base = self.layout.get(prop)
        if self.dynamic and prop in self.graph.chunks_at:
            base = chunks.current(base, self.layout, self.graph.props_of)
        try:
            return apply_patch(base, patch)
        except InvalidPatchOperation as exc:
            raise InvalidPatchOperation(f"{who} cannot apply: {exc}{note}") from None

    def _land(self, values: dict[str, Any], now: float, by: str) -> None:
        """Set props as ``sideUpdate`` does (R21, R26): component by component (:meth:`_land_component`)."""
        for props in _by_component(values).values():
            self._land_component({p: values[p] for p in props}, now, by)
        for prop in values:
            self._store_derived(prop, now)

    def _land_component(self, values: dict[str, Any], now: float, by: str) -> None:
        """One component's props, as ``updateComponent`` sets them: set, then request their listeners;
        then (R30) the components its props now hold join the paths, nothing requested for them."""
        for prop, value in values.items():
            self._set(prop, value, now, by=by)
        self._react(values, by)
        for prop in values:
            self._trigger(prop, now, ())
        if self.graph.app.dynamic:
            for prop, value in values.items():
                self._relayout(prop, value, now, (), request=False, by=by)

    # ------------------------------------------------------------------
    # layout changes (executedCallbacks.ts handlePaths, requestedCallbacks.ts pruneCallbacks)
    # ------------------------------------------------------------------
    def _relayout(self, prop: str, value: Any, now: float, chain: tuple[int, ...], request: bool = True,
                  by: str = "") -> None:
        """R30: components with ids callbacks use arrive in ``prop``, or leave it: the page's callbacks change.

        The new components' props join the layout, those of the ones that
        left go, pending requests read their callback's ids as the page now
        has them, and what :func:`simulator.chunks.change` found is requested,
        each list an execution group of its own (R19), after the writer (R3).
        ``request=False`` is ``sideUpdate``'s way (set_props, running=): the
        paths change (``computePaths``, even for a falsy value, which empties
        them), and nothing is requested for them; ``by`` names who set it.
        """
        change = chunks.change(self.graph, prop, value, falsy_keeps=request)
        if change is None:
            return
        self.graph = change.graph
        layout = self.layout
        for key in [k for k in layout if k.rpartition(".")[0] in change.removed]:
            del layout[key]
        for cid in change.removed:
            self._store_memory.pop(f"{cid}.data", None)
        for cid, comp in change.added.items():
            for name, v in comp.initial.items():
                layout[f"{cid}.{name}"] = copy_value(v)
        fill_named(layout, self.graph)
        self.layout_version += 1
        # A request not yet sent reads its callback's ids as the page now has them (getInputs(paths) at
        # dispatch); one in flight keeps the body it was sent with.
        by_uid = self._nodes_now = {n.uid: n for n in self.graph.nodes}
        for req in self.requested + self.prioritized:
            req.node = by_uid.get(req.node.uid, req.node)
        self._relaid = True
        self._event("layout", now, prop=prop, added=list(change.added), removed=sorted(change.removed), by=by)
        if not request:
            return
        for found in (change.arrived, change.final):
            if found:
                self._next_group += 1
                for node, changed, initial in found:
                    self._request(node, now, dict(changed), chain, initial=initial, group=self._next_group,
                                  cause=f"layout change of {prop}")

    def _prune(self, now: float) -> None:
        """R30 (pruneCallbacks): requests whose Outputs all left the page go; an answer in flight is then ignored.

        The renderer looks at Outputs only: a request in flight with an Output
        still on the page stays, and its answer lands there.  One not yet
        sent whose callback is off the page for another reason (an Input
        left) goes too: the renderer would fail to read the Input and run
        nothing either.
        """
        self._relaid = False
        live = {n.uid for n in self.graph.nodes}
        comps = self.graph.components
        for name in ("requested", "prioritized", "in_flight"):
            lst = getattr(self, name)
            for r in list(lst):
                outputs = [o.rpartition(".")[0] for o in r.node.plain_outputs]
                if name == "in_flight":
                    gone = bool(outputs) and not any(cid in comps for cid in outputs)
                else:
                    gone = r.node.uid not in live
                if gone:
                    lst.remove(r)
                    r.status = "removed"
                    self._event("removed", now, request=r)

    def _running(self, req: Request, values: dict[str, Any], now: float, phase: str) -> None:
        """R26: a callback's ``running=`` props, set when its request is sent (on) and when it returns (off)."""
        self._event("running", now, request=req, values=values, phase=phase)
        self._land(values, now, f"{req.name} (running {phase})")

    def _check_side(self, req: Request, prop: str) -> None:
        """A side update to a component or prop the layout does not have is refused (R21).

        The renderer reports "ID running component not found in layout" and
        skips it; an app that does so has a bug the model does not guess around.
        """
        cid, _, name = prop.rpartition(".")
        comp = self.graph.components.get(cid)
        if comp is None:
            raise NonExistentIdException(
                f"callback {req.name}: set_props({cid!r}, ...) names the component id {cid!r}, which is not "
                "in the layout (the renderer reports: ID running component not found in layout)")
        if not comp.has_prop(name):
            raise InvalidPropertyException(
                f"callback {req.name}: set_props({cid!r}, {{{name!r}: ...}}): {type(comp).__name__} has no prop "
                f"{name!r} (it has {', '.join(comp.props or ())})")
        why = comp.unmodelled_write(name)   # R22 / R23: as for an Output
        if why:
            raise NotModelled(f"callback {req.name} writes {prop} with set_props, but {why}")

    def receive(self, req: Request, response: Response, now: float, *, progress: dict[str, Any] | None = None,
                complete: bool = True) -> str:
        """A response arrives; returns what became of it.

        For a background request (R31) this is its last poll's answer:
        ``progress`` lands after the side updates, and the job is complete
        (its progress default lands after the running= off props) unless
        ``complete`` is False (an outdated job resolves with nothing).
        """
        req.response = response
        if response.side and self.side_refused:
            raise ScenarioError(f"callback {req.name}: set_props side updates: {self.side_refused}")
        if response.side:
            # R21: set_props side updates land as the response arrives, before the
            # superseded check: even a superseded request's do.
            self._side_updates(req, response, now)
        if progress:
            self._progress(req, progress, now)
        if req.node.running_off and complete:
            # R26: then its running= props go back, whatever the answer, superseded or not.
            self._running(req, req.node.running_off, now, "off")
        if req.node.callback.background is not None and complete:
            job = self.jobs.pop(req.id, None)   # completeJob
            if job is not None and job[2]:
                self._land(job[2], now, f"{req.name} (progress default)")
        if req.status != "in_flight":
            # R8: it was superseded while in flight: the work is done, the result ignored.
            req.status = IGNORED
            self._event("ignored", now, request=req)
            return IGNORED
        self.in_flight.remove(req)
        node = req.node
        if response.kind == "data":
            try:
                new_values = {}
                for prop, value in response.outputs.items():
                    # R17: a Patch applies to the value current on arrival; R16: a value replaces.
                    if is_patch(value):   # R30: to the tree as it stands
                        new_values[prop] = self._patched(prop, value, f"callback {req.name}: Patch to {prop}")
                    else:
                        new_values[prop] = value
                if self.dynamic:   # R30: a component that left the page takes no value (applyProps)
                    new_values = {p: v for p, v in new_values.items() if p in self.layout}
            except InvalidPatchOperation as exc:
                response = Response("error", message=str(exc))
                req.response = response
        if response.kind == "data":
            req.status = APPLIED
            if self._emit is not None:
                self._event("applied", now, request=req, values=new_values,
                            patched=tuple(p for p, v in response.outputs.items() if is_patch(v)))
            chain = req.predecessors + (node.callback.chain_id,)
            for prop, value in new_values.items():
                self._set(prop, value, now, by=req.name)
            self._react(new_values, req.name)
            for prop in new_values:                  # R2: applied outputs always trigger
                self._trigger(prop, now, chain)
            if self.graph.app.dynamic:   # R30 (or its refusal, where no children Output can change the page)
                for prop, value in new_values.items():
                    self._relayout(prop, value, now, chain)
            for prop in new_values:                  # R4: derived props, as component changes
                self._store_derived(prop, now)
            updated = tuple(new_values)
        else:
            req.status = ERROR if response.kind == "error" else PREVENTED
            self._event(req.status, now, request=req, message=response.message)  # R18: nothing changes
            updated = ()
        if req.group is not None:
            self.stored.append(_Stored(req.group, node.wire_outputs, updated))
        return req.status
