"""Components as prop values: when a callback's answer (or a layout prop) holds components (R27).

A callback that returns ``html.P("saved")`` into ``out.children`` changes the
layout.  The renderer then crawls the new components for callbacks that name
them (``getLayoutCallbacks`` on the new chunk: their initial calls, and calls
of callbacks whose ALL/ALLSMALLER Inputs gained or lost an id) and drops the
pending callbacks of components that left.  When no callback names an id
inside the new components, nor inside the ones they replace, none of that
finds anything: the components are a value like any other, compared and
read back as their JSON.  When an Output's answer carries ids callbacks name,
the layout changes (R30, :mod:`simulator.chunks`); a ``set_props`` or a
running= prop doing so is refused by name (:func:`refusal`).
"""

from __future__ import annotations

from typing import Any, Iterable

from . import wildcards


def is_component(value: Any) -> bool:
    return isinstance(value, dict) and "props" in value and "type" in value


def holds_components(value: Any) -> bool:
    """Does a JSON value hold a component anywhere?"""
    if is_component(value):
        return True
    if isinstance(value, dict):
        return any(holds_components(v) for v in value.values())
    if isinstance(value, list):
        return any(holds_components(v) for v in value)
    return False


def ids_in(value: Any) -> list[Any]:
    """The ids of the components a JSON value holds, in layout order."""
    found: list[Any] = []

    def walk(v: Any) -> None:
        if isinstance(v, list):
            for item in v:
                walk(item)
        elif isinstance(v, dict):
            props = v.get("props") if is_component(v) else None
            if isinstance(props, dict) and props.get("id") is not None:
                found.append(props["id"])
            for item in (props if isinstance(props, dict) else v).values():
                walk(item)
    walk(value)
    return found


class Named:
    """The component ids the app's callbacks name: string ids, dict ids and patterns (R25)."""

    def __init__(self, deps: Iterable[Any] = ()):
        self.keys: set[str] = set()
        self.patterns: list[dict] = []
        for cid in deps:
            if wildcards.is_pattern(cid):
                self.patterns.append(cid)
            else:
                self.keys.add(wildcards.id_key(cid))

    def names(self, cid: Any) -> bool:
        if wildcards.id_key(cid) in self.keys:
            return True
        return isinstance(cid, dict) and any(wildcards.matches(p, cid, {}) for p in self.patterns)

    def used(self, value: Any) -> list[str]:
        """The ids inside ``value`` that a callback names, as the renderer writes them."""
        return [wildcards.id_key(cid) for cid in ids_in(value) if self.names(cid)]


def refusal(named: Named, prop: str, new: Any, old_ids: Iterable[Any] = ()) -> str | None:
    """Why writing ``new`` to ``prop`` (over components with ``old_ids``) is a layout change the model does not run."""
    arriving = named.used(new) if holds_components(new) else []
    leaving = [wildcards.id_key(cid) for cid in old_ids if named.names(cid)]
    if arriving:
        return (f"it puts components into {prop} whose ids callbacks use ({', '.join(arriving[:4])}): the new "
                "components' callbacks would run, and a layout change outside a callback's Outputs is not "
                "modelled (R30)")
    if leaving:
        return (f"it replaces {prop}, which holds components whose ids callbacks use ({', '.join(leaving[:4])}): "
                "they would leave the page, and a layout change outside a callback's Outputs is not modelled "
                "(R30)")
    return None
