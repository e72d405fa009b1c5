"""Layout changes: a callback writes components whose ids callbacks use (R30).

When a response puts components into a ``children`` prop, the renderer
(``observers/executedCallbacks.ts``) recomputes the page's paths and asks
``getLayoutCallbacks`` what the change sets off:

* on the new chunk: every callback with an Output on a new component gets its
  initial call (unless ``prevent_initial_call``), and every callback with an
  Input on one is requested as if that Input had changed, unless all its
  Outputs lie inside the chunk too;
* on the chunk that left: a callback whose ``ALL``/``ALLSMALLER`` Input held a
  component that left is requested (a "final call", with no trigger), if it
  still has an Output on the page.

Each of the two lists is its own execution group (R19).  Requests none of
whose Outputs is left on the page are pruned at the next pass
(``pruneCallbacks`` in ``observers/requestedCallbacks.ts``): their answers,
if in flight, are ignored.

This module works out a change; the renderer (:meth:`Renderer._relayout
<simulator.renderer.Renderer._relayout>`) carries it out.  How the new
components' JSON becomes components is the app's business
(``Dash.chunks``): ``check`` reads a real app's with the same code that read
its layout (:class:`simulator.dashapp.convert.Chunks`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .errors import NotModelled
from .graph import Graph, Node
from .trees import holds_components, is_component
from .wildcards import id_key

INDIRECT = True   # changedPropIds of a trigger getLayoutCallbacks finds (INDIRECT, 1, in dependencies_ts.ts)


@dataclass
class Change:
    """What writing components into one prop does to the page."""

    graph: Graph                                   # the callbacks and components after it
    removed: frozenset[str]                        # component keys that left
    added: dict[str, Any]                          # component key -> component that arrived, in layout order
    arrived: list[tuple[Node, dict[str, int], bool]]   # the new chunk's callbacks: (node, triggers, initial)
    final: list[tuple[Node, dict[str, int], bool]]     # ALL/ALLSMALLER callbacks that lost a component


def change(graph: Graph, prop: str, value: Any, falsy_keeps: bool = True) -> Change | None:
    """The layout change writing ``value`` to ``prop`` makes, or None when it is a value like any other (R27).

    ``falsy_keeps``: a falsy ``children`` leaves the paths as they were, as an
    Output's does (``handlePaths`` is skipped); ``sideUpdate`` recomputes them
    whatever the value, so a set_props of ``None`` takes the components away.
    """
    leaving = graph.chunks_at.get(prop, ())
    holds = holds_components(value)
    if not leaving and not holds:
        return None
    arriving = graph.named.used(value) if holds else []
    if not arriving and not any(graph.named.names(graph.components[k].id) for k in leaving):
        return None
    holder, _, name = prop.rpartition(".")
    if falsy_keeps and name == "children" and (value is None or value is False or value == "" or
                                               (type(value) in (int, float) and (value == 0 or value != value))):
        return None   # JavaScript-falsy: handlePaths is skipped, the paths keep the components (executedCallbacks.ts)
    if name != "children":
        raise NotModelled(f"components whose ids callbacks use are written to {prop}: the renderer looks for new "
                          "components' callbacks in children and in the props a component declares to hold "
                          "components; a layout change outside children is not modelled (R30)")
    added = graph.app.chunks(graph.components[holder], name, value)
    gone = frozenset(leaving)
    clash = [k for k in added if k in graph.components and k not in gone]
    if clash:
        raise NotModelled(f"a callback writes {prop} with a component whose id {clash[0]} is already on the page "
                          "elsewhere: two components would share an id")
    comps = _placed(graph, holder, gone, added)
    new = Graph(graph.app, comps, page_of=graph)
    found = _arrived(new, added)
    kept = {id(n) for n in new.excluding([n for n, _, _ in found], set(added))}
    return Change(new, gone, added, [t for t in found if id(t[0]) in kept], _final(graph, new, gone))


def _placed(graph: Graph, holder: str, gone: frozenset[str], added: dict[str, Any]) -> dict[str, Any]:
    """The page's components after the change, in layout order (the order ALL lists them in, R25).

    The new chunk goes where the old one was, or else next to its holder:
    just before it where the app lists a component after what it holds
    (``chunks.inner_first``, as ``check`` reads a layout), just after it
    otherwise.
    """
    inner_first = getattr(graph.app.chunks, "inner_first", False)
    out: dict[str, Any] = {}
    placed = False
    for key, comp in graph.components.items():
        if not placed and (key in gone or key == holder and inner_first):
            out.update(added)
            placed = True
        if key not in gone:
            out[key] = comp
        if not placed and key == holder and not gone:
            out.update(added)
            placed = True
    if not placed:
        out.update(added)
    return _in_path_order(graph.components, out, gone, added)


def _in_path_order(old: dict[str, Any], new: dict[str, Any], gone: frozenset[str],
                   added: dict[str, Any]) -> dict[str, Any]:
    """``new`` with its dict ids in the order the renderer's paths list them (``computePaths``).

    ALL resolves over ``paths.objs``, one list per set of id keys: the ids
    outside the chunk keep their order, and each new one goes to the end,
    unless one with the same values sat at the same path before (a
    component drawn again where it was), which takes back its old place.
    So ALL lists components in the order they arrived, not in layout order.
    """
    def item(comp: Any) -> tuple:
        keys = sorted(comp.id)
        return ",".join(keys), json.dumps([comp.id[k] for k in keys]), json.dumps(comp.path)
    before: dict[str, list[tuple]] = {}
    lists: dict[str, list[str]] = {}
    for key, comp in old.items():
        if isinstance(comp.id, dict):
            ks, values, path = item(comp)
            before.setdefault(ks, []).append((values, path))
            if key not in gone:
                lists.setdefault(ks, []).append(key)
    for key, comp in added.items():
        if isinstance(comp.id, dict):
            ks, values, path = item(comp)
            olds = before.get(ks, [])
            at = olds.index((values, path)) if (values, path) in olds else -1
            lst = lists.setdefault(ks, [])
            lst.append(key) if at < 0 else lst.insert(at, key)
    out = {k: c for k, c in new.items() if not isinstance(c.id, dict)}
    for keys in lists.values():
        out.update((k, new[k]) for k in keys)
    return out


def _arrived(new: Graph, added: dict[str, Any]) -> list[tuple[Node, dict[str, int], bool]]:
    """``getLayoutCallbacks`` on the new chunk: initial calls by Output, requests by Input."""
    found: dict[str, tuple[Node, dict[str, int], bool]] = {}

    def add(node: Node, changed: dict[str, int], initial: bool) -> None:
        if node.uid in found:
            old_node, old_changed, old_initial = found[node.uid]
            merged = dict(old_changed)
            for k, v in changed.items():
                merged[k] = max(merged.get(k, 0), v)
            found[node.uid] = (old_node, merged, old_initial or initial)
        else:
            found[node.uid] = (node, dict(changed), initial)

    inside = set(added)
    for key in added:
        prefix = key + "."
        for node in new.nodes:   # by Output: the callback's initial call, even mid-session
            if any(o.startswith(prefix) for o in node.plain_outputs) and not node.callback.prevent_initial_call:
                add(node, {}, True)
        props = []
        for node in new.nodes:
            for k in node.input_keys:
                if k.startswith(prefix) and k not in props:
                    props.append(k)
        for k in props:          # by Input: unless every Output is inside the chunk as well
            for cb in new.listeners(k):
                node = new.node(cb)
                if not all(o.rpartition(".")[0] in inside for o in node.plain_outputs):
                    add(node, {k: INDIRECT}, False)
    return list(found.values())


def _final(old: Graph, new: Graph, gone: frozenset[str]) -> list[tuple[Node, dict[str, int], bool]]:
    """``getLayoutCallbacks`` with ``removedArrayInputsOnly`` on the chunk that left."""
    by_uid = {n.uid: n for n in new.nodes}
    found: dict[str, tuple[Node, dict[str, int], bool]] = {}
    for key in (k for k in old.components if k in gone and isinstance(old.components[k].id, dict)):
        for node in old.nodes:
            if node.uid in found or not _in_array_input(node, key):
                continue
            if all(o.rpartition(".")[0] in gone for o in node.plain_outputs):
                continue   # its Outputs left with the chunk
            now = by_uid.get(node.uid)
            if now is not None and now.plain_outputs:
                found[node.uid] = (now, {}, True)
    return list(found.values())


def _in_array_input(node: Node, key: str) -> bool:
    """Does an ALL/ALLSMALLER Input of ``node`` list the component ``key``?"""
    cb = node.callback
    declared = getattr(cb, "definition", None)
    if declared is None:   # not a pattern-matching instance: no array Inputs
        return False
    groups = cb._groups(list(cb.inputs), len(declared.outputs), len(declared.inputs))   # an ALL Input: a list
    return any(isinstance(g, list) and any(d.id_key == key for d in g) for g in groups)


def current(value: Any, layout: dict[str, Any], props_of: dict[str, tuple[str, ...]]) -> Any:
    """A prop holding components, as the renderer reads it: each component with its props as they stand now.

    The renderer keeps one layout tree, so a callback reading ``children``
    gets the components inside with what the user and callbacks set since,
    not the JSON first written (R30).
    """
    if isinstance(value, list):
        return [current(v, layout, props_of) for v in value]
    if not isinstance(value, dict):
        return value
    if not is_component(value):
        return {k: current(v, layout, props_of) for k, v in value.items()}
    props = value.get("props")
    if not isinstance(props, dict):
        return value
    props = {k: current(v, layout, props_of) for k, v in props.items()}
    cid = props.get("id")
    if cid is not None:
        key = id_key(cid)
        for name in props_of.get(key, ()):
            held = layout.get(f"{key}.{name}")
            if name in props or held is not None:
                props[name] = current(held, layout, props_of)   # a nested chunk, as it stands too
    return {**value, "props": props}
