"""Prop values are JSON: how deep the simulator lets them nest, and checking one.

Every value crosses the wire as JSON, so the model keeps only JSON values.
The renderer's own copies and comparisons recurse once per level, so a
value nested deeper than Python's recursion limit allows would crash the
simulator rather than the app.  Real Dash fails too, near 1,000 levels
(the server's JSON encoder hits the same limit), but where exactly depends
on its stack: the model does not guess.  A value nested deeper than
:data:`MAX_DEPTH` is refused with a :class:`ScenarioError` naming who made
it — "not modelled", never a silent answer.  So is a response body larger
than :data:`MAX_BYTES` (:func:`check_size`), which in practice only a
runaway value reaches.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import ScenarioError

#: Deepest nesting of lists and dicts the model handles (Dash apps use a handful).
MAX_DEPTH = 100
#: Largest response body the model handles.  A large figure is a few MB; a body past this is
#: nearly always a value that grows at every turn of a loop R6 cannot stop (a callback fed by
#: the timestamp of the Store it writes), which doubles until memory runs out long before the
#: request budget ends the loop -- in a browser too.  Refused, naming the callback.
MAX_BYTES = 64 * 1024 * 1024


def depth(value: Any) -> int:
    """Nesting depth of lists/dicts, without recursion (a scalar is 0)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, (list, tuple)):
            children = item
        else:
            deepest = max(deepest, level)
            continue
        deepest = max(deepest, level + 1)
        if level + 1 > MAX_DEPTH:
            return level + 1
        stack.extend((child, level + 1) for child in children)
    return deepest


def circular(value: Any) -> bool:
    """Whether a list or dict contains itself: no JSON at all, not a deep value."""
    stack: list[tuple[Any, frozenset[int]]] = [(value, frozenset())]
    while stack:
        item, path = stack.pop()
        if isinstance(item, (dict, list, tuple)):
            if id(item) in path:
                return True
            inner = path | {id(item)}
            stack.extend((child, inner) for child in (item.values() if isinstance(item, dict) else item))
    return False


def check_depth(value: Any, where: str) -> None:
    """Refuse a value nested deeper than :data:`MAX_DEPTH` (``where`` names who made it).

    A value that contains itself is left to the JSON encoder, which fails on
    it as Dash's server does: an error response (R18), not a refusal.
    """
    if depth(value) > MAX_DEPTH and not circular(value):
        raise ScenarioError(f"{where}: a value nested more than {MAX_DEPTH} levels deep; "
                            "values this deep are not modelled")


def check_size(nbytes: int, where: str) -> None:
    """Refuse a response body over :data:`MAX_BYTES` (``where`` names the callback)."""
    if nbytes > MAX_BYTES:
        raise ScenarioError(f"{where}: a response body of {nbytes / 2**20:,.1f} MiB, over the "
                            f"{MAX_BYTES / 2**20:g} MiB the simulator handles; a value that grows at every "
                            "turn of a loop (a callback fed by the Store it writes) ends like this")


def check(value: Any, where: str) -> None:
    """Refuse a value that is not JSON, or too deep to model."""
    check_depth(value, where)
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ScenarioError(f"{where}: the value {value!r:.60} is not JSON ({exc})") from None
