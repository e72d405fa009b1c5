"""Race-prone callback patterns, found by reading the app's graph: a static lint.

Simulation says *whether* a design loses an update under some timing; this
module says, without running anything, which patterns in a design can lose
one and which rule makes them risky.  ``callback-race graph`` lists and
highlights them; a checker of a real app can run the same lint before it
simulates.  Three patterns:

* **stale writers** — several callbacks write one prop and at least one of
  them also reads it (as State, or as an Input).  Requests dispatched
  together read the same copy (R14) and the later full value replaces the
  earlier one (R16); with ``allow_duplicate`` they do not even wait for each
  other (R11).  A ``Patch()`` (R17) or a single writer avoids it.
* **trigger filter** — a callback with several Inputs whose body reads
  ``ctx.triggered_prop_ids`` / ``triggered_id`` / ``triggered``.  When a
  newer request supersedes one in flight (R8), the older request's trigger
  is forgotten, so the filter skips a change.
* **timestamp chain** — a callback triggered by a Store's
  ``modified_timestamp``, where that Store is written by callbacks.  Two writes
  in one millisecond give one timestamp: the second triggers nothing (R4).

The body check looks at the names a callback's code uses (``co_names``, nested
functions included), so it sees ``ctx.triggered_prop_ids`` however the callback
spells its import; a clientside callback's JavaScript is not read.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import CodeType

from .graph import Graph
from .rules import label

#: ``ctx`` attributes that tell a callback what triggered it (changedPropIds).
TRIGGER_NAMES = frozenset({"triggered_prop_ids", "triggered_id", "triggered"})


@dataclass(frozen=True)
class Hazard:
    kind: str                       # "stale writers" | "trigger filter" | "timestamp chain"
    props: tuple[str, ...]          # the props at risk, to highlight
    callbacks: tuple[str, ...]      # the callbacks involved, to highlight
    rules: tuple[str, ...]          # the rules that make it risky
    text: str                       # one sentence, plain words

    def describe(self) -> str:
        return f"{self.kind}: {self.text}"


def hazards(graph: Graph) -> list[Hazard]:
    """Every race-prone pattern of the app, in a stable order (by prop, then callback)."""
    return _stale_writers(graph) + _trigger_filters(graph) + _timestamp_chains(graph)


def _stale_writers(graph: Graph) -> list[Hazard]:
    writers: dict[str, list] = {}
    for cb in graph.callbacks:
        for out in cb.outputs:
            writers.setdefault(out.key, []).append(cb)
    found = []
    for prop, cbs in sorted(writers.items()):
        if len(cbs) < 2:
            continue
        readers = [(cb, "State" if prop in {s.key for s in cb.states} else "Input") for cb in cbs
                   if prop in {d.key for d in cb.states + cb.inputs}]
        if not readers:
            continue
        names = tuple(cb.name for cb in cbs)
        how = ", ".join(f"{cb.name} as {kind}" for cb, kind in readers)
        dup = any(o.allow_duplicate for cb in cbs for o in cb.outputs if o.key == prop)
        found.append(Hazard(
            "stale writers", (prop,), names, ("R14", "R16") + (("R11",) if dup else ()),
            f"{prop} has {len(cbs)} writers ({', '.join(names)}) and is read by {how}: requests sent together "
            f"read the same copy ({label('R14')}) and the later full value replaces the earlier one "
            f"({label('R16')})" + (f"; allow_duplicate writers do not wait for one another ({label('R11')})"
                                   if dup else "")
            + f"; return a Patch() that sets only what changed ({label('R17')}), or make one callback the only writer"))
    return found


def _names(code: CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, CodeType):
            names |= _names(const)
    return names


def _trigger_filters(graph: Graph) -> list[Hazard]:
    found = []
    for cb in graph.callbacks:
        code = getattr(cb.func, "__code__", None)
        if cb.clientside or code is None or len(cb.inputs) < 2:
            continue
        used = sorted(_names(code) & TRIGGER_NAMES)
        if not used:
            continue
        found.append(Hazard(
            "trigger filter", tuple(o.key for o in cb.outputs), (cb.name,), ("R8",),
            f"{cb.name} has {len(cb.inputs)} Inputs and reads ctx.{'/'.join(used)}: when a newer request "
            f"supersedes one in flight ({label('R8')}), the older one's trigger is forgotten, so a filter on it "
            f"skips that change; use every input's current value instead of filtering on the trigger"))
    return found


def _timestamp_chains(graph: Graph) -> list[Hazard]:
    found = []
    for data_prop, stamp in sorted(graph.derived.items()):
        listeners = graph.listeners(stamp)
        writers = [cb for cb in graph.callbacks if data_prop in {o.key for o in cb.outputs}]
        if not listeners or not writers:
            continue
        names = tuple(cb.name for cb in listeners)
        found.append(Hazard(
            "timestamp chain", (stamp,), names + tuple(cb.name for cb in writers if cb not in listeners),
            ("R4",),
            f"{', '.join(names)} {'is' if len(names) == 1 else 'are'} triggered by {stamp}, which the Store sets "
            f"to Date.now() in whole milliseconds: two writes of {data_prop} in one millisecond give one "
            f"timestamp and the second triggers nothing ({label('R4')}); chain on an output the writer "
            f"returns instead (an applied output always triggers: {label('R2')})"))
    return found
