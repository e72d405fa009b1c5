"""Pattern-matching ids: ``MATCH``, ``ALL``, ``ALLSMALLER``, and which layout ids a pattern names (R25).

A component id may be a dict (``{"type": "item", "index": 3}``), and a
callback's Output, Input or State may name a dict with wildcards in place of
some values.  The renderer keys such an id by ``stringifyId``
(``actions/dependencies.js``): its keys sorted, each value in JSON, a wildcard
written as its bare name.  Dash's Python side writes a wildcard as
``["MATCH"]`` instead (``stringify_id`` in ``dash/_utils.py``); that form is
the callback's ``output`` on the wire.  Both are here, so that a prop is
written ``{"index":3,"type":"item"}.value`` throughout the simulator, as the
renderer writes it.

How a pattern matches an id follows ``idMatch``: the same keys, equal values
where the pattern has values, and for a wildcard: ``ALL`` anything,
``MATCH`` the value the callback's instance is resolved for, ``ALLSMALLER``
any value that sorts before it (``idValSort``: numbers, numeric strings among
them, then booleans, then other strings).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from .errors import DependencyException


class Wildcard:
    """One of Dash's three wildcards; ``multi``: it stands for a list of ids."""

    def __init__(self, name: str, multi: bool):
        self.name = name
        self.multi = multi

    def __repr__(self) -> str:
        return self.name

    def __reduce__(self):
        return self.name

    def to_json(self) -> str:
        """How Dash's Python side writes it in an id (``["MATCH"]``)."""
        return json.dumps([self.name])


MATCH = Wildcard("MATCH", multi=False)
ALL = Wildcard("ALL", multi=True)
ALLSMALLER = Wildcard("ALLSMALLER", multi=True)
WILDCARDS = {w.name: w for w in (MATCH, ALL, ALLSMALLER)}
_VALUE_TYPES = (str, int, float, bool)


def _js(value: Any) -> str:
    """``JSON.stringify`` of an id value (an integral float is written as an int, as JavaScript does)."""
    if type(value) is float and value.is_integer():
        value = int(value)
    return json.dumps(value, ensure_ascii=False)


def id_key(component_id: Any) -> str:
    """The renderer's ``stringifyId``: a string id as it is, a dict id as sorted JSON with bare wildcards."""
    if not isinstance(component_id, dict):
        return component_id
    parts = (json.dumps(k, ensure_ascii=False) + ":" + (v.name if isinstance(v, Wildcard) else _js(v))
             for k, v in sorted(component_id.items()))
    return "{" + ",".join(parts) + "}"


def dash_id(component_id: Any) -> str:
    """Dash's Python ``stringify_id``: a dict id as sorted JSON, a wildcard as ``["MATCH"]``."""
    if not isinstance(component_id, dict):
        return component_id
    parts = (json.dumps(k) + ":" + (v.to_json() if isinstance(v, Wildcard) else json.dumps(v))
             for k, v in sorted(component_id.items()))
    return "{" + ",".join(parts) + "}"


def parse(text: str) -> Any:
    """A component id from its string form (either of the above); ``["MATCH"]`` becomes :data:`MATCH`."""
    if not text.startswith("{"):
        return text
    raw = json.loads(text)
    return {k: WILDCARDS[v[0]] if isinstance(v, list) and len(v) == 1 and v[0] in WILDCARDS else v
            for k, v in raw.items()}


def check(component_id: dict, where: str, wildcards: bool) -> None:
    """A dict id: string keys, values that are strings, numbers or booleans (or, in a callback, wildcards)."""
    if not component_id:
        raise DependencyException(f"{where}: a dict id needs at least one key")
    for key, value in component_id.items():
        if not isinstance(key, str) or not key:
            raise DependencyException(f"{where}: a dict id's keys must be non-empty strings, not {key!r}")
        if isinstance(value, Wildcard):
            if not wildcards:
                raise DependencyException(f"{where}: a component's own id cannot hold the wildcard {value!r}")
        elif not isinstance(value, _VALUE_TYPES):
            raise DependencyException(
                f"{where}: the value of {key!r} must be a string, number or boolean"
                + (" or MATCH, ALL or ALLSMALLER" if wildcards else "") + f", not {value!r}")


def wild_keys(component_id: Any, wildcard: Wildcard) -> tuple[str, ...]:
    """The keys of a pattern that hold ``wildcard``, sorted (``findWildcardKeys``)."""
    if not isinstance(component_id, dict):
        return ()
    return tuple(sorted(k for k, v in component_id.items() if v is wildcard))


def is_pattern(component_id: Any) -> bool:
    """A dict id with at least one wildcard."""
    return isinstance(component_id, dict) and any(isinstance(v, Wildcard) for v in component_id.values())


def is_multi(component_id: Any) -> bool:
    """``isMultiValued``: the pattern stands for a list (it holds ALL or ALLSMALLER)."""
    return isinstance(component_id, dict) and any(isinstance(v, Wildcard) and v.multi
                                                  for v in component_id.values())


_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_RADIX = re.compile(r"0(?:[xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)")


def _js_number(value: Any) -> float | None:
    """JavaScript's ``Number(value)`` for an id value, None for NaN (and for anything not a number or string).

    Not Python's ``float``: ``Number("0x10")`` is 16, while ``Number("nan")``,
    ``Number("inf")`` and ``Number("1_000")`` are NaN.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return None if math.isnan(value) else float(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _DECIMAL.fullmatch(text):
        return float(text)
    if _RADIX.fullmatch(text):
        return float(int(text, 0))
    if text in ("Infinity", "+Infinity", "-Infinity"):
        return float(text.replace("Infinity", "inf"))
    return None


def _numeric(value: Any) -> bool:
    """``fast-isnumeric``, which ``idValSort`` uses: a finite number, or a string ``Number`` reads as one (not blank)."""
    if isinstance(value, str) and not value.strip():
        return False
    number = _js_number(value)
    return number is not None and math.isfinite(number)


def order(a: Any, b: Any) -> int:
    """``idValSort``: -1, 0 or 1; numbers (and numeric strings) first, then false, true, then strings."""
    if _numeric(a):
        if _numeric(b):
            x, y = _js_number(a), _js_number(b)
            return (x > y) - (x < y)
        return -1
    if _numeric(b):
        return 1
    if isinstance(a, bool) != isinstance(b, bool):
        return -1 if isinstance(a, bool) else 1
    return (a > b) - (a < b)


def _strict_equal(a: Any, b: Any) -> bool:
    """JavaScript's ``===`` on id values: ``1 === 1.0``, but ``1 !== true`` and ``1 !== "1"``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, str) or isinstance(b, str):
        return type(a) is type(b) and a == b
    return a == b


def matches(pattern: Any, component_id: Any, fixed: dict[str, Any]) -> bool:
    """Does the layout id ``component_id`` match ``pattern`` for an instance whose MATCH keys hold ``fixed``?

    A key missing from ``fixed`` matches any value (what the pattern may name at all).
    """
    if not isinstance(pattern, dict):
        return pattern == component_id
    if not isinstance(component_id, dict) or pattern.keys() != component_id.keys():
        return False
    for key, want in pattern.items():
        value = component_id[key]
        if want is ALL:
            continue
        if want is MATCH:
            if key in fixed and order(value, fixed[key]) != 0:
                return False
        elif want is ALLSMALLER:
            if key in fixed and order(value, fixed[key]) != -1:
                return False
        elif not _strict_equal(value, want):
            return False
    return True
