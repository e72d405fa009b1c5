"""Build the simulator's app from what the renderer received (``_dash-layout``, ``_dash-dependencies``).

Each component with an id becomes a simulator component holding the props the
layout JSON gives it (a ``dcc.Store`` becomes the simulator's
:class:`~simulator.components.Store`, whose ``modified_timestamp`` the model
derives, R4); each dependency becomes a :class:`RealCallback` whose output
ids are Dash's own, ``@hash`` suffix included (R11), and whose body is the
app's real function, reached through :class:`~simulator.dashapp.server.Server`.

Everything the model does not handle is refused here, before any run, naming
the callback and the feature (:class:`~simulator.dashapp.errors.Unsupported`).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any

from ..app import Callback, Dash, Response
from ..components import Component, Store
from ..dependencies import Input, Output, State
from .. import behaviour
from ..behaviour import USER, Kind
from ..clientside import JavaScript, Scripts
from .. import matching, wildcards
from ..errors import DependencyException, NotModelled
from . import background, known
from .errors import Unsupported
from .load import Source, Spec
from .server import Server, payload, to_response
from ..trees import Named, ids_in, refusal


#: Components that ignore the user while their ``disabled`` prop is truthy (R26): the HTML form
#: controls (a disabled <button> fires no click) and the dcc controls built on them.
DISABLABLE = frozenset(
    [("dash_html_components", t) for t in ("Button", "Input", "Select", "Textarea", "Option", "Fieldset")]
    + [("dash_core_components", t) for t in ("Button", "Input", "Textarea", "Dropdown", "Checklist", "RadioItems", "Slider",
                                              "RangeSlider", "DatePickerSingle", "DatePickerRange", "Upload",
                                              "Interval")])


#: The components the user changes through native HTML form controls, which a disabled <fieldset> around
#: them disables too (R26): Dash 4's Checklist and RadioItems draw <input>s, its Dropdown opens from a
#: <button>. Its Slider is built of other elements, and an Interval's timer reads only its own disabled.
NATIVE_CONTROLS = frozenset(
    [("dash_html_components", t) for t in ("Button", "Input", "Select", "Textarea")]
    + [("dash_core_components", t) for t in ("Input", "Textarea", "Button", "Checklist", "RadioItems",
                                              "Dropdown")])


def _first_legend(children: Any) -> Any:
    """A fieldset's first ``html.Legend`` child (its layout JSON), or None."""
    for child in children if isinstance(children, list) else [children]:
        if isinstance(child, dict) and (child.get("namespace"), child.get("type")) == ("dash_html_components",
                                                                                         "Legend"):
            return child
    return None


class Real(Component):
    """A component of the real app: its type, and the props its layout JSON sets (any prop is valid).

    What it does by itself comes from the table of known components
    (:mod:`.known`); ``known`` is False for a type the table does not know.
    """

    def __init__(self, id: str, type: str, namespace: str, props: dict[str, Any],
                 kind: Kind | None = None, extra: dict[str, Any] | None = None):
        super().__init__(id=id)
        self.initial = dict(props)   # children included: a callback may write it
        self.type = type
        self.namespace = namespace
        self.kind = kind or USER     # from the table (R22, R23); None (an unknown type): see ``known``
        self.known = kind is not None
        self.extra = extra or {}     # what the table needs from the layout beyond props (a Tabs' first tab)

    def __repr__(self) -> str:
        return f"{self.type}(id={self.id!r})"

    @property
    def disabled_stops_user(self) -> bool:
        return (self.namespace, self.type) in DISABLABLE


class RealStore(Store):
    """A ``dcc.Store``: the simulator's Store (R4), with the real app's props."""

    props = None
    type, namespace = "Store", "dash_core_components"


@dataclass(eq=False)
class RealCallback(Callback):
    """A callback whose body is the app's real function, answered by its Dash server."""

    output_id: str = ""
    wire: tuple[str, ...] = ()
    source: Source = field(default_factory=lambda: Source("callback"))
    server: Server | None = None
    manager: Any = None      # R31: the simulated background-callback manager, for a background callback

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def wire_outputs(self) -> tuple[str, ...]:
        return self.wire

    def execute(self, args: list[Any], changed: tuple[str, ...], now: float = 0.0) -> Response:
        if self.clientside:   # its JavaScript, in the page (R15)
            return Callback.execute(self, args, changed, now)
        outputs = [(o.component_id, w.rpartition(".")[2]) for o, w in zip(self.outputs, self.wire)]
        body = payload(self.output_id, outputs, self.multi,
                       [(i.component_id, i.component_property) for i in self.inputs],
                       [(s.component_id, s.component_property) for s in self.states], args, list(changed))
        return to_response(self.server.answer(body, now), f"{self.name} ({self.source.where})")

    def run_job(self, args: list[Any], changed: tuple[str, ...], now: float = 0.0):
        """R31: the job Dash starts for this background callback, run on the simulated manager.

        Reused for an equal first fetch, unless the job read the clock or the app is impure.
        """
        outputs = [(o.component_id, w.rpartition(".")[2]) for o, w in zip(self.outputs, self.wire)]
        return self._job(payload(self.output_id, outputs, self.multi,
                                 [(i.component_id, i.component_property) for i in self.inputs],
                                 [(s.component_id, s.component_property) for s in self.states], args, list(changed)),
                         now)

    def run_job_instance(self, instance: Callback, args: list[Any], changed: tuple[str, ...], now: float = 0.0):
        """R25/R31: one pattern-matching instance's job, its body filled as the renderer fills it."""
        return self._job(instance.filled_body(args, changed), now)

    def _job(self, body: dict[str, Any], now: float):
        memo = self.server.memo
        key = ("job", self.output_id, json.dumps(body, sort_keys=True, separators=(",", ":")))
        run = memo.get(key)
        if run is None:
            name = f"{self.name} ({self.source.where})"
            run = background.run_job(self.server, self.manager, body, now, name, lambda a: to_response(a, name))
            if not run.read_clock and not self.server.impure:
                memo[key] = run
        return run

    def execute_instance(self, instance: Callback, args: list[Any], changed: tuple[str, ...],
                         now: float = 0.0) -> Response:
        """One resolved instance of this pattern-matching callback (R25): lists where the ids are ALL."""
        if self.clientside:
            return Callback.execute(instance, args, changed, now)
        body = instance.filled_body(args, changed)
        return to_response(self.server.answer(body, now), f"{self.name} ({self.source.where})")


def _split_outputs(output: str) -> tuple[list[str], bool]:
    if output.startswith("..") and output.endswith(".."):
        return output[2:-2].split("..."), True
    return [output], False


def _dep(item: dict[str, Any], kind: str, name: str) -> tuple[Any, str]:
    """An Input's or State's id and prop; a pattern-matching id (R25) as a dict, wildcards parsed."""
    cid, prop = item.get("id"), item.get("property", "")
    if isinstance(cid, str) and cid.startswith("{"):
        return wildcards.parse(cid), prop
    if not isinstance(cid, str) or "." in cid:
        raise Unsupported(f"callback {name}: {kind} id {cid!r} contains '.'; such ids are not modelled")
    return cid, prop


def _running(spec: dict[str, Any], where: str) -> tuple[tuple[str, Any, Any], ...]:
    """``running=`` as Dash sends it (``{"running": {key: on}, "runningOff": {key: off}}``) as (key, on, off)."""
    on, off = spec.get("running") or {}, spec.get("runningOff") or {}
    for key in on:
        if key.startswith("{"):
            raise Unsupported(f"{where}: running= on {key.rpartition('.')[0]}, a pattern-matching id, is not modelled")
    return tuple((key, on[key], off.get(key)) for key in on)


def _components(layout: Any, found: dict[str, Component], assumed: frozenset[str] = frozenset(),
                trees: dict[str, dict[str, Any]] | None = None, fieldsets: tuple[str, ...] = (),
                around: tuple[str, ...] = (), within: tuple[str, ...] = (), path: tuple = ()) -> None:
    """Every component with an id into ``found``; the props holding components into ``trees`` (R27).

    ``fieldsets``: the ids of the ``html.Fieldset`` s around this part of the
    layout, innermost last: a disabled fieldset disables the form controls
    inside it (R26), except those in its legend.  ``around``: the ids of the
    html components around it that count clicks, innermost last: a click
    bubbles up to each of them (R29).  ``within``: the props of components
    with ids that hold this part (``"box.children"``): writing one takes it
    off the page (R30).  ``path``: where this part sits, as the renderer's
    paths say (R30).
    """
    trees = {} if trees is None else trees
    if isinstance(layout, list):
        for i, child in enumerate(layout):
            _components(child, found, assumed, trees, fieldsets, around, within, path + (i,))
        return
    if not isinstance(layout, dict) or "props" not in layout:
        return
    props = dict(layout.get("props") or {})
    cid = props.pop("id", None)
    kind, namespace = layout.get("type", "?"), layout.get("namespace", "?")
    key = wildcards.id_key(cid) if cid is not None else None   # a dict id is named by its stringifyId (R25)
    inner, legend = fieldsets, None
    if namespace == "dash_html_components" and kind == "Fieldset":
        if cid is None and props.get("disabled"):
            raise Unsupported("layout: an html.Fieldset without an id is disabled; the model follows a "
                              "fieldset's disabled prop by its id: give it one")
        if cid is not None:
            inner = fieldsets + (wildcards.id_key(cid),)
            legend = _first_legend(props.get("children"))
    outer = around
    if namespace == "dash_html_components" and cid is not None and not props.get("disable_n_clicks"):
        outer = around + (wildcards.id_key(cid),)
    for name, value in props.items():   # children, and components held in other props
        inside = within + (f"{key}.{name}",) if key is not None else within
        if name == "children" and legend is not None:
            for i, child in enumerate(value if isinstance(value, list) else [value]):
                # what the fieldset's first legend child holds is not disabled by that fieldset
                _components(child, found, assumed, trees, fieldsets if child is legend else inner, outer, inside,
                            path + ("props", name, *((i,) if isinstance(value, list) else ())))
        else:
            _components(value, found, assumed, trees, inner, outer, inside, path + ("props", name))
    extra = _tabs(props.get("children")) if (kind, namespace) == ("Tabs", "dash_core_components") else {}
    held = {k: v for k, v in props.items() if _is_component_tree(v)}
    props = {k: v for k, v in props.items() if k not in held}
    if cid is None:
        return
    if key in found:
        raise Unsupported(f"layout: two components share the id {key}")
    if held:
        trees[key] = held
    if (kind, namespace) == ("Store", "dash_core_components"):
        comp: Component = RealStore(id=cid, **props)
    else:
        comp = Real(cid, kind, namespace, props, known.kind(kind, namespace, assumed), extra)
        comp.fieldsets = fieldsets if (namespace, kind) in NATIVE_CONTROLS else ()
        comp.around = around
        comp.inner = (inner, outer)   # the fieldsets and click targets around what it holds
    comp.within, comp.path = within, path
    found[key] = comp


def _layout_values(callbacks: list[RealCallback], found: dict[str, Component],
                   trees: dict[str, dict[str, Any]]) -> Named:
    """R27: the ids callbacks name; a prop holding components that a callback reads gets them as its value.

    A running= prop whose components hold an id a callback names would take
    them off the page, a layout change the renderer makes outside R30's path:
    refused, naming both.  (An Output doing so is a layout change, R30.)
    """
    named = Named([d.component_id for cb in callbacks for d in (*cb.outputs, *cb.inputs, *cb.states)]
                  + [key.rpartition(".")[0] for cb in callbacks for key, _, _ in cb.running])
    for cb in callbacks:
        written = [Output(key.rpartition(".")[0], key.rpartition(".")[2]) for key, _, _ in cb.running]
        for dep in (*written, *cb.outputs, *cb.inputs, *cb.states):
            targets = [k for k, c in found.items() if wildcards.matches(dep.component_id, c.id, {})] \
                if dep.pattern else [dep.id_key]
            for key in targets:
                tree = trees.get(key, {}).get(dep.component_property)
                if tree is None:
                    continue
                if dep in written:
                    why = refusal(named, f"{key}.{dep.component_property}", None, ids_in(tree))
                    if why:
                        raise Unsupported(f"callback {cb.name} ({cb.source.where}) writes "
                                          f"{key}.{dep.component_property}: {why}")
                found[key].initial.setdefault(dep.component_property, tree)   # read as the renderer sends it
    return named


class Chunks:
    """R30: the components a callback's answer puts on the page, read as the initial layout was.

    Called by :func:`simulator.chunks.change` with the component whose prop
    is written; returns the new components by key, in layout order.  What the
    model does not run on arrival is refused by name: a component that acts
    when it mounts (a Store stamping its data, R4; a Location, a Tabs, an
    Interval's timer, R22), one of a type the model does not know that a
    callback reads (R23), and a chunk inside an ``html.Fieldset``.
    """

    inner_first = True   # the layout is read with a component after what it holds (_components)

    def __init__(self, callbacks: list[RealCallback], assumed: frozenset[str]):
        self.callbacks = callbacks
        self.assumed = assumed
        self.read = Named([d.component_id for cb in callbacks for d in (*cb.inputs, *cb.states)])

    def __call__(self, holder: Component, prop: str, value: Any) -> dict[str, Component]:
        where = f"a callback writes components into {holder.key}.{prop}"
        if getattr(holder, "type", None) == "Fieldset":
            raise NotModelled(f"{where}, an html.Fieldset: what its disabled prop then covers is not modelled (R30)")
        found: dict[str, Component] = {}
        trees: dict[str, dict[str, Any]] = {}
        fieldsets, around = getattr(holder, "inner", ((), ()))
        try:
            _components(value, found, self.assumed, trees, fieldsets, around,
                        holder.within + (f"{holder.key}.{prop}",), holder.path + ("props", prop))
        except Unsupported as exc:   # e.g. two copies of one id: a page Dash reports as broken
            raise NotModelled(f"{where}: {str(exc).removeprefix('layout: ')} (R30)") from None
        for key, comp in found.items():
            kind = getattr(comp, "type", type(comp).__name__)
            if isinstance(comp, Store) or comp.kind in (behaviour.LOCATION, behaviour.TABS, behaviour.INTERVAL):
                raise NotModelled(f"{where}: the new {kind} {key} acts when it mounts (R4, R22), which the model "
                                  "runs on page load only; a layout change bringing one is not modelled (R30)")
            if isinstance(comp, Real) and not comp.known and self.read.names(comp.id):
                raise NotModelled(f"{where}: a callback reads the new {comp.namespace} {comp.type} {key}, a "
                                  "component the model does not know (R23); if it changes its props only when "
                                  f"the user acts, say so with --assume-user-only {comp.namespace}.{comp.type}")
            for name, tree in trees.get(key, {}).items():
                comp.initial.setdefault(name, tree)   # a prop holding components is read as its JSON (R27)
        return found


def _tabs(children: Any) -> dict[str, Any]:
    """What the table needs of a ``dcc.Tabs``' children (``Tabs.tsx``).

    ``tab_values``: the values it shows its tabs with (a Tab without one is
    ``tab-<n>``); ``first_tab_value``: the first child's own value, which it
    selects on mount when it has none (R22; ``'tab-1'`` when that is unset too).
    """
    tabs = children if isinstance(children, list) else [children] if children is not None else []
    own = [tab.get("props") if isinstance(tab, dict) and isinstance(tab.get("props"), dict) else None
           for tab in tabs]
    return {"tab_values": [p.get("value") or f"tab-{n}" for n, p in enumerate(own, 1) if p is not None],
            "first_tab_value": own[0].get("value") if own and own[0] is not None else None}


def _is_component_tree(value: Any) -> bool:
    if isinstance(value, dict):
        return "props" in value and "type" in value
    if isinstance(value, list):
        return any(_is_component_tree(v) for v in value)
    return False


def _scripts(spec: Spec) -> Scripts:
    """The page's JavaScript as the browser loads it: the assets folder's .js files, then the inline functions."""
    app = spec.dash_app
    scripts = Scripts()
    folder = getattr(app.config, "assets_folder", None)
    if getattr(app.config, "include_assets_files", True) and folder and os.path.isdir(folder):
        ignore = re.compile(app.config.assets_ignore) if getattr(app.config, "assets_ignore", "") else None
        for current, _, files in sorted(os.walk(folder)):
            for name in sorted(files):
                if name.endswith(".js") and not (ignore and ignore.search(name)):
                    path = os.path.join(current, name)
                    with open(path, encoding="utf-8", errors="replace") as fh:
                        scripts.add(os.path.relpath(path, folder), fh.read())
    for k, script in enumerate(getattr(app, "_inline_scripts", None) or ()):
        scripts.add(f"inline script {k + 1}", script)
    return scripts


def _javascript(spec: Spec, fn: dict[str, Any]) -> str:
    """The clientside function, for the refusal: its inline source's start, or namespace.function_name."""
    name = fn.get("function_name", "")
    for script in getattr(spec.dash_app, "_inline_scripts", None) or ():
        marker = f'ns["{name}"] = '
        if marker in script:
            text = " ".join(script.split(marker, 1)[1].split()).rsplit("})();", 1)[0].rstrip("; ")
            return text if len(text) <= 60 else text[:57] + "..."
    return f"{fn.get('namespace')}.{name}"


@dataclass
class Converted:
    """The simulator app built from a real one, with what the report needs to name things."""

    app: Dash
    server: Server
    spec: Spec
    callbacks: list[RealCallback]
    websocket: tuple[str, ...] = ()   # callbacks the real app sends over its WebSocket (Dash 4)
    http: tuple[str, ...] = ()        # ... and over HTTP

    def transport_refusal(self, transport: str) -> str | None:
        """Why the app cannot be checked over ``transport``: Dash picks each callback's transport itself."""
        if self.websocket and self.http:
            return (f"callbacks {', '.join(self.websocket)} go over the WebSocket (websocket=True) while "
                    f"{', '.join(self.http)} go over HTTP; one app on two transports is not modelled")
        if self.websocket and transport != "websocket":
            return ("the app sends its callbacks over the WebSocket (websocket_callbacks=True on a backend that "
                    f"has one): check it with --transport websocket, not {transport}")
        if self.http and transport == "websocket":
            return ("--transport websocket, but the app sends its callbacks over HTTP (no websocket_callbacks, "
                    "or a backend without WebSockets): leave --transport at http1 or http2")
        return None

    def component(self, cid: str) -> Component:
        return self.app.components()[cid]


def convert(spec: Spec, flask: bool = False, impure: bool = False, url: str | None = None,
            assume_user_only: tuple[str, ...] = ()) -> Converted:
    """The simulator app for ``spec``; refuses unmodelled features (see the module docstring).

    ``url`` is the address the page opens at (R22); ``assume_user_only``
    names component types (``namespace.Type``, ``Type`` or a whole
    ``namespace``) the user vouches change their props only when the user acts.
    """
    if getattr(spec.dash_app, "use_pages", False):
        raise Unsupported("the app uses Dash Pages (use_pages=True): dash.page_container is filled by a callback "
                          "that changes the layout when the URL changes, which is not modelled; check a page's "
                          "layout and callbacks as an app of its own")
    server = Server(spec.dash_app, flask=flask, impure=impure)
    found: dict[str, Component] = {}
    trees: dict[str, dict[str, Any]] = {}
    _components(spec.layout, found, frozenset(assume_user_only), trees)
    app = Dash(spec.target)
    if url is not None:
        app.url = url
    app.layout = list(found.values())
    callbacks: list[RealCallback] = []
    scripts = None   # the page's JavaScript, loaded when a clientside callback needs it
    cmap = spec.dash_app.callback_map
    manager = background.install(spec.dash_app, cmap, {
        out: f"{(spec.sources.get(out) or Source(out)).name} ({(spec.sources.get(out) or Source(out)).where})"
        for out in cmap})
    cancel_inputs = {background.dep_key(c) for e in cmap.values() if e.get("background")
                     for c in e["background"].get("cancel") or ()}
    for index, dep in enumerate(spec.dependencies):
        output = dep.get("output", "")
        source = spec.sources.get(output) or Source(f"callback_{index}")
        name = source.name
        fn = dep.get("clientside_function")
        if fn:   # R15: its JavaScript runs in an embedded V8 (simulator.clientside)
            text = _javascript(spec, fn)
            source = Source(f"clientside {text if len(text) <= 40 else text[:37] + '...'}", "clientside JavaScript")
            name = source.name
            if scripts is None:
                scripts = _scripts(spec)
        running = _running(dep.get("running") or {}, f"callback {name} ({source.where})")   # R26
        if dep.get("dynamic_creator"):
            raise Unsupported(f"callback {name} ({source.where}): dynamically created callbacks are not modelled")
        wires, multi = ([], False) if dep.get("no_output") else _split_outputs(output)   # R24
        outputs = []
        for wire in wires:
            cid, _, prop = wire.rpartition(".")
            cid = wildcards.parse(cid) if cid.startswith("{") else cid.replace("\\.", ".")   # R25
            outputs.append(Output(cid, prop.split("@")[0], allow_duplicate="@" in prop))
        ins = [Input(*_dep(i, "Input", name)) for i in dep.get("inputs", [])]
        states = [State(*_dep(s, "State", name)) for s in dep.get("state", [])]
        if any(d.pattern for d in (*outputs, *ins, *states)):
            try:
                matching.check_definition(name, outputs, ins, states)
            except (DependencyException, NotModelled) as exc:
                raise Unsupported(f"{exc} ({source.where})") from None
        for kind, deps in (("Input", ins), ("State", states)):
            for d in deps:   # (an id not in the initial layout may arrive with a layout change, R30)
                read = ([found[d.id_key]] if d.id_key in found else []) if not d.pattern else [
                    c for c in found.values() if wildcards.matches(d.component_id, c.id, {})]
                for comp in read:
                    if isinstance(comp, Real) and not comp.known:
                        raise Unsupported(
                            f"callback {name} ({source.where}): {kind}({d.key}) reads a {comp.namespace} "
                            f"{comp.type}, a component the model does not know: it cannot tell what the component "
                            "changes by itself (R23). If it changes its props only when the user acts, say so "
                            f"with --assume-user-only {comp.namespace}.{comp.type}")
        func = (JavaScript(scripts, fn.get("namespace", ""), fn.get("function_name", "")) if fn else
                spec.dash_app.callback_map.get(output, {}).get("callback"))
        entry = cmap.get(output, {})
        spec_bg = background.spec_of(entry) if dep.get("background") and entry.get("background") else None
        # Dash's own callback for a background callback's cancel Input (dash.py, _setup_server; R31)
        cancels = (getattr(getattr(func, "__wrapped__", func), "__name__", "") == "cancel_call"
                   and len(wires) == 1 and wires[0].endswith(".id") and len(ins) == 1 and ins[0].key in cancel_inputs)
        cb = RealCallback(index=index, func=func,
                          outputs=tuple(outputs), inputs=tuple(ins), states=tuple(states),
                          prevent_initial_call=bool(dep.get("prevent_initial_call")), clientside=bool(fn),
                          multi=multi, output_id=output, wire=tuple(wires), source=source, server=server,
                          running=running, background=spec_bg, cancels=cancels,
                          manager=manager if spec_bg is not None else None)
        callbacks.append(cb)
    app.callbacks = list(callbacks)
    server.named = _layout_values(callbacks, found, trees)
    app.chunks = Chunks(callbacks, frozenset(assume_user_only))
    # A real app's callbacks may name ids its first layout lacks (in Dash, that only shows an error in the
    # dev tools without suppress_callback_exceptions): they wait for the ids to arrive (R30).
    app.suppress_callback_exceptions = True
    # actions/callbacks.ts (useWebSocket): every callback when the app enables it, or one flagged
    # websocket=True, but only on a backend that serves a WebSocket (the renderer's config says so).
    capable = bool(getattr(getattr(spec.dash_app, "backend", None), "websocket_capability", False))
    everywhere = bool(getattr(spec.dash_app, "_websocket_callbacks", False))
    over_ws = [capable and (everywhere or bool(dep.get("websocket"))) for dep in spec.dependencies]
    return Converted(app, server, spec, callbacks,
                     websocket=tuple(cb.name for cb, ws in zip(callbacks, over_ws) if ws),
                     http=tuple(cb.name for cb, ws in zip(callbacks, over_ws) if not ws))
