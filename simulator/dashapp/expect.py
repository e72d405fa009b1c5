"""``--expect``: a user's own invariant on a store's keys, checked besides the serial oracle.

``--expect 'user_data.data:first_name=first_name.value,last_name=last_name.value'`` says: once the
page has settled, ``user_data.data["first_name"]`` is the value of ``first_name.value`` whenever that
is set (a falsy input and a missing or null key both count as "unset"), and so on for each pair --
the seed scenario's hand-written check, as a one-liner.
"""

from __future__ import annotations

from typing import Any, Callable

from .errors import CheckError


def parse(spec: str) -> Callable[[dict[str, Any]], tuple[str, ...]]:
    store, sep, pairs = spec.partition(":")
    items = [p.split("=", 1) for p in pairs.split(",") if p.strip()]
    if not sep or "." not in store or not items or any(len(i) != 2 or "." not in i[1] for i in items):
        raise CheckError(f"--expect {spec!r}: expected STORE.PROP:KEY=COMPONENT.PROP[,KEY=COMPONENT.PROP...]")
    pairs_ = [(k.strip(), src.strip()) for k, src in items]

    def invariant(layout: dict[str, Any]) -> tuple[str, ...]:
        for prop in [store] + [src for _, src in pairs_]:
            if prop not in layout:
                raise CheckError(f"--expect {spec!r}: {prop} is not a prop of the app's layout")
        data = layout[store] if isinstance(layout[store], dict) else {}
        return tuple(f"{store}[{k!r}]" for k, src in pairs_ if (layout[src] or None) != data.get(k))

    return invariant
