"""Prop values as a person reads them in a terminal: short, and never cut where it matters.

A timeline or an explanation must show the values that explain a race
(``first_name='Mickael'``) in full, yet a Store padded to 100 kB
(``--dict-size``) cannot be printed whole.  :func:`show` writes values the
way a Python developer reads them (``None``, ``'john'``, dicts as
``{first_name='john', last_name='doe'}``) and shortens only long strings, saying
how long they were, so nothing short is ever lost to an ellipsis.
"""

from __future__ import annotations

from typing import Any

#: Strings longer than this are shown as their start and their length.
LONG = 40
#: Lists longer than this show their first items and how many there are.
MANY = 12


def show(value: Any) -> str:
    """``{'first_name': 'john'}`` -> ``{first_name='john'}``; long strings shortened with their length."""
    if isinstance(value, str):
        if len(value) <= LONG:
            return repr(value)
        return f"{value[:LONG // 2]!r}… ({len(value):,} chars)"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        items = [show(v) for v in value[:MANY]]
        if len(value) > MANY:
            items.append(f"… ({len(value)} items)")
        return "[" + ", ".join(items) + "]"
    return repr(value)


def name(prop: str, store_prop: str) -> str:
    """A prop as written in sentences: the store by its component id, others in full."""
    return store_prop.split(".")[0] if prop == store_prop else prop
