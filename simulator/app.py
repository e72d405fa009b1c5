"""The authoring API: a Dash-like app whose callbacks are plain Python.

Write callbacks exactly as in Dash::

    app = Dash()
    app.layout = [dcc.Input(id="first_name"), dcc.Store(id="user_data", data={})]

    @app.callback(Output("user_data", "data", allow_duplicate=True),
                  Input("first_name", "value"), State("user_data", "data"),
                  prevent_initial_call=True)
    def update_first_name(first_name, user_data): ...

Mistakes Dash refuses are refused here too, with a message that names the
callback and the prop.  Checks that need one callback are made when it is
declared; checks that need the whole app (unknown ids, duplicate outputs)
when the app is built into a :class:`~simulator.graph.Graph`.
"""

from __future__ import annotations

import hashlib
import json
from json.encoder import encode_basestring_ascii
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from . import guard, jsonvalue
from .components import Component, arriving, flatten, place, to_json
from .context import SetPropsNotModelled, no_update, running
from .dependencies import Input, Output, State
from .page import DEFAULT_URL
from .errors import (DependencyException, DuplicateCallback, InvalidCallbackReturnValue, NotModelled,
                     NonExistentIdException, InvalidPropertyException, PreventUpdate)
from .patch import Patch


def _hash_inputs(inputs: Sequence[Input]) -> str:
    """Dash suffixes an allow_duplicate output with a hash of the inputs (R11), as Python writes them."""
    return hashlib.sha256(".".join(i.dash_key for i in inputs).encode()).hexdigest()


_encode = json.JSONEncoder(separators=(",", ":")).encode   # json.dumps(value, separators=(",", ":"))
_scan = json.JSONDecoder().scan_once                         # json.loads of text with no surrounding space
_SCALARS = (str, int, float, bool, type(None))
_BODY_HEAD = '{"multi":true,"response":{'   # then {cid:{prop:value,...},...}}}


def _encoded(value: Any) -> str:
    """``_encode(value)``; strings and None without the encoder."""
    if type(value) is str:
        return encode_basestring_ascii(value)
    return "null" if value is None else _encode(value)


def _wire(value: Any) -> Any:
    """``json.loads(_encode(value))``: the value as it comes out of the other side of the wire.

    JSON scalars come out equal (a float's repr round-trips exactly), so
    only containers are encoded and decoded.
    """
    if type(value) in _SCALARS:
        return value
    return _scan(_encode(value), 0)[0]


def _received(text: str, value: Any) -> Any:
    """The value of ``text`` (its JSON) as the browser parses it."""
    return value if type(value) in _SCALARS else _scan(text, 0)[0]


@dataclass(frozen=True)
class Response:
    """What comes back for one request.

    ``kind`` is ``"data"`` (``outputs`` maps plain prop keys to a full value
    or a Patch's wire form), ``"prevent"`` (HTTP 204: PreventUpdate or
    nothing but no_update) or ``"error"`` (R18, ``message`` says why).
    """

    kind: str
    outputs: dict[str, Any] = field(default_factory=dict)
    message: str = ""
    nbytes: int = 0
    elapsed: float = 0.0  # ms the callback itself spent on the server (a real app's time.sleep)
    #: ``set_props`` side updates (R21), plain prop keys -> value as received, in the order
    #: the body set them; only a ``"data"`` response carries any.
    side: dict[str, Any] = field(default_factory=dict)


def _has_components(outputs: dict[str, Any]) -> bool:
    """Do the values a callback returned hold a component of the Dash-like API anywhere?"""
    seen: set[int] = set()

    def has(value: Any) -> bool:
        if isinstance(value, Component):
            return True
        if not isinstance(value, (list, tuple, dict)) or id(value) in seen:   # a circular value: not ours
            return False
        seen.add(id(value))
        return any(map(has, value.values() if isinstance(value, dict) else value))
    return any(has(v) for v in outputs.values())


@dataclass(eq=False)
class Callback:
    """One ``@app.callback``: its props, flags and Python body."""

    index: int
    func: Callable[..., Any]
    outputs: tuple[Output, ...]
    inputs: tuple[Input, ...]
    states: tuple[State, ...]
    prevent_initial_call: bool
    clientside: bool
    multi: bool  # declared with a list of outputs: the body returns a list
    #: The index of the declared callback this one is a copy or an instance of (R25), or -1: itself.
    origin: int = -1
    #: ``running=[(Output, on, off), ...]``: props the renderer sets when the request is sent and
    #: again when its response arrives (R26), as (prop key, on value, off value).
    running: tuple[tuple[str, Any, Any], ...] = ()
    #: ``background=True`` (R31): how its job is polled, its progress and cancel props; None: an
    #: ordinary callback.
    background: Any = None
    #: The hidden callback Dash adds for a background callback's ``cancel`` Input (R31): a request
    #: of it kills the jobs the renderer names in it (``cancelJob``).
    cancels: bool = False

    @property
    def name(self) -> str:
        return getattr(self.func, "__name__", f"callback_{self.index}")

    @property
    def chain_id(self) -> int:
        """What a request's chain of predecessors records (R3, R6): the declared callback, shared by its instances."""
        return self.index if self.origin < 0 else self.origin

    @property
    def pattern(self) -> bool:
        """Declared with a pattern-matching dependency (R25): the graph runs its instances, not it."""
        return any(d.pattern for d in (*self.outputs, *self.inputs, *self.states))

    @property
    def no_output(self) -> bool:
        """A callback with no outputs (Dash 3+): it acts through ``set_props`` only (R24)."""
        return not self.outputs

    @property
    def output_id(self) -> str:
        """The ``output`` of its request: its outputs joined, or for a no-output callback a hash of its Inputs."""
        if self.no_output:
            return _hash_inputs(self.inputs)
        digest = _hash_inputs(self.inputs)
        wire = [f"{o.dash_key}@{digest}" if o.allow_duplicate else o.dash_key for o in self.outputs]
        return "..".join(wire) if not self.multi else f"..{'...'.join(wire)}.."

    @property
    def wire_outputs(self) -> tuple[str, ...]:
        """Outputs as the renderer sees them: ``data@<hash>`` for allow_duplicate (R11)."""
        digest = _hash_inputs(self.inputs)
        return tuple(f"{o.key}@{digest}" if o.allow_duplicate else o.key for o in self.outputs)

    def __repr__(self) -> str:
        return f"<callback {self.name}>"

    def describe(self) -> str:
        parts = [f"Output({o.component_id!r}, {o.component_property!r}"
                 + (", allow_duplicate=True)" if o.allow_duplicate else ")") for o in self.outputs]
        parts += [f"Input({i.component_id!r}, {i.component_property!r})" for i in self.inputs]
        parts += [f"State({s.component_id!r}, {s.component_property!r})" for s in self.states]
        return f"{self.name}({', '.join(parts)})"

    # --- the server side ---------------------------------------------------
    def execute(self, args: list[Any], changed: tuple[str, ...], now: float = 0.0) -> Response:
        """Run the body on values that crossed the wire; whatever it raises is an error response (R18).

        ``now`` is the simulated time (ms) at which the server runs it.  What
        escapes: a real Ctrl-C, a body over its wall-clock limit, and a value
        too deep to model (:mod:`.guard`, :mod:`.jsonvalue`).
        """
        side: dict[str, dict[str, Any]] = {}
        slept = [0.0]

        def body():
            with running(changed, now, side, lambda: self._lists(args), slept):
                return self.func(*self._arguments([_wire(a) for a in args]))   # json.loads(_dumps(args)), item by item

        result, raised = guard.run(self.name, body)
        return self._finish(result, raised, side, slept[0])

    def _finish(self, result: Any, raised: BaseException | None, side: dict[str, dict[str, Any]],
                elapsed: float = 0.0) -> Response:
        """The response for what the body returned or raised, with its side updates and the time it slept."""
        if isinstance(raised, SetPropsNotModelled):
            raise SetPropsNotModelled(f"callback {self.name}: {raised}") from None
        if isinstance(raised, NotModelled):   # a clientside function the model cannot run (.clientside)
            raise type(raised)(f"callback {self.name}: {raised}") from None
        response = self._response(result, raised)
        if side and self.clientside:
            # dash_clientside.set_props: set while the function runs, so even before a PreventUpdate (R15, R21)
            return self._with_side(response, side, keep_kind=True)
        # PreventUpdate or an error: Dash sends no sideUpdate (R21)
        if side and response.kind != "error" and not isinstance(raised, PreventUpdate):
            response = self._with_side(response, side)
        jsonvalue.check_size(response.nbytes, f"callback {self.name}")
        if elapsed:
            response = Response(response.kind, outputs=response.outputs, message=response.message,
                                nbytes=response.nbytes, elapsed=elapsed, side=response.side)
        return response

    def run_job(self, args: list[Any], changed: tuple[str, ...], now: float = 0.0):
        """Run the body as a background job (R31): its outcome, and its set_props / progress calls timed.

        As ``_make_job_fn`` does: ``set_progress`` comes first when the
        callback has ``progress``; each ``set_props`` call replaces the job's
        one cache entry with that component's props so far; PreventUpdate and
        errors leave the calls made before them in place.
        """
        from .jobs import JobRun, progress_values
        spec = self.background
        calls: list[tuple[float, str, dict[str, Any]]] = []
        slept = [0.0]
        merged: dict[str, dict[str, Any]] = {}

        class Entry(dict):
            """ctx.updated_props as a job has it (ProxySetProps): each call is timed and replaces the entry."""

            def __setitem__(entry, cid: str, props: dict[str, Any]) -> None:
                merged[cid] = {**merged.get(cid, {}), **props}
                dict.__setitem__(entry, cid, merged[cid])
                calls.append((slept[0], "set_props", self._side_values({cid: merged[cid]})))

        def set_progress(value: Any) -> None:
            values = list(value) if isinstance(value, (list, tuple)) else [value]
            for key, v in zip(spec.progress, values):
                jsonvalue.check_depth(v, f"callback {self.name} set_progress to {key}")
            calls.append((slept[0], "progress", progress_values(self.name, spec.progress, values,
                                                                 lambda v: _wire(to_json(v)))))

        def body():
            with running(changed, now, Entry(), lambda: self._lists(args), slept):
                first = [set_progress] if spec.progress else []
                return self.func(*first, *self._arguments([_wire(a) for a in args]))

        result, raised = guard.run(self.name, body)
        if isinstance(raised, NotModelled):
            raise type(raised)(f"callback {self.name}: {raised}") from None
        return JobRun(self._response(result, raised), calls, slept[0])

    def run_job_instance(self, instance: "Callback", args: list[Any], changed: tuple[str, ...], now: float = 0.0):
        """Run this declared callback's job for one of its pattern-matching instances (R25, R31)."""
        return Callback.run_job(instance, args, changed, now)

    def _side_values(self, side: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """set_props values as the browser receives them, by prop key."""
        return {f"{cid}.{prop}": _wire(to_json(v.to_plotly_json() if isinstance(v, Patch) else v))
                for cid, values in side.items() for prop, v in values.items()}

    def execute_instance(self, instance: "Callback", args: list[Any], changed: tuple[str, ...],
                         now: float = 0.0) -> Response:
        """Run this declared callback for one of its pattern-matching instances (R25, :mod:`.matching`)."""
        return Callback.execute(instance, args, changed, now)

    def _arguments(self, args: list[Any]) -> list[Any]:
        """The body's arguments from the values read, one per Input and State (an instance groups lists, R25)."""
        return args

    def _lists(self, args: list[Any]) -> dict[str, Any]:
        """``ctx.inputs_list``, ``states_list`` and ``outputs_list`` for a run on ``args``, as Dash builds them."""
        values = iter(args)
        ins = [{"id": d.component_id, "property": d.component_property, "value": next(values)} for d in self.inputs]
        states = [{"id": d.component_id, "property": d.component_property, "value": next(values)}
                  for d in self.states]
        outs = [{"id": d.component_id, "property": d.component_property} for d in self.outputs]
        return {"inputs_list": ins, "states_list": states,
                "outputs_list": outs if self.multi or not outs else outs[0]}

    def _with_side(self, response: Response, side: dict[str, dict[str, Any]], keep_kind: bool = False) -> Response:
        """R21: the response with its ``sideUpdate``, as ``dash/_callback.py`` puts it in the body.

        The body becomes ``{"multi":true,"sideUpdate":{cid:{prop:value}},"response":{...}}``
        (a response of nothing but side updates still goes back, with an empty ``response``).
        """
        for cid, values in side.items():
            for prop, value in values.items():
                jsonvalue.check_depth(value, f"callback {self.name} set_props to {cid}.{prop}")
        try:
            text = _encode({cid: {p: to_json(v.to_plotly_json() if isinstance(v, Patch) else v) for p, v in values.items()}
                            for cid, values in side.items()})
        except (TypeError, ValueError) as exc:
            message = f"Callback {self.name} set_props a value that is not JSON serializable: {exc}"
            return Response("error", message=message, nbytes=len(message))
        received = self._side_values(side)
        if keep_kind:   # a clientside function's set_props: no body on a wire, whatever its answer
            return Response(response.kind, outputs=response.outputs, message=response.message,
                            nbytes=response.nbytes, elapsed=response.elapsed, side=received)
        if response.kind == "data":
            return Response("data", outputs=response.outputs, nbytes=response.nbytes + len('"sideUpdate":,') + len(text),
                            elapsed=response.elapsed, side=received)
        empty = len(_BODY_HEAD) + 2  # {"multi":true,"response":{}}
        return Response("data", nbytes=empty + len('"sideUpdate":,') + len(text), side=received)

    def _response(self, result: Any, raised: BaseException | None) -> Response:
        """The response for what the body returned or raised, before any side updates."""
        if isinstance(raised, PreventUpdate):
            return Response("prevent", nbytes=0)
        if raised is not None:
            what = (f"updating {', '.join(o.key for o in self.outputs)}" if self.outputs else
                    f"with no output from input {', '.join(i.key for i in self.inputs)}")   # the renderer's words
            message = f"Callback error {what} in {self.name}: {guard.describe(raised)}"
            return Response("error", message=message, nbytes=len(message))
        try:
            outputs = self._outputs_of(result)
        except InvalidCallbackReturnValue as exc:
            return Response("error", message=str(exc), nbytes=len(str(exc)))
        if not outputs:
            return Response("prevent", nbytes=0)
        return self._answer(outputs)

    def _answer(self, outputs: dict[str, Any]) -> Response:
        """The data response for ``outputs`` (prop key -> value, a Patch in its wire form)."""
        if len(outputs) == 1:  # the usual case, as below with one component and one prop
            (key, value), = outputs.items()
            jsonvalue.check_depth(value, f"callback {self.name} returned to {key}")
            try:
                encoded = _encoded(value)
            except (TypeError, ValueError) as exc:
                if _has_components(outputs):   # components travel as their JSON (R27, R30)
                    return self._answer({k: to_json(v) for k, v in outputs.items()})
                message = f"Callback {self.name} returned a value that is not JSON serializable: {exc}"
                return Response("error", message=message, nbytes=len(message))
            cid, prop = self._quoted(key)
            size = len(_BODY_HEAD) + len(cid) + 2 + len(prop) + 1 + len(encoded) + 3
            return Response("data", outputs={key: _received(encoded, value)}, nbytes=size)
        body: dict[str, dict[str, Any]] = {}
        for key, value in outputs.items():
            jsonvalue.check_depth(value, f"callback {self.name} returned to {key}")
            cid, _, prop = key.rpartition(".")
            body.setdefault(cid, {})[prop] = value
        # The body is {"multi":true,"response":{cid:{prop:value}}}: its size is that of
        # its parts (the encoder escapes all but ASCII: characters are bytes), and the
        # browser receives each value as its JSON parses.
        try:
            encoded = {cid: {prop: _encoded(value) for prop, value in props.items()} for cid, props in body.items()}
        except (TypeError, ValueError) as exc:
            if _has_components(outputs):
                return self._answer({k: to_json(v) for k, v in outputs.items()})
            message = f"Callback {self.name} returned a value that is not JSON serializable: {exc}"
            return Response("error", message=message, nbytes=len(message))
        text = _BODY_HEAD + ",".join(
            encode_basestring_ascii(cid) + ":{" + ",".join(encode_basestring_ascii(prop) + ":" + text
                                                            for prop, text in props.items()) + "}"
            for cid, props in encoded.items()) + "}}"
        received = {}
        for key, value in outputs.items():
            cid, _, prop = key.rpartition(".")
            received[key] = _received(encoded[cid][prop], value)
        return Response("data", outputs=received, nbytes=len(text))

    def _quoted(self, key: str) -> tuple[str, str]:
        """An output key's component id and prop, JSON-quoted (cached per callback)."""
        cache = self.__dict__.setdefault("_quoted_keys", {})
        if key not in cache:
            cid, _, prop = key.rpartition(".")
            cache[key] = (encode_basestring_ascii(cid), encode_basestring_ascii(prop))
        return cache[key]

    def _outputs_of(self, result: Any) -> dict[str, Any]:
        if self.no_output:
            if result is not None:   # dash/_callback.py refuses it: an error response
                raise InvalidCallbackReturnValue(f"No-output callback received return value: {result!r:.80}")
            return {}
        if self.multi:
            if not isinstance(result, (list, tuple)) or len(result) != len(self.outputs):
                raise InvalidCallbackReturnValue(
                    f"Callback {self.name} has {len(self.outputs)} outputs and must return a list of "
                    f"{len(self.outputs)} values, got {result!r:.80}")
            values = list(result)
        else:
            values = [result]
        out = {}
        for output, value in zip(self.outputs, values):
            if value is no_update:
                continue
            out[output.key] = value.to_plotly_json() if isinstance(value, Patch) else value
        return out


def _running(name: str, running: Any) -> tuple[tuple[str, Any, Any], ...]:
    """``running=[(Output(id, prop), on, off), ...]`` as (prop key, on, off), checked as Dash checks it (R26)."""
    if running is None:
        return ()
    if not isinstance(running, (list, tuple)):
        raise DependencyException(f"callback {name}: running= takes a list of (Output, on, off) triples")
    out = []
    for item in running:
        if not (isinstance(item, (list, tuple)) and len(item) == 3 and isinstance(item[0], Output)):
            raise DependencyException(f"callback {name}: each running= item is (Output(id, prop), on value, off value), "
                                      f"not {item!r:.60}")
        dep, on, off = item
        if dep.pattern:
            raise NotModelled(f"callback {name}: running= on {dep.key}, a pattern-matching id, is not modelled")
        for value in (on, off):
            jsonvalue.check(value, f"callback {name}: running= value for {dep.key}")
        out.append((dep.key, on, off))
    return tuple(out)


def _background(name: str, background: Any, clientside: bool, interval: Any, progress: Any, progress_default: Any,
                cancel: Any, manager: Any):
    """``background=True`` and its options as a :class:`~simulator.jobs.Background` (R31), checked as Dash checks them."""
    from .jobs import DEFAULT_INTERVAL, Background
    options = {"interval": interval, "progress": progress, "progress_default": progress_default, "cancel": cancel}
    if not background:
        given = [k for k, v in options.items() if v is not None]
        if given:
            raise DependencyException(f"callback {name}: {', '.join(given)} only apply to background callbacks "
                                      "(background=True)")
        return None
    if background is not True:
        raise DependencyException(f"callback {name}: background takes True or False, not {background!r:.40}")
    if clientside:
        raise DependencyException(f"callback {name}: a clientside callback cannot run in the background")
    if interval is None:
        interval = DEFAULT_INTERVAL
    if isinstance(interval, bool) or not isinstance(interval, (int, float)) or not 0 <= interval < float("inf"):
        raise DependencyException(f"callback {name}: interval is the ms between polls, a number >= 0, "
                                  f"not {interval!r:.40}")
    outs = _as_tuple(progress)
    ins = _as_tuple(cancel)
    for dep, kind in [(d, Output) for d in outs] + [(d, Input) for d in ins]:
        if type(dep) is not kind:
            raise DependencyException(f"callback {name}: {'progress' if kind is Output else 'cancel'} takes "
                                      f"{kind.__name__}s, not {dep!r:.60}")
        if dep.pattern:   # validate_background_inputs
            raise DependencyException(f"callback {name}: background callbacks do not support dependencies with "
                                      f"pattern-matching ids ({dep.key})")
    default = None
    if progress_default:   # Dash's own test: a falsy default (0, "", []) is no default
        default = _as_tuple(progress_default) if isinstance(progress_default, (list, tuple)) else (progress_default,)
        if len(default) != len(outs):
            raise DependencyException(f"callback {name}: progress and progress_default need the same length")
        for value in default:
            jsonvalue.check(value, f"callback {name}: progress_default")
    return Background(float(interval), tuple(d.key for d in outs), default, tuple(d.key for d in ins))


def _as_tuple(deps) -> tuple:
    if deps is None:
        return ()
    if isinstance(deps, (list, tuple)):
        return tuple(deps)
    return (deps,)


def dormant(cb: Callback, comps: dict[str, Component]) -> bool:
    """R30: is ``cb`` off the page, a plain id it names being absent (until a layout change brings it)?

    Only wholly so: with every Output on the page and an Input that can fire
    (a plain one present, or a pattern), the renderer would run it and fail
    to read the absent value, which the model does not follow: refused.
    """
    missing = [d for d in (*cb.outputs, *cb.inputs, *cb.states) if not d.pattern and d.id_key not in comps]
    if not missing:
        return False
    outputs_here = all(d.pattern or d.id_key in comps for d in cb.outputs)
    some_output = any(d.pattern or d.id_key in comps for d in cb.outputs)
    can_fire = any(d.pattern or d.id_key in comps for d in cb.inputs)
    if some_output and not outputs_here and can_fire:
        # pruneCallbacks keeps a callback with some Outputs on the page, and it runs into those: not modelled
        raise NotModelled(
            f"callback {cb.name} writes {', '.join(sorted({d.id_key for d in cb.outputs if d.id_key not in comps}))}, "
            "which is not on the page, beside Outputs that are, and an Input can still fire it: the renderer "
            "would run it into the Outputs left (R30); not modelled")
    if outputs_here and can_fire:
        raise NotModelled(
            f"callback {cb.name} names {', '.join(sorted({d.id_key for d in missing}))}, which "
            f"{'is' if len({d.id_key for d in missing}) == 1 else 'are'} not on the page, while its Outputs and "
            "an Input are: the renderer would run it and fail to read the absent value (R30); not modelled")
    return True


class Dash:
    """An app: a layout and its callbacks.  Named after ``dash.Dash``."""

    def __init__(self, name: str = "app", suppress_callback_exceptions: bool = False):
        self.name = name
        self.callbacks: list[Callback] = []
        self._graph = None
        self._built_from: tuple = ()
        self.layout = []
        #: How components a callback writes join the page (R30): the Dash-like API's own components
        #: (:func:`simulator.components.arriving`); ``check`` sets a real app's
        #: (:class:`simulator.dashapp.convert.Chunks`).  None: the layout never changes.
        self.chunks = arriving
        #: As in Dash: a callback may name ids the first layout lacks (they arrive later, R30).
        self.suppress_callback_exceptions = suppress_callback_exceptions
        #: The address the page is opened at (R22): a path (``/reports?year=2024``) or a full http:// URL.
        self.url = DEFAULT_URL

    @property
    def layout(self) -> Any:
        return self._layout

    @property
    def dynamic(self) -> bool:
        """Can its layout change (R30)?"""
        return self.chunks is not None

    @layout.setter
    def layout(self, value: Any) -> None:
        """A new layout means a new graph: the next :attr:`graph` rebuilds it."""
        self._layout = value
        self._graph = None

    # --- declaring callbacks ------------------------------------------------
    def callback(self, *args: Any, prevent_initial_call: bool = False, **kwargs: Any):
        return self._register(args, prevent_initial_call, clientside=False, **kwargs)

    def clientside_callback(self, func: str | Callable[..., Any], *args: Any,
                            prevent_initial_call: bool = False, **kwargs: Any) -> Callback:
        """A callback that runs in the browser: same lists and rules, no HTTP (R15).

        ``func`` is its JavaScript, as in Dash (``"function (v) { return v; }"``,
        run in an embedded V8: :mod:`.clientside`), or a Python function that
        does what the JavaScript would.
        """
        if isinstance(func, str):
            from .clientside import JavaScript
            func = JavaScript.inline(func, f"clientside_{len(self.callbacks)}")
        return self._register(args, prevent_initial_call, clientside=True, **kwargs)(func)

    def _register(self, args, prevent_initial_call, clientside, output=None, inputs=None, state=None, running=None,
                  background=False, interval=None, progress=None, progress_default=None, cancel=None, manager=None):
        outputs: list[Output] = []
        ins: list[Input] = []
        states: list[State] = []
        multi = False
        for arg in list(args) + [output, inputs, state]:
            if arg is None:
                continue
            items = arg if isinstance(arg, (list, tuple)) else [arg]
            if isinstance(arg, (list, tuple)) and items and isinstance(items[0], Output):
                multi = True
            for dep in items:
                if isinstance(dep, Output):
                    outputs.append(dep)
                elif isinstance(dep, Input):
                    ins.append(dep)
                elif isinstance(dep, State):
                    states.append(dep)
                else:
                    raise DependencyException(f"callback arguments must be Output, Input or State, not {dep!r}")
        multi = multi or len(outputs) > 1

        def decorate(func: Callable[..., Any]):
            name = getattr(func, "__name__", "callback")
            if not ins and not outputs:
                raise DependencyException(f"callback {name}: no Output and no Input; it would never do anything")
            seen: set[str] = set()
            for o in outputs:
                if o.key in seen:
                    raise DuplicateCallback(f"callback {name}: Output {o.key} appears twice in one callback")
                seen.add(o.key)
                if o.allow_duplicate and not prevent_initial_call:
                    raise DuplicateCallback(
                        f"callback {name}: Output({o.component_id!r}, {o.component_property!r}, "
                        "allow_duplicate=True) requires prevent_initial_call=True: the order of the "
                        "initial calls is not guaranteed, so Dash refuses it")
            if any(d.pattern for d in (*outputs, *ins, *states)):
                from .matching import check_definition
                check_definition(name, outputs, ins, states)
            spec = _background(name, background, clientside, interval, progress, progress_default, cancel, manager)
            cb = Callback(index=len(self.callbacks), func=func, outputs=tuple(outputs), inputs=tuple(ins),
                          states=tuple(states), prevent_initial_call=bool(prevent_initial_call),
                          clientside=clientside, multi=multi, running=_running(name, running), background=spec)
            self.callbacks.append(cb)
            if spec is not None:
                for dep in _as_tuple(cancel):
                    self._add_cancel(dep)
            self._graph = None
            return func

        return decorate

    def _add_cancel(self, dep: Input) -> None:
        """The callback Dash adds for a ``cancel`` Input (``dash.py``, ``_setup_server``), once per Input (R31).

        ``Output(<its id>, "id")``, that Input, ``prevent_initial_call``; its
        body answers ``no_update`` (a 204).  What it does is on the server: a
        request of it kills the jobs the renderer names in it.
        """
        if any(cb.cancels and cb.inputs[0].key == dep.key for cb in self.callbacks):
            return

        def cancel_call(*_):
            return no_update
        cancel_call.__name__ = f"cancel_{dep.id_key}"
        self.callbacks.append(Callback(index=len(self.callbacks), func=cancel_call,
                                       outputs=(Output(dep.component_id, "id"),), inputs=(dep,), states=(),
                                       prevent_initial_call=True, clientside=False, multi=False, cancels=True))

    # --- building -----------------------------------------------------------
    def components(self) -> dict[str, Component]:
        found: dict[str, Component] = {}
        if self.chunks is arriving:   # R30: which prop holds each component (check's app, a flat list
            place(self.layout)        # read from a real layout, comes with its own)
        for comp in flatten(self.layout):
            if comp.key in found:
                raise DuplicateCallback(f"layout: two components share the id {comp.id!r}")
            found[comp.key] = comp
        return found

    def validate(self, comps: dict[str, Component] | None = None) -> tuple[dict[str, Component], list[Callback]]:
        """Whole-app checks, as Dash makes them when the page loads.

        Returns the components by id and the callbacks the renderer runs:
        the declared ones, or pattern-matching ones resolved into instances
        against the layout (R25, :func:`simulator.matching.expand`).

        ``comps``: the page's components after a layout change (R30) instead
        of the layout's.  In an app whose layout changes (``dynamic``), a
        callback naming an id that is not on the page is dormant: left out
        until its components arrive (:func:`dormant`).
        """
        from .matching import expand
        rebuilt = comps is not None
        comps = self.components() if comps is None else comps
        active = []
        for cb in self.callbacks:
            if self.dynamic and (self.suppress_callback_exceptions or rebuilt) and dormant(cb, comps):
                continue
            active.append(cb)
            for kind, deps in (("Output", cb.outputs), ("Input", cb.inputs), ("State", cb.states)):
                for dep in deps:
                    if dep.pattern:
                        continue   # it names whatever ids match it: resolved by expand
                    if dep.id_key not in comps:
                        raise NonExistentIdException(
                            f"callback {cb.name}: {kind}({dep.component_id!r}, {dep.component_property!r}) "
                            f"names the component id {dep.component_id!r}, which is not in the layout")
                    if not comps[dep.id_key].has_prop(dep.component_property):
                        comp = comps[dep.id_key]
                        raise InvalidPropertyException(
                            f"callback {cb.name}: {kind}({dep.component_id!r}, {dep.component_property!r}): "
                            f"{type(comp).__name__} has no prop {dep.component_property!r} "
                            f"(it has {', '.join(comp.props or ())})")
        callbacks = expand(active, comps, waiting_ok=self.dynamic and (self.suppress_callback_exceptions or rebuilt))
        owners: dict[str, Callback] = {}
        for cb in callbacks:
            for output, wire in zip(cb.outputs, cb.wire_outputs):
                other = owners.get(wire)
                if other is not None:
                    hint = (" Both use allow_duplicate=True with the same Inputs, so Dash gives them the same "
                            "output id." if output.allow_duplicate else
                            " Add allow_duplicate=True (with prevent_initial_call=True) to all but one of them.")
                    raise DuplicateCallback(
                        f"Output {output.key} is written by callbacks {other.name} and {cb.name} "
                        f"without allow_duplicate.{hint}" if not output.allow_duplicate else
                        f"Output {output.key} is written by callbacks {other.name} and {cb.name}.{hint}")
                owners[wire] = cb
        return comps, callbacks

    @property
    def graph(self):
        """The app built into its dependency graph (validated, cached)."""
        # The components, by identity: a layout edited in place (``app.layout.append(...)``) rebuilds too.
        built_from = (self.url, *(id(c) for c in flatten(self._layout)))
        if self._graph is None or built_from != self._built_from:
            from .graph import Graph
            self._graph = Graph(self)
            self._built_from = built_from
        return self._graph
