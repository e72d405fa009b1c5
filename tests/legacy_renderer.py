"""The renderer as it was before its passes were made cheaper: the oracle for the speed-ups.

A frozen copy of ``simulator/renderer.py`` at commit 52fbf6d (plus the per-cascade loop
budget made on purpose since), before the
per-pass work was cut (fast paths for R7/R8, request sizes from a skeleton).
``tests/test_renderer_differential.py`` runs thousands of random runs through
both and requires the same events, in the same order, with the same values.
It is not used by the simulator.  When a rule of ``renderer.py`` changes on
purpose, make the same change here (or drop this file and the test with it).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any, Callable

from simulator.app import Response
from simulator.graph import Graph, Node
from simulator.patch import is_patch, apply_patch
from simulator.errors import InvalidPatchOperation

CONCURRENCY_CAP = 12          # R12
REQUEST_BUDGET = 2000          # default runaway-loop guard: requests per run
EPOCH_MS = 1_700_000_000_000   # what Date.now() reads at simulated time 0

# A request's status once it has left the pipeline.
APPLIED, PREVENTED, ERROR, IGNORED = "applied", "prevented", "error", "ignored"


def same(a: Any, b: Any) -> bool:
    """Deep equality as the renderer's ``equals`` sees JSON values.

    Python's ``==`` says ``True == 1``; JavaScript's deep equality does not.
    (``1 == 1.0`` is right in both: JSON has one kind of number.)
    """
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(v, b[k]) for k, v in a.items())
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


from simulator.renderer import RunawayLoop  # noqa: E402  (the engines catch this one)


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


class Renderer:
    """The requested / prioritized / in-flight lists and the rules that move requests."""

    #: User changes dropped on a disabled control (R26), which this copy predates: the engines read it.
    ignored_user: tuple = ()

    def __init__(self, graph: Graph, *, request_budget: int = REQUEST_BUDGET,
                 on_event: Callable[..., None] | None = None):
        self.graph = graph
        self.layout: dict[str, Any] = {}
        for cid, comp in graph.components.items():
            for prop, value in comp.initial.items():
                self.layout[f"{cid}.{prop}"] = copy.deepcopy(value)
        for node in graph.nodes:  # props a callback names but the layout leaves unset
            for key in node.input_keys + node.state_keys + node.plain_outputs:
                self.layout.setdefault(key, None)
        for key in (*graph.derived, *graph.derived.values(), *graph.mounts):  # set by components themselves (R4, R22)
            self.layout.setdefault(key, None)
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
        self._event("requested", now, request=req, cause=cause)
        return req

    def _trigger(self, prop: str, now: float, predecessors: tuple[int, ...]) -> None:
        """R1: request every callback with ``prop`` as an Input."""
        for cb in self.graph.listeners(prop):
            self._request(self.graph.node(cb), now, {prop: True}, predecessors, cause=prop)

    def _set(self, prop: str, value: Any, now: float, *, by: str) -> None:
        self.layout[prop] = value
        self.layout_version += 1
        self._event("prop", now, prop=prop, value=value, by=by)

    def _store_derived(self, prop: str, now: float) -> None:
        """R4: a Store that holds new data sets its own modified_timestamp."""
        derived = self.graph.derived.get(prop)
        if derived is None:
            return
        data = self.layout[prop]
        if prop in self._store_memory and same(self._store_memory[prop], data):
            return
        self._store_memory[prop] = copy.deepcopy(data)
        # Date.now(): integer milliseconds; a second write in the same millisecond
        # gives the same timestamp, and an equal value is not a change (R4).
        self.change({derived: EPOCH_MS + int(now)}, now, by="store")

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
        if self.graph.mounts:  # R22
            self.change(self.graph.mounts, now, by="mount")

    def change(self, props: dict[str, Any], now: float, *, by: str = "user") -> None:
        """A component changes its own props (R1a); equal values trigger nothing (R4)."""
        if by == "user":
            self.cascade_requests = 0  # a new cascade: the loop guard counts afresh
        for prop, value in props.items():
            if prop not in self.layout:
                raise KeyError(f"unknown prop {prop!r}")
            if same(self.layout[prop], value):
                self._event("unchanged", now, prop=prop, value=value, by=by)
                continue
            self._set(prop, copy.deepcopy(value), now, by=by)
            self._trigger(prop, now, ())
            self._store_derived(prop, now)

    # ------------------------------------------------------------------
    # the requested-list pass (observers/requestedCallbacks.ts)
    # ------------------------------------------------------------------
    def _requested_pass(self, now: float) -> bool:
        """One run of the requested observer; returns whether anything moved."""
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

        # R7: one request per unique identifier; the newest wins, triggers united;
        # an initial-call request gives way to a non-initial one.
        groups: dict[str, list[Request]] = {}
        for req in requested:
            groups.setdefault(req.node.uid, []).append(req)
        requested, rebuilt = [], set()
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

        # R8: a requested callback supersedes the same callback waiting or in flight.
        newest_uid = {r.node.uid: r for r in requested}
        for lst in (self.prioritized, self.in_flight):
            # group (list + requested) by uid; all but the last of each group go
            by_uid: dict[str, list[Request]] = {}
            for r in lst + requested:
                by_uid.setdefault(r.node.uid, []).append(r)
            doomed = {id(r) for g in by_uid.values() for r in g[:-1]}
            for r in [r for r in lst if id(r) in doomed]:
                lst.remove(r)
                newer = newest_uid.get(r.node.uid)
                r.status = "superseded"
                r.superseded_by = newer.id if newer else None
                self._event("superseded", now, request=r, by=newer)

        # R9: ready when no Input (other than its own outputs) may still be
        # changed by a pending request or anything downstream of one.
        outstanding: set[str] = set()
        for r in pending:
            outstanding |= r.node.downstream
        ready = [r for r in requested if not (r.node.blocking_inputs & outstanding)]

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

        # R19: in an execution group, drop a ready request none of whose Inputs
        # the group updated, when all of them were only potentially updated.
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
            for r in dropped:
                r.status = "dropped"
                ready.remove(r)
                requested.remove(r)
                self._event("dropped", now, request=r)

        ready_ids = {id(r) for r in ready}
        waiting = [r for r in requested if id(r) not in ready_ids]
        waiting_ids = {id(r) for r in waiting}
        kept_in_place = [r for r in before if id(r) in waiting_ids and r.id not in rebuilt]
        kept_ids = {id(r) for r in kept_in_place}
        self.requested = kept_in_place + [r for r in waiting if id(r) not in kept_ids]
        for r in ready:
            r.status = "prioritized"
            self.prioritized.append(r)
            self._event("prioritized", now, request=r)
        return [id(r) for r in before] != [id(r) for r in self.requested] or bool(ready)

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
        order = sorted(self.prioritized, key=lambda r: r.node.priority, reverse=True)  # R13, stable
        picked = order[:available]
        picked_ids = {id(r) for r in picked}
        self.prioritized = [r for r in self.prioritized if id(r) not in picked_ids]
        layout = self.layout  # R14: values as the layout stands in this pass
        for req in picked:
            node = req.node
            req.args = [layout[k] for k in node.input_keys + node.state_keys]
            req.dispatched_at = now
            req.status = "in_flight"
            req.request_bytes = len(json.dumps({
                "output": "..".join(node.wire_outputs),
                "outputs": [{"id": k.rpartition(".")[0], "property": k.rpartition(".")[2]}
                            for k in node.wire_outputs],
                "inputs": [{"id": k.rpartition(".")[0], "property": k.rpartition(".")[2], "value": v}
                           for k, v in zip(node.input_keys, req.args)],
                "changedPropIds": list(req.changed),
                "state": [{"id": k.rpartition(".")[0], "property": k.rpartition(".")[2], "value": v}
                          for k, v in zip(node.state_keys, req.args[len(node.input_keys):])],
            }, separators=(",", ":")).encode())
            self.in_flight.append(req)
            self._event("dispatched", now, request=req)
        return picked

    def schedule(self, now: float) -> list[Request]:
        """One pass of the observers: settle the requested list, then dispatch."""
        for _ in range(10_000):
            if not self.requested or not self._requested_pass(now):
                break
        self._forget_finished_groups()
        return self._dispatch(now)

    # ------------------------------------------------------------------
    # responses (executingCallbacks.ts, executedCallbacks.ts, patch.ts)
    # ------------------------------------------------------------------
    def receive(self, req: Request, response: Response, now: float) -> str:
        """A response arrives; returns what became of it."""
        req.response = response
        for prop in response.side:   # R21: side updates land on arrival, superseded or not
            cid, _, name = prop.rpartition(".")
            if cid not in self.graph.components or not self.graph.components[cid].has_prop(name):
                raise KeyError(f"set_props to unknown {prop}")
        side = {p: (apply_patch(self.layout.get(p), v) if is_patch(v) else v) for p, v in response.side.items()}
        owners: dict[str, list[str]] = {}
        for prop in side:
            owners.setdefault(prop.rpartition(".")[0], []).append(prop)
        for props in owners.values():
            for prop in props:
                self._set(prop, side[prop], now, by=req.name + " (set_props)")
            for prop in props:
                self._trigger(prop, now, ())
        for prop in side:
            self._store_derived(prop, now)
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
                    if is_patch(value):
                        try:
                            new_values[prop] = apply_patch(self.layout[prop], value)
                        except InvalidPatchOperation as exc:
                            raise InvalidPatchOperation(
                                f"callback {req.name}: Patch to {prop} cannot apply: {exc}") from None
                    else:
                        new_values[prop] = value
            except InvalidPatchOperation as exc:
                response = Response("error", message=str(exc))
                req.response = response
        if response.kind == "data":
            req.status = APPLIED
            self._event("applied", now, request=req, values=new_values)
            chain = req.predecessors + (node.callback.chain_id,)
            for prop, value in new_values.items():
                self._set(prop, value, now, by=req.name)
            for prop in new_values:                  # R2: applied outputs always trigger
                self._trigger(prop, now, chain)
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
