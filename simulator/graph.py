"""The dependency graph, and everything the renderer precomputes from it.

Props and callbacks are nodes of a :class:`networkx.DiGraph`: an edge
``prop -> callback`` for every Input (and, marked ``state``, every State) and
``callback -> prop`` for every Output.  The renderer answers the same few
questions on every event — who listens to this prop (R1), what could a
pending callback still change (R9), which requests are "the same" (R7/R8) —
so the answers are computed here once per app, not per event.

A subtlety from the renderer (R11): outputs are compared as the renderer
receives them, so an ``allow_duplicate`` output is ``user_data.data@<hash>``,
a string no Input ever names.  The walk of what a callback may change
downstream therefore stops at such outputs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import networkx as nx

from . import behaviour, jsonvalue, matching, page, trees
from .app import Callback, Dash
from .components import Store
from .errors import InvalidPropertyException, NonExistentIdException, NotModelled


@dataclass(frozen=True)
class Node:
    """Precomputed facts about one callback."""

    callback: Callback
    wire_outputs: tuple[str, ...]   # R11: allow_duplicate outputs carry @hash
    plain_outputs: tuple[str, ...]
    input_keys: tuple[str, ...]
    state_keys: tuple[str, ...]
    blocking_inputs: frozenset[str]  # Inputs that are not also its own outputs (R9)
    downstream: frozenset[str]       # every output it may change, transitively (R9)
    uid: str                         # getUniqueIdentifier: Inputs + Outputs + States (R7, R8)
    priority: str                    # what the renderer sorts by (R13)
    intended_priority: str           # what getPriority was written to compute
    request_skeleton: int = 0        # bytes of its request body before the values (see request_skeleton)
    # R26: props set when a request is sent (none for a clientside one), and when its response arrives
    running_on: dict = field(default=None, hash=False, compare=False)
    running_off: dict = field(default=None, hash=False, compare=False)
    keeps_group: bool = False        # R19 never drops it: every declared Input is ALL/ALLSMALLER, or it has none


def uid(cb: Callback) -> str:
    """``getUniqueIdentifier``: what R7 merges and R8 supersedes by.

    The declared Inputs, Outputs (as received, R11) and States; a no-output
    callback adds its output hash (R24); a pattern-matching instance is
    named by its declared ids, wildcards and all, plus its MATCH values (R25).
    """
    instance = isinstance(cb, matching.Instance)
    declared = cb.definition if instance else cb
    parts = [d.key for d in declared.inputs] + list(declared.wire_outputs) + [d.key for d in declared.states]
    if cb.no_output:
        parts.append(cb.output_id)
    if instance and cb.any_vals:
        parts.append(cb.any_vals)
    return ",".join(parts)


def request_skeleton(wire: tuple[str, ...], inputs: tuple[str, ...], states: tuple[str, ...],
                     no_output_id: str | None = None) -> int:
    """Bytes of a callback's request body with every value ``null`` and no changedPropIds.

    The body (``output``, ``outputs``, ``inputs`` and ``state`` with their
    values, ``changedPropIds``) is the same for every request of a callback
    but for the values and the trigger list, so a request's size is this
    plus their JSON lengths (:func:`simulator.renderer.request_bytes`),
    without encoding the whole body each time.
    """
    def ref(key: str, **value) -> dict:
        cid, _, prop = key.rpartition(".")
        return {"id": cid, "property": prop, **value}
    body = {"output": "..".join(wire), "outputs": [ref(k) for k in wire],
            "inputs": [ref(k, value=None) for k in inputs], "changedPropIds": [],
            "state": [ref(k, value=None) for k in states]}
    if no_output_id is not None:   # R24: outputs[0] is undefined, so JSON.stringify leaves "outputs" out
        body["output"] = no_output_id
        del body["outputs"]
    return len(json.dumps(body, separators=(",", ":"))) - len("null") * (len(inputs) + len(states)) - len("[]")


def _skeleton(body: dict, values: int) -> int:
    """Bytes of a body whose ``values`` values are null and whose changedPropIds is empty, without them."""
    return len(json.dumps(body, separators=(",", ":"))) - len("null") * values - len("[]")


class Graph:
    """An app built for simulation: validated, graphed, precomputed."""

    def __init__(self, app: Dash, components: dict | None = None, page_of: "Graph | None" = None):
        """The app as its layout stands, or, after a layout change (R30), with ``components`` on the page.

        ``page_of``: the graph the page loaded with, whose address (R22) a
        rebuilt graph keeps; what components do on mount is a page-load affair.
        """
        self.app = app
        # R25: a pattern-matching callback is here as its instances, one per MATCH value set.
        self.components, self.callbacks = app.validate(components)
        # R30: the ids the app's callbacks name (patterns included), to tell a layout change from a value.
        self.named = trees.Named([d.component_id for cb in app.callbacks for d in (*cb.outputs, *cb.inputs, *cb.states)]
                                 + [key.rpartition(".")[0] for cb in app.callbacks for key, _, _ in cb.running])
        self.nx = nx.DiGraph()
        for comp_id, comp in self.components.items():
            for prop, value in comp.initial.items():
                jsonvalue.check(value, f"layout: {type(comp).__name__}(id={comp_id!r}) {prop}")  # it is sent as JSON
                self.nx.add_node(f"{comp_id}.{prop}", kind="prop")
        for cb in self.callbacks:
            node = ("callback", cb.index)
            self.nx.add_node(node, kind="callback", name=cb.name, clientside=cb.clientside)
            for dep in cb.inputs:
                self.nx.add_edge(dep.key, node, kind="input")
            for dep in cb.states:
                self.nx.add_edge(dep.key, node, kind="state")
            for dep, wire in zip(cb.outputs, cb.wire_outputs):
                self.nx.add_edge(node, dep.key, kind="output", wire=wire,
                                 allow_duplicate=dep.allow_duplicate)

        # R1: callbacks by Input, in the order they were declared.
        self.by_input: dict[str, list[Callback]] = {}
        for cb in self.callbacks:
            for dep in cb.inputs:
                self.by_input.setdefault(dep.key, []).append(cb)

        # R4: props a component derives itself: a Store's modified_timestamp.
        self.derived: dict[str, str] = {
            f"{cid}.data": f"{cid}.modified_timestamp"
            for cid, comp in self.components.items() if isinstance(comp, Store)}

        # R22: where the page ends after mount-time reloads, and what components set on mount.
        if page_of is None:
            self.page = behaviour.settle_page(list(self.components.values()), page.parse(app.url))
            self.mounts: dict[str, object] = {
                f"{cid}.{prop}": value
                for cid, comp in self.components.items() for prop, value in comp.mount(self.page).items()}
        else:
            self.page, self.mounts = page_of.page, {}
        # R23: a callback may not read a prop its component changes in a way the model does not run.
        read: dict[str, set[str]] = {}
        for cb in self.callbacks:
            for dep in (*cb.inputs, *cb.states):
                read.setdefault(dep.id_key, set()).add(dep.component_property)
                why = self.components[dep.id_key].unmodelled(dep.component_property)
                if why:
                    raise NotModelled(f"callback {cb.name} reads {dep.key}, but {why}")
            for dep in () if cb.cancels else cb.outputs:   # Dash's cancel callback never writes its Output (R31)
                why = self.components[dep.id_key].unmodelled_write(dep.component_property)
                if why:
                    raise NotModelled(f"callback {cb.name} writes {dep.key}, but {why}")
        self.reactions = {
            f"{cid}.{prop}": self.components[cid]
            for cid, props in read.items() for prop in self.components[cid].reactions(frozenset(props))}

        for cb in self.callbacks:   # R26 (R31: progress too): running= props are written as side updates are
            for key, _, _ in cb.running:
                self._check_running(cb, key)
            for key in cb.background.progress if cb.background is not None else ():
                self._check_running(cb, key, "progress=")
        # R26: components a truthy ``disabled`` makes ignore the user, and the props that disable each:
        # its own, and those of the html.Fieldsets around it.
        self.disablers = {cid: (f"{cid}.disabled", *(f"{fs}.disabled" for fs in comp.fieldsets))
                          for cid, comp in self.components.items() if comp.disabled_stops_user}

        self.nodes: list[Node] = [self._node(cb) for cb in self.callbacks]
        #: R31: does any callback run in the background (a job, polled)?
        self.background = any(cb.background is not None for cb in self.callbacks)
        #: R25/R30 (pruneCallbacks): callbacks whose Outputs resolve to another count than they declare (an
        #: ALL Output matching no id, or several), by identifier, with how many resolve; the requested
        #: observer takes their requests out of the lists at every pass.
        self.reresolved: dict[str, int] = {
            n.uid: len(n.plain_outputs) for n in self.nodes
            if len(n.plain_outputs) != len((getattr(n.callback, "definition", None) or n.callback).outputs)}

        # R30: for each prop holding components, the keys of those inside it (at any depth), which
        # leave the page when it is written; the props each component has in the layout; and the
        # props callbacks read that hold components callbacks name, read as the page stands.
        self.chunks_at: dict[str, list[str]] = {}
        for key, comp in self.components.items():
            for holder in comp.within:
                self.chunks_at.setdefault(holder, []).append(key)
        #: Can an answer change which callbacks run (R30)?  Only by writing children (as an Output, or by
        #: set_props, which any callback may call), in an app that reads new components (``app.chunks``),
        #: and only if components with ids callbacks name can come or go: a pattern may match new ids, a
        #: callback names an id not on the page, or such a component sits inside a prop that holds
        #: components.  Otherwise an answer's components are values (R27), and an app keeps the explorer's
        #: full reduction.
        self.relayouts = app.dynamic and (
            any(cb.pattern for cb in app.callbacks)
            or any(not d.pattern and d.id_key not in self.components
                   for cb in app.callbacks for d in (*cb.outputs, *cb.inputs, *cb.states))
            or any(comp.within and self.named.names(comp.id) for comp in self.components.values()))
        self.props_of: dict[str, tuple[str, ...]] = {}
        self.tree_props: frozenset[str] = frozenset()
        if app.dynamic:
            props = {key: dict.fromkeys(comp.initial) for key, comp in self.components.items()}
            for n in self.nodes:
                for k in n.input_keys + n.state_keys + n.plain_outputs:
                    cid, _, prop = k.rpartition(".")
                    props[cid][prop] = None
            self.props_of = {key: tuple(names) for key, names in props.items()}
            read = {k for n in self.nodes for k in n.input_keys + n.state_keys}
            self.tree_props = frozenset(h for h, keys in self.chunks_at.items()
                                        if h in read and any(self.named.names(self.components[k].id) for k in keys))
        # R5: requested on page load.
        self.initial = self.excluding([cb for cb in self.callbacks if matching.initial(cb)])

    def excluding(self, found: list, where: set[str] | None = None) -> list:
        """``getLayoutCallbacks``' exclusion loop (R5, R30): what of ``found`` the renderer requests.

        A callback found by its Outputs (in ``where``, the chunk's components;
        None: the page) whose Inputs are all missing is excluded, and so, in
        turn, is every found callback whose Inputs (unless all ALL) are only
        the Outputs of excluded ones.  ``found``: callbacks or nodes.
        """
        comps = self.components
        exclusions: set[str] = set()
        for cb in self.app.callbacks:
            if cb.pattern or cb.prevent_initial_call or not cb.outputs or not cb.inputs:
                continue
            if all(o.id_key in comps and (where is None or o.id_key in where) for o in cb.outputs) \
                    and not any(i.id_key in comps for i in cb.inputs):
                exclusions.update(o.key for o in cb.outputs)
        if not exclusions:
            return found
        kept = list(found)
        while True:
            def cb_of(x):
                return getattr(x, "callback", x)
            out = [x for x in kept if cb_of(x).inputs
                   and not all(d.multi for d in (getattr(cb_of(x), "definition", None) or cb_of(x)).inputs)
                   and {i.key for i in cb_of(x).inputs} <= exclusions]
            if not out:
                return kept
            kept = [x for x in kept if x not in out]
            for x in out:
                exclusions.update(o.key for o in cb_of(x).outputs)

    # --- precomputation -------------------------------------------------
    def _check_running(self, cb: Callback, key: str, what: str = "running=") -> None:
        """A running= (or progress=) prop must be a prop of a component in the layout (the renderer reports
        it otherwise), that the model can follow a write of."""
        cid, _, prop = key.rpartition(".")
        comp = self.components.get(cid)
        if comp is None:
            raise NonExistentIdException(
                f"callback {cb.name}: {what} names the component id {cid!r}, which is not in the layout "
                "(the renderer reports: ID running component not found in layout)")
        if not comp.has_prop(prop):
            raise InvalidPropertyException(f"callback {cb.name}: {what} sets {key}, but {type(comp).__name__} "
                                           f"has no prop {prop!r}")
        why = comp.unmodelled_write(prop)
        if why:
            raise NotModelled(f"callback {cb.name} writes {key} with {what}, but {why}")

    def _listeners(self, wire: str) -> list[Callback]:
        # A wire output with an @hash suffix matches no Input (R11).
        return self.by_input.get(wire, [])

    def _downstream(self, cb: Callback) -> frozenset[str]:
        """getAllSubsequentOutputsForCallback: outputs reachable over Inputs."""
        touched: set[str] = set()
        frontier = [cb]
        while frontier:
            outputs = [w for c in frontier for w in c.wire_outputs if w not in touched]
            touched.update(outputs)
            frontier = [listener for w in outputs for listener in self._listeners(w)]
        return frozenset(touched)

    def _priority(self, cb: Callback, keep_seen: bool) -> str:
        """getPriority: depth and breadth of the chain below ``cb``, base 36.

        The renderer's filter keeps callbacks it has *already* seen
        (``return touched``), so the walk stops before it starts and every
        callback gets priority ``"0"``: prioritized requests keep the order
        in which they became ready.  ``keep_seen=False`` computes what the
        function's comment describes, for reference.
        """
        seen: set[int] = set()
        touched: set[str] = set()
        frontier, counts = [cb], []
        while frontier:
            kept = []
            for c in frontier:
                was_seen = c.index in seen
                seen.add(c.index)
                if was_seen == keep_seen:
                    kept.append(c)
            outputs = [w for c in kept for w in c.wire_outputs if w not in touched]
            touched.update(outputs)
            frontier = [listener for w in outputs for listener in self._listeners(w)]
            if frontier:
                counts.append(len(frontier))
        counts.insert(0, len(counts))
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"
        return "".join(digits[min(n, 35)] for n in counts)

    def _node(self, cb: Callback) -> Node:
        """Everything the renderer asks about ``cb`` at run time, worked out once."""
        wire = cb.wire_outputs
        inputs = tuple(d.key for d in cb.inputs)
        states = tuple(d.key for d in cb.states)
        return Node(
            callback=cb,
            wire_outputs=wire,
            plain_outputs=tuple(o.key for o in cb.outputs),
            input_keys=inputs,
            state_keys=states,
            blocking_inputs=frozenset(i for i in inputs if i not in wire),
            downstream=self._downstream(cb),
            uid=uid(cb),
            priority=self._priority(cb, keep_seen=True),
            intended_priority=self._priority(cb, keep_seen=False),
            keeps_group=all(d.multi for d in (getattr(cb, "definition", None) or cb).inputs),
            running_on={k: on for k, on, _ in cb.running} if not cb.clientside else {},
            running_off={k: off for k, _, off in cb.running} if not cb.clientside else {},
            request_skeleton=(request_skeleton(wire, inputs, states, cb.output_id if cb.no_output else None)
                              if not isinstance(cb, matching.Instance) else
                              _skeleton(cb.request_body(), len(inputs) + len(states))),
        )

    # --- questions asked at run time ----------------------------------------
    def node(self, cb: Callback) -> Node:
        return self.nodes[cb.index]

    def listeners(self, prop: str) -> list[Callback]:
        """R1: callbacks with ``prop`` as an Input."""
        return self.by_input.get(prop, [])

    def cycles(self) -> list[list[str]]:
        """Callback loops (A -> prop -> B -> prop -> A), for the graph report.

        In a fixed order whatever PYTHONHASHSEED is (networkx walks sets):
        each loop starts at its earliest-declared callback, loops sorted by
        their callbacks' declaration order.
        """
        triggers = nx.subgraph_view(self.nx, filter_edge=lambda u, v: self.nx[u][v]["kind"] != "state")
        found = set()
        for cycle in nx.simple_cycles(triggers):
            callbacks = [n for n in cycle if isinstance(n, tuple)]
            if callbacks:
                start = callbacks.index(min(callbacks))
                found.add(tuple(callbacks[start:] + callbacks[:start]))
        return [[self.nx.nodes[n]["name"] for n in cycle] for cycle in sorted(found)]
