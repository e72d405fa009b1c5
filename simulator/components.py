"""Layout components: just enough of dcc and html to write real callbacks.

A component is an id and a dict of props.  Known component types list their
props so that a typo in ``Input("name", "valeu")`` is an error, as it is in
the renderer; the generic :class:`Component` accepts any prop.
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar, Iterable, Iterator

from .errors import DependencyException


class Component:
    """A generic component: any props, no behaviour of its own."""

    props: ClassVar[tuple[str, ...] | None] = None  # None: any prop is valid
    defaults: ClassVar[dict[str, Any]] = {}

    def __init__(self, id: str | None = None, children: Any = None, **props: Any):
        self.id = id
        values = copy.deepcopy(self.defaults)
        values.update(props)
        if self.props is not None:
            unknown = sorted(set(values) - set(self.props))
            if unknown:
                raise DependencyException(
                    f"{type(self).__name__}(id={id!r}) has no prop {unknown[0]!r}; "
                    f"it has {', '.join(self.props)}")
        self.children = children
        self.initial = values

    def has_prop(self, prop: str) -> bool:
        return self.props is None or prop in self.props

    def walk(self) -> Iterator["Component"]:
        yield self
        yield from walk(self.children)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(id={self.id!r})"


def walk(children: Any) -> Iterator[Component]:
    """Every component in a layout: a component, a list of them, or nested."""
    if isinstance(children, Component):
        yield from children.walk()
    elif isinstance(children, (list, tuple)):
        for child in children:
            yield from walk(child)


class TextInput(Component):
    """``dcc.Input``: the user types into ``value`` (R1a, R4)."""

    props = ("value", "type", "placeholder", "debounce", "disabled", "n_submit")
    defaults = {"value": None}


class Store(Component):
    """``dcc.Store``: holds ``data``; sets ``modified_timestamp`` itself (R4).

    The Store compares each new ``data`` with what it last stored and, only
    when they differ, sets ``modified_timestamp`` to ``Date.now()`` (integer
    milliseconds) as a component change of its own.  It also does so once on
    mount when its initial data is not null.
    """

    props = ("data", "modified_timestamp", "storage_type", "clear_data")
    defaults = {"data": None, "modified_timestamp": -1, "storage_type": "memory"}


class Button(Component):
    """``html.Button``: a click increments ``n_clicks``."""

    props = ("n_clicks", "n_clicks_timestamp", "disabled", "title")
    defaults = {"n_clicks": None}


class Interval(Component):
    """``dcc.Interval``: increments ``n_intervals`` every ``interval`` ms."""

    props = ("n_intervals", "interval", "disabled", "max_intervals")
    defaults = {"n_intervals": 0, "interval": 1000, "disabled": False, "max_intervals": -1}


class Div(Component):
    """``html.Div``: a container (children) with any props."""


def flatten(layout: Any) -> Iterable[Component]:
    return [c for c in walk(layout) if c.id is not None]
