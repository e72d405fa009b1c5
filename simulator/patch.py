"""``Patch``: partial updates, recorded in Python and applied by the renderer.

A callback builds a Patch with ordinary item syntax; the Patch records a list
of operations (Dash's wire names: Assign, Merge, Extend, Delete, Insert,
Append, Prepend, Clear, Reverse, Remove, Add, Sub, Mul, Div) at key/index
paths.  The renderer applies them to the prop's value *as it stands when the
response arrives* (R17), which is why patches to different keys compose while
full values replace one another (R16).
"""

from __future__ import annotations

import copy
from typing import Any

from .errors import InvalidPatchOperation

PATCH_MARKER = "__dash_patch_update"


def _check_key(key: Any) -> Any:
    if isinstance(key, bool) or not isinstance(key, (str, int)):
        raise InvalidPatchOperation(
            f"Patch keys must be str (dict key) or int (list index), not {type(key).__name__} {key!r}")
    return key


class Patch:
    """Record operations on a prop's value without knowing the value."""

    def __init__(self, location: list | None = None, parent: "Patch | None" = None):
        self._location = list(location or [])
        self._operations: list[dict] = parent._operations if parent is not None else []

    # --- recording -------------------------------------------------------
    def _add(self, operation: str, location: list, **params: Any) -> None:
        self._operations.append({"operation": operation, "location": list(location), "params": params})

    def __getitem__(self, key: Any) -> "Patch":
        return Patch(self._location + [_check_key(key)], parent=self)

    def __setitem__(self, key: Any, value: Any) -> None:
        key = _check_key(key)
        if isinstance(value, Patch):  # p[k] += 1 re-assigns the child Patch: already recorded
            return
        self._add("Assign", self._location + [key], value=value)

    def __delitem__(self, key: Any) -> None:
        self._add("Delete", self._location + [_check_key(key)])

    def update(self, other: dict | None = None, **kwargs: Any) -> None:
        value = dict(other or {}, **kwargs)
        self._add("Merge", self._location, value=value)

    def extend(self, items: Any) -> None:
        if not isinstance(items, (list, tuple)):
            raise InvalidPatchOperation(f"Patch.extend takes a list, not {type(items).__name__}")
        self._add("Extend", self._location, value=list(items))

    def append(self, item: Any) -> None:
        self._add("Append", self._location, value=item)

    def prepend(self, item: Any) -> None:
        self._add("Prepend", self._location, value=item)

    def insert(self, index: int, item: Any) -> None:
        if isinstance(index, bool) or not isinstance(index, int):
            raise InvalidPatchOperation(f"Patch.insert takes an int index, not {index!r}")
        self._add("Insert", self._location, index=index, value=item)

    def clear(self) -> None:
        self._add("Clear", self._location)

    def reverse(self) -> None:
        self._add("Reverse", self._location)

    def remove(self, item: Any) -> None:
        self._add("Remove", self._location, value=item)

    def _arith(self, operation: str, other: Any) -> "Patch":
        if isinstance(other, bool) or not isinstance(other, (int, float)):
            raise InvalidPatchOperation(f"Patch {operation} takes a number, not {other!r}")
        self._add(operation, self._location, value=other)
        return self

    def __iadd__(self, other: Any) -> "Patch":
        if isinstance(other, (list, tuple)):
            self.extend(other)
            return self
        return self._arith("Add", other)

    def __isub__(self, other: Any) -> "Patch":
        return self._arith("Sub", other)

    def __imul__(self, other: Any) -> "Patch":
        return self._arith("Mul", other)

    def __itruediv__(self, other: Any) -> "Patch":
        return self._arith("Div", other)

    # --- wire form -------------------------------------------------------
    def to_plotly_json(self) -> dict:
        return {PATCH_MARKER: PATCH_MARKER, "operations": copy.deepcopy(self._operations)}

    def __repr__(self) -> str:
        return f"Patch({self._operations!r})"


def is_patch(value: Any) -> bool:
    return isinstance(value, dict) and value.get(PATCH_MARKER) == PATCH_MARKER


# --- applying (the renderer's side, R17) --------------------------------
def _index(container: list, key: Any, location: list) -> int:
    if not isinstance(key, int) or isinstance(key, bool):
        raise InvalidPatchOperation(f"location {location}: list index must be an int, not {key!r}")
    index = key + len(container) if key < 0 else key
    if not 0 <= index < len(container):
        raise InvalidPatchOperation(f"location {location}: index {key} out of range")
    return index


def _get(value: Any, location: list) -> Any:
    for i, key in enumerate(location):
        if isinstance(value, dict):
            if key not in value:
                return None
            value = value[key]
        elif isinstance(value, list):
            value = value[_index(value, key, location[: i + 1])]
        else:
            return None
    return value


def _set(value: Any, location: list, new: Any) -> Any:
    """Return ``value`` with ``new`` at ``location``, creating dicts on the way."""
    if not location:
        return new
    key, rest = location[0], location[1:]
    if isinstance(value, list):
        index = _index(value, key, location)
        out = list(value)
        out[index] = _set(value[index], rest, new)
        return out
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise InvalidPatchOperation(f"location {location}: cannot index into {type(value).__name__}")
    if not isinstance(key, str):
        key = str(key)  # JSON object keys are strings
    out = dict(value)
    out[key] = _set(value.get(key), rest, new)
    return out


def _delete(value: Any, location: list) -> Any:
    parent_loc, key = location[:-1], location[-1]
    parent = _get(value, parent_loc)
    if isinstance(parent, dict):
        parent = {k: v for k, v in parent.items() if k != key}
    elif isinstance(parent, list):
        index = _index(parent, key, location)
        parent = parent[:index] + parent[index + 1:]
    else:
        return value  # deleting inside nothing deletes nothing
    return _set(value, parent_loc, parent)


def _need(kind: type | tuple, current: Any, op: dict) -> None:
    if not isinstance(current, kind):
        names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        raise InvalidPatchOperation(
            f"{op['operation']} at {op['location']} needs a {names}, found {type(current).__name__}")


#: What each operation's ``params`` must hold, and of which type.
_NUMBER = (int, float)
_PARAMS: dict[str, dict[str, Any]] = {
    "Assign": {"value": object}, "Delete": {}, "Merge": {"value": dict}, "Extend": {"value": list},
    "Append": {"value": object}, "Prepend": {"value": object}, "Insert": {"index": int, "value": object},
    "Clear": {}, "Reverse": {}, "Remove": {"value": object}, "Add": {"value": _NUMBER},
    "Sub": {"value": _NUMBER}, "Mul": {"value": _NUMBER}, "Div": {"value": _NUMBER},
}


def check_wire(patch: Any) -> None:
    """Refuse a Patch wire dict a callback wrote by hand that is malformed (missing keys, wrong types).

    ``Patch()`` always builds a well-formed one; a hand-written
    ``{"__dash_patch_update": ..., "operations": ...}`` need not be.
    """
    from .jsonvalue import MAX_DEPTH
    operations = patch.get("operations") if isinstance(patch, dict) else None
    if not isinstance(operations, list):
        raise InvalidPatchOperation("malformed Patch: 'operations' must be a list")
    for i, op in enumerate(operations):
        where = f"malformed Patch operation {i}"
        if not isinstance(op, dict):
            raise InvalidPatchOperation(f"{where}: not a dict but {type(op).__name__}")
        name, loc, params = op.get("operation"), op.get("location"), op.get("params", {})
        if name not in _PARAMS:
            raise InvalidPatchOperation(f"{where}: unknown Patch operation {name!r}")
        if not isinstance(loc, list) or any(isinstance(k, bool) or not isinstance(k, (str, int)) for k in loc):
            raise InvalidPatchOperation(f"{where} ({name}): 'location' must be a list of str and int")
        if name == "Delete" and not loc:
            raise InvalidPatchOperation(f"{where} (Delete): an empty location deletes nothing it can name")
        if len(loc) > MAX_DEPTH:
            raise InvalidPatchOperation(f"{where} ({name}): a location more than {MAX_DEPTH} levels deep")
        if not isinstance(params, dict):
            raise InvalidPatchOperation(f"{where} ({name}): 'params' must be a dict")
        for key, kind in _PARAMS[name].items():
            if key not in params:
                raise InvalidPatchOperation(f"{where} ({name}): 'params' has no {key!r}")
            v = params[key]
            if kind is not object and (isinstance(v, bool) or not isinstance(v, kind)):
                raise InvalidPatchOperation(f"{where} ({name}): {key} must be "
                                            f"{'a number' if kind is _NUMBER else 'a ' + kind.__name__}, "
                                            f"not {type(v).__name__}")


def apply_patch(value: Any, patch: dict) -> Any:
    """Apply a Patch's wire form to ``value``; returns a new value (R17)."""
    check_wire(patch)
    for op in patch["operations"]:
        name, loc, params = op["operation"], op["location"], op.get("params", {})
        if name == "Assign":
            value = _set(value, loc, params["value"])
            continue
        if name == "Delete":
            value = _delete(value, loc)
            continue
        current = _get(value, loc)
        if name == "Merge":
            _need(dict, current if current is not None else {}, op)
            new = dict(current or {}, **params["value"])
        elif name in ("Extend", "Append", "Prepend", "Insert"):
            # R17, as patch.ts does it with ramda: append/prepend start a missing list,
            # but concat (Extend) and insert (Insert) throw on a missing or null value.
            if current is None and name in ("Append", "Prepend"):
                current = []
            _need(list, current, op)
            item = params["value"]
            if name == "Extend":
                new = current + list(item)
            elif name == "Append":
                new = current + [item]
            elif name == "Prepend":
                new = [item] + current
            else:
                # R17: a negative index counts from the end (getLocationIndex: length + index),
                # so -1 inserts before the last item; ramda's insert appends an index out of range.
                index = params["index"]
                index = index + len(current) if index < 0 else index
                index = index if 0 <= index < len(current) else len(current)
                new = current[:index] + [item] + current[index:]
        elif name == "Clear":
            _need((list, dict), current, op)
            new = type(current)()
        elif name == "Reverse":
            _need(list, current, op)
            new = current[::-1]
        elif name == "Remove":
            _need(list, current, op)
            new = [x for x in current if x != params["value"]]
        elif name in ("Add", "Sub", "Mul", "Div"):
            _need((int, float), current, op)
            v = params["value"]
            new = {"Add": current + v, "Sub": current - v, "Mul": current * v,
                   "Div": current / v if v else None}[name]
            if new is None:
                raise InvalidPatchOperation(f"Div at {loc}: division by zero")
        else:
            raise InvalidPatchOperation(f"unknown Patch operation {name!r}")
        value = _set(value, loc, new)
    return value
