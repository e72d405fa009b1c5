"""Static checks, instant, before any simulation: the designs known to lose updates.

* ``shared-store``: several ``allow_duplicate`` writers of one prop that read
  it as State (or Input) and so return a full value computed from what they
  read: a read-modify-write race (R14, R16; the seed's ``naive``).
* ``same-output-id``: duplicate writers whose Inputs are identical: Dash gives
  them one output id (R11) and its server keeps only the later function.
  This one is an error: the check cannot go on.
* ``triggered-filter``: a callback with several Inputs that filters on
  ``ctx.triggered_id`` / ``triggered_prop_ids`` (from its source) and reads
  its own output: a superseded request loses its trigger (R8; the seed's
  ``merged``).
* ``dict-id-cancel``: a background callback's ``cancel`` Input with a dict id:
  the renderer never matches it, so the job is never cancelled (R31).
* ``slow-interval``: a callback driven by a ``dcc.Interval`` whose median
  round trip (server delay, its own ``time.sleep`` from the source, network
  both ways) is longer than the period: each tick supersedes the request in
  flight (R8) and the output starves.
"""

from __future__ import annotations

import random
import re
import statistics
from dataclasses import dataclass, field

from .. import wildcards
from ..engine import Config
from .anomaly import uses_trigger_filter
from .convert import Converted, Real, RealCallback

SLEEP = re.compile(r"\bsleep\(\s*([0-9]*\.?[0-9]+)\s*\)")


@dataclass
class Finding:
    code: str
    severity: str          # "error" stops the check; "warning" is a risk the simulation then weighs
    message: str
    callbacks: list[str] = field(default_factory=list)


def _where(cb: RealCallback) -> str:
    return f"{cb.name} ({cb.source.where})"


def median(dist, n: int = 1001) -> float:
    rng = random.Random(0)
    return statistics.median(dist.draw(rng) for _ in range(n))


def _read(callbacks, components):
    """(callback, Input, component) for every component an Input names; a pattern names every id it matches (R25)."""
    for cb in callbacks:
        for i in cb.inputs:
            named = ([c for c in components.values() if wildcards.matches(i.component_id, c.id, {})] if i.pattern
                     else [components.get(i.id_key)])
            for comp in named:
                yield cb, i, comp


def lint(conv: Converted, config: Config = Config()) -> list[Finding]:
    out: list[Finding] = []
    cbs = conv.callbacks
    by_id: dict[str, list[RealCallback]] = {}
    for cb in cbs:
        by_id.setdefault(cb.output_id, []).append(cb)
    for output_id, group in by_id.items():
        if len(group) > 1:
            kept = conv.spec.sources.get(output_id)
            out.append(Finding("same-output-id", "error",
                               f"{' and '.join(_where(c) for c in group)} write {output_id.split('@')[0]} with "
                               "allow_duplicate and identical Inputs: Dash gives them one output id and its server "
                               f"keeps only {kept.name if kept else 'the last'}, which then answers for all of them; "
                               "give them different Inputs", [_where(c) for c in group]))
    wires: dict[str, list[RealCallback]] = {}
    for cb in cbs:
        for wire in cb.wire:
            wires.setdefault(wire, []).append(cb)
    for wire, group in wires.items():
        if len(group) > 1 and len({c.output_id for c in group}) > 1:
            out.append(Finding("same-output-id", "error",
                               f"{' and '.join(_where(c) for c in group)} both write {wire.split('@')[0]} with "
                               "allow_duplicate and identical Inputs, so the renderer receives one output id twice "
                               "(R11) and reports 'Duplicate callback outputs'; give them different Inputs",
                               [_where(c) for c in group]))
    writers: dict[str, list[RealCallback]] = {}
    for cb in cbs:
        read = {d.key for d in cb.states + cb.inputs}
        for o in cb.outputs:
            if o.allow_duplicate and o.key in read:
                writers.setdefault(o.key, []).append(cb)
    for prop, group in writers.items():
        if len(group) > 1:
            out.append(Finding("shared-store", "warning",
                               f"{prop} is written by {len(group)} allow_duplicate callbacks that each read it and "
                               f"return a full value ({', '.join(_where(c) for c in group)}): when two run "
                               "together one overwrites the other (read-modify-write); return a Patch() per key",
                               [_where(c) for c in group]))
    for cb in cbs:
        own = {o.key for o in cb.outputs}
        if len(cb.inputs) > 1 and uses_trigger_filter(cb) and own & {d.key for d in cb.states + cb.inputs}:
            out.append(Finding("triggered-filter", "warning",
                               f"{_where(cb)} has {len(cb.inputs)} Inputs, filters on ctx.triggered and returns its "
                               "own output read back: a request superseded in flight (R8) loses its trigger; write "
                               "every input each time instead", [_where(cb)]))
    for cb in cbs:
        dicts = [k for k in (cb.background.cancel if cb.background is not None else ()) if k.startswith("{")]
        if dicts:
            out.append(Finding("dict-id-cancel", "warning",
                               f"{_where(cb)} is cancelled by {', '.join(dicts)}, an Input with a dict id: the "
                               "renderer compares the job's cancel Inputs as the server sent them (the id as a "
                               "string) with the callback's (the id as an object), never equal, so a click there "
                               "cancels nothing (R31); give the cancel button a string id", [_where(cb)]))
    components = conv.app.components()
    network = median(config.network)
    for cb, i, comp in _read(cbs, components):
        if not (isinstance(comp, Real) and comp.type == "Interval" and i.component_property == "n_intervals"):
            continue
        period = float(comp.initial.get("interval", 1000))
        law = (config.callback_delays or {}).get(cb.name, config.server_delay)
        slept = sum(float(x) * 1000 for x in SLEEP.findall(cb.source.text))
        trip = median(law) + slept + 2 * network
        if trip > period:
            out.append(Finding("slow-interval", "warning",
                               f"{_where(cb)} is driven by {comp.key} every {period:g} ms but its median round "
                               f"trip is ~{trip:.0f} ms (server {median(law):.0f} + sleep {slept:.0f} + network "
                               f"2x{network:.0f}): ticks supersede the requests in flight (R8) and the output "
                               "starves", [_where(cb)]))
    return out
