"""Pattern-matching callbacks, resolved against the layout into the requests the renderer makes (R25).

A callback declared with ``MATCH``, ``ALL`` or ``ALLSMALLER`` in an id is,
to the renderer, a family of *resolved* callbacks (``makeResolvedCallback``
in ``actions/dependencies_ts.ts``): one for each set of MATCH values among
the layout's ids that its first single Output matches, or just one when its
Outputs have no MATCH.  Each resolved callback reads and writes concrete
props: an ``ALL`` dependency is the list of every matching id in layout
order, ``ALLSMALLER`` those whose value sorts before the instance's MATCH
value, ``MATCH`` the one id with the instance's value.

Since the layout does not change in the model, the family is fixed when the
app is built: :func:`expand` gives the graph one :class:`Instance` per
resolved callback, an ordinary :class:`~simulator.app.Callback` over
concrete props, so that every rule R1-R24 applies to it unchanged.  What the
renderer does differently for them is carried by the instance:

* R7/R8 compare ``getUniqueIdentifier``: the declared ids with their
  wildcards, plus the instance's MATCH values (``anyVals``), so two items'
  requests never merge or supersede each other, while one ALL callback's do;
* R6 prunes by the declared callback (``cb.callback``), shared by every
  instance (:attr:`~simulator.app.Callback.chain_id`);
* the body gets a list for an ALL/ALLSMALLER dependency and returns one for
  an ALL Output, as ``dash/_callback.py`` hands them over and checks them.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

from . import wildcards
from .app import Callback
from .context import no_update
from .dependencies import Input, Output, State
from .errors import DependencyException, InvalidCallbackReturnValue, InvalidPropertyException, NotModelled
from .patch import Patch
from .wildcards import ALLSMALLER, MATCH


def check_definition(name: str, outputs, inputs, states) -> None:
    """Dash's own checks of a pattern-matching callback's wildcards (``validateDependencies``), and what is not modelled."""
    def where(kind: str, i: int, dep) -> str:
        return f"callback {name}: {kind} {i} ({dep.key})"
    match_keys = wildcards.wild_keys(outputs[0].component_id, MATCH) if outputs else ()
    for i, dep in enumerate(outputs):
        if wildcards.wild_keys(dep.component_id, ALLSMALLER):
            raise DependencyException(f"{where('Output', i, dep)}: ALLSMALLER is not allowed in an Output")
        if wildcards.wild_keys(dep.component_id, MATCH) != match_keys:
            raise DependencyException(
                f"{where('Output', i, dep)} does not have MATCH wildcards on the same keys as Output 0 "
                f"({outputs[0].key}); MATCH wildcards must be on the same keys for all Outputs")
    for kind, deps in (("Input", inputs), ("State", states)):
        for i, dep in enumerate(deps):
            matched = wildcards.wild_keys(dep.component_id, MATCH)
            smaller = wildcards.wild_keys(dep.component_id, ALLSMALLER)
            if match_keys:
                extra = sorted(set(matched + smaller) - set(match_keys))
                if extra:
                    raise DependencyException(
                        f"{where(kind, i, dep)} has MATCH or ALLSMALLER on key(s) {', '.join(extra)}, where "
                        f"Output 0 ({outputs[0].key}) has no MATCH; they must be among the Outputs' MATCH keys")
            elif smaller:
                raise DependencyException(
                    f"{where(kind, i, dep)}: ALLSMALLER needs a MATCH on the same key in the Outputs")
            elif matched:
                raise NotModelled(
                    f"{where(kind, i, dep)}: MATCH in an {kind} of a callback whose Outputs have no MATCH "
                    "(each firing then takes the triggering id's values, Dash's issue #2462) is not modelled")


@dataclass(eq=False)
class Instance(Callback):
    """One resolved pattern-matching callback: concrete props, and the declared callback it runs (R25)."""

    definition: Callback | None = None
    fixed: dict[str, Any] = field(default_factory=dict)   # the MATCH keys' values of this instance
    any_vals: str = ""                                    # getAnyVals: the MATCH values in JSON, or ''
    #: Per declared Output, then Input, then State: None for one prop, n for a list of n (ALL, ALLSMALLER).
    shape: tuple[int | None, ...] = ()

    @property
    def name(self) -> str:
        return self.definition.name

    def __getattr__(self, attr: str) -> Any:
        """Anything else is the declared callback's (a real app's source and server, say)."""
        if attr.startswith("__") or attr == "definition":
            raise AttributeError(attr)
        return getattr(self.definition, attr)

    @property
    def no_output(self) -> bool:
        return self.definition.no_output

    @property
    def output_id(self) -> str:
        return self.definition.output_id

    @property
    def wire_outputs(self) -> tuple[str, ...]:
        """Concrete props, each with its declared Output's @hash, if it has one (R11)."""
        suffixes: list[str] = []
        for wire, size in zip(self.definition.wire_outputs, self.shape):
            suffix = "@" + wire.rpartition("@")[2] if "@" in wire else ""
            suffixes.extend([suffix] * (1 if size is None else size))
        return tuple(o.key + suffix for o, suffix in zip(self.outputs, suffixes))

    @property
    def label(self) -> str:
        """Its name with its MATCH values, for messages: ``toggle[2]``."""
        return f"{self.name}{self.any_vals}" if self.any_vals else self.name

    def __repr__(self) -> str:
        return f"<callback {self.label}>"

    # --- grouping the flat lists the renderer reads into the declared ones -----------------
    def _groups(self, items: list[Any], start: int, count: int) -> list[Any]:
        """``items`` cut as the declared dependencies ``shape[start:start + count]`` say."""
        out, at = [], 0
        for size in self.shape[start:start + count]:
            if size is None:
                out.append(items[at])
                at += 1
            else:
                out.append(list(items[at:at + size]))
                at += size
        return out

    def _arguments(self, args: list[Any]) -> list[Any]:
        n_out, n_in = len(self.definition.outputs), len(self.definition.inputs)
        flat_inputs = len(self.inputs)
        return (self._groups(args[:flat_inputs], n_out, n_in)
                + self._groups(args[flat_inputs:], n_out + n_in, len(self.definition.states)))

    def _lists(self, args: list[Any]) -> dict[str, Any]:
        flat = super()._lists(args)
        n_out, n_in = len(self.definition.outputs), len(self.definition.inputs)
        outs = self._groups([{"id": d.component_id, "property": d.component_property} for d in self.outputs],
                            0, n_out)
        return {"inputs_list": self._groups(flat["inputs_list"], n_out, n_in),
                "states_list": self._groups(flat["states_list"], n_out + n_in, len(self.definition.states)),
                "outputs_list": outs if self.multi or not outs else outs[0]}

    def _outputs_of(self, result: Any) -> dict[str, Any]:
        """What the body returned, checked as ``_prepare_response`` checks it, flattened to concrete props."""
        if self.no_output:
            return super()._outputs_of(result)
        declared = self.definition.outputs
        if self.multi:
            if result is no_update:
                return {}
            if not isinstance(result, (list, tuple)) or len(result) != len(declared):
                raise InvalidCallbackReturnValue(
                    f"Callback {self.name} has {len(declared)} outputs and must return a list of "
                    f"{len(declared)} values, got {result!r:.80}")
            values = list(result)
        else:
            values = [result]
        shapes = self.shape[:len(declared)]
        flat: list[Any] = []
        for i, (value, size) in enumerate(zip(values, shapes)):
            if size is None:
                flat.append(value)
                continue
            if value is no_update:
                flat.extend([no_update] * size)
                continue
            if not isinstance(value, (list, tuple)):
                raise InvalidCallbackReturnValue(
                    f"The callback {self.name} output {i} is a wildcard multi-output ({declared[i].key}). "
                    f"Expected the output type to be a list or tuple but got: {value!r:.80}")
            if len(value) != size:
                raise InvalidCallbackReturnValue(
                    f"Invalid number of output values for {self.name} item {i} ({declared[i].key}). "
                    f"Expected {size}, got {len(value)}")
            flat.extend(value)
        out = {}
        for output, value in zip(self.outputs, flat):
            if value is not no_update:
                out[output.key] = value.to_plotly_json() if isinstance(value, Patch) else value
        return out

    def request_body(self) -> dict[str, Any]:
        """The request body with every value null: a list where a dependency is ALL/ALLSMALLER (``fillVals``)."""
        def ref(dep, **value) -> dict:
            return {"id": dep.component_id, "property": dep.component_property, **value}
        wire = [f"{o.component_property}@{w.rpartition('@')[2]}" if "@" in w else o.component_property
                for o, w in zip(self.outputs, self.wire_outputs)]
        outs = [{"id": o.component_id, "property": p} for o, p in zip(self.outputs, wire)]
        n_out, n_in = len(self.definition.outputs), len(self.definition.inputs)
        body: dict[str, Any] = {"output": self.output_id}
        if not self.no_output:
            grouped = self._groups(outs, 0, n_out)
            body["outputs"] = grouped if self.multi else grouped[0]
        body["inputs"] = self._groups([ref(d, value=None) for d in self.inputs], n_out, n_in)
        body["changedPropIds"] = []
        body["state"] = self._groups([ref(d, value=None) for d in self.states], n_out + n_in,
                                     len(self.definition.states))
        return body

    def execute(self, args: list[Any], changed: tuple[str, ...], now: float = 0.0):
        return self.definition.execute_instance(self, args, changed, now)

    def run_job(self, args: list[Any], changed: tuple[str, ...], now: float = 0.0):
        """R31: this instance's background job, as the declared callback runs it for its instances."""
        return self.definition.run_job_instance(self, args, changed, now)

    def filled_body(self, args: list[Any], changed: tuple[str, ...]) -> dict[str, Any]:
        """The request body as the renderer sends it: :meth:`request_body` with the values read and the triggers."""
        body = self.request_body()
        values = iter(args)
        for part in ("inputs", "state"):
            for item in body[part]:
                for ref in item if isinstance(item, list) else [item]:
                    ref["value"] = next(values)
        body["changedPropIds"] = list(changed)
        return body


def _layout_ids(components: dict[str, Any]) -> list[tuple[str, dict]]:
    """The layout's dict ids, in layout order, with their keys."""
    return [(key, comp.id) for key, comp in components.items() if isinstance(comp.id, dict)]


def _resolve(dep, fixed: dict[str, Any], ids: list[tuple[str, dict]]) -> list[tuple[str, Any]]:
    """The concrete (key, id) pairs a dependency names for an instance, in layout order (``resolveDeps``)."""
    if not isinstance(dep.component_id, dict):
        return [(dep.id_key, dep.component_id)]
    return [(key, cid) for key, cid in ids if wildcards.matches(dep.component_id, cid, fixed)]


def _match_values(cb: Callback, ids: list[tuple[str, dict]]) -> list[dict[str, Any]]:
    """Each instance's MATCH values, in layout order (``addAllResolvedFromOutputs``)."""
    keys = wildcards.wild_keys(cb.outputs[0].component_id, MATCH) if cb.outputs else ()
    if not keys:
        return [{}]
    single = [o for o in cb.outputs if not o.multi]
    sources = single[:1] or list(cb.outputs)   # every Output has ALL: one per MATCH value set among them all
    found: dict[str, dict[str, Any]] = {}
    for out in sources:
        for _, cid in _resolve(out, {}, ids):
            values = {k: cid[k] for k in keys}
            found.setdefault(json.dumps([values[k] for k in keys]), values)
    return list(found.values())


def _waiting(cb: Callback, fixed: dict[str, Any], ids) -> bool:
    """R30: is this instance's every single-id Input missing, so that it waits for them to arrive?

    The renderer's ``fillVals`` then skips it without a word, and a layout
    change that brings the Inputs requests it (as a callback whose plain ids
    are not on the page yet waits for them).
    """
    singles = [d for d in cb.inputs if not d.multi]
    return bool(singles) and all(len(_resolve(d, fixed, ids)) == 0 for d in singles)


def _instance(cb: Callback, fixed: dict[str, Any], components: dict[str, Any], ids, index: int) -> Instance:
    concrete: dict[str, list] = {"Output": [], "Input": [], "State": []}
    shape: list[int | None] = []
    for kind, deps, make in (("Output", cb.outputs, None), ("Input", cb.inputs, Input), ("State", cb.states, State)):
        for dep in deps:
            found = _resolve(dep, fixed, ids)
            if not dep.multi and len(found) != 1:
                raise NotModelled(
                    f"callback {cb.name}: {kind}({dep.key}) names no component in the layout for "
                    f"{json.dumps(fixed)} while others of its ids are there: the renderer would fail reading "
                    "it (an instance waiting for all its Inputs to arrive is modelled, R30; this is not)")
            for key, cid in found:
                comp = components[key]
                if not comp.has_prop(dep.component_property):
                    raise InvalidPropertyException(
                        f"callback {cb.name}: {kind}({dep.key}) matches {key}, a {type(comp).__name__} with no "
                        f"prop {dep.component_property!r}")
                if kind == "Output":
                    concrete[kind].append(Output(cid, dep.component_property, allow_duplicate=dep.allow_duplicate))
                else:
                    concrete[kind].append(make(cid, dep.component_property))
            shape.append(None if not dep.multi else len(found))
    keys = sorted(fixed)
    any_vals = json.dumps([fixed[k] for k in keys], separators=(",", ":"), ensure_ascii=False) if keys else ""
    return Instance(index=index, func=cb.func, outputs=tuple(concrete["Output"]), inputs=tuple(concrete["Input"]),
                    states=tuple(concrete["State"]), prevent_initial_call=cb.prevent_initial_call,
                    clientside=cb.clientside, multi=cb.multi, origin=cb.index, definition=cb, fixed=fixed,
                    any_vals=any_vals, shape=tuple(shape),
                    # what the renderer does around the request is the declared callback's (R26, R31)
                    running=cb.running, background=cb.background, cancels=cb.cancels)


def expand(callbacks: list[Callback], components: dict[str, Any], waiting_ok: bool = False) -> list[Callback]:
    """The callbacks the renderer runs: each declared one, or its instances in layout order (R25).

    Without a pattern-matching callback the list is the declared one; with
    one, every callback is a copy numbered by its place in the new list, and
    remembers the declared one it came from (``origin``).  ``waiting_ok``
    (an app whose layout changes, R30): an instance whose every single-id
    Input is missing waits for them instead of being refused.
    """
    if not any(cb.pattern for cb in callbacks):
        if all(cb.index == i for i, cb in enumerate(callbacks)):
            return list(callbacks)
        # some are dormant (R30): the rest are numbered by their place, and remember where they came from
        return [dataclasses.replace(cb, index=i, origin=cb.chain_id) for i, cb in enumerate(callbacks)]
    ids = _layout_ids(components)
    out: list[Callback] = []
    for cb in callbacks:
        if cb.pattern:
            for fixed in _match_values(cb, ids):
                if waiting_ok and _waiting(cb, fixed, ids):
                    continue   # R30: every Input it reads is yet to arrive
                out.append(_instance(cb, fixed, components, ids, len(out)))
        else:
            out.append(dataclasses.replace(cb, index=len(out), origin=cb.index))
    return out


def initial(cb: Callback) -> bool:
    """Does the page load request it (R5)?  Not with prevent_initial_call, nor with every Output absent."""
    if cb.prevent_initial_call:
        return False
    return bool(cb.outputs) or cb.no_output
