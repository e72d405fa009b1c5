"""Answer one simulated request with the app's real callback, as Dash's server does.

The renderer's payload for ``/_dash-update-component`` -- ``output``,
``outputs``, ``inputs``, ``state``, ``changedPropIds`` -- is built from the
simulated request and handed to Dash itself, so ``ctx.triggered_id``,
``triggered_prop_ids``, ``Patch``, ``no_update``, ``PreventUpdate`` and
exceptions behave exactly as in production.  What comes back is mapped to the
simulator's :class:`~simulator.app.Response`:

* HTTP 204 (``PreventUpdate``) -> ``prevent``;
* HTTP 200 -> ``data`` with the outputs as the browser receives them; an
  all-``no_update`` answer is a 200 with no outputs, which the renderer
  applies as nothing;
* HTTP 500 (an exception, R18) -> ``error``.

Two paths give the same answers (a test checks it on every test app): the
fast one calls Dash's dispatch view inside a Flask request context; the
faithful one POSTs through ``app.server.test_client()``, so ``before_request``
hooks, routing and error handlers run too.

Arguments cross the wire as JSON (R14): the payload is JSON text, so a
callback that mutates its State in place mutates a copy, as in a browser.
Each call runs on the simulated clock (:mod:`.clock`).  Responses are
memoised by (callback, canonical payload) unless ``impure``: a callback that
read the clock is never memoised.
"""

from __future__ import annotations

import contextvars
import functools
import json
from dataclasses import dataclass
from typing import Any

from .. import jsonvalue
from ..app import Response
from .clock import Clock
from ..wildcards import id_key, is_pattern, parse
from .errors import Unsupported
from ..trees import Named

_clock: contextvars.ContextVar[Clock | None] = contextvars.ContextVar("callback_race_dash_clock", default=None)


@dataclass(frozen=True)
class Answer:
    """One HTTP answer: status, JSON body (or None), simulated server ms, whether the clock was read."""

    status: int
    body: Any
    text: str
    slept_ms: float = 0.0
    read_clock: bool = False


def _timed(func):
    """Wrap the user's function so that the simulated clock is patched around it alone."""
    @functools.wraps(func)
    def call(*args, **kwargs):
        clock = _clock.get()
        if clock is None:
            return func(*args, **kwargs)
        with clock.patch([getattr(func, "__globals__", {})]):
            return func(*args, **kwargs)
    call._callback_race_timed = True
    return call


def _install_clock(entry: dict[str, Any]) -> None:
    """Put :func:`_timed` between Dash's wrapper and the user's function (its closure cell)."""
    wrapper = entry.get("callback")
    inner = getattr(wrapper, "__wrapped__", None)
    for cell in getattr(wrapper, "__closure__", None) or ():
        try:
            contents = cell.cell_contents
        except ValueError:
            continue
        if contents is inner and inner is not None and not getattr(inner, "_callback_race_timed", False):
            cell.cell_contents = _timed(inner)
            return


class Server:
    """The app's Flask server, driven one request at a time."""

    def __init__(self, dash_app: Any, flask: bool = False, impure: bool = False):
        self.app = dash_app
        self.flask = flask
        self.impure = impure
        server = dash_app.server
        prefix = dash_app.config.requests_pathname_prefix or "/"
        self.url = f"{prefix}_dash-update-component"
        adapter = server.url_map.bind("localhost")
        self.endpoint, _ = adapter.match(self.url, method="POST")
        self.view = server.view_functions[self.endpoint]
        self.client = server.test_client() if flask else None
        self.memo: dict[tuple[str, str], Answer] = {}
        self.calls = 0
        self.clock_readers: set[str] = set()   # output ids of callbacks that read the clock
        self.named = Named()                    # the ids the app's callbacks name (R27), set by convert
        for entry in dash_app.callback_map.values():
            _install_clock(entry)
        self._errors: list[BaseException] = []
        from flask import got_request_exception
        got_request_exception.connect(self._on_exception, server, weak=False)

    def _on_exception(self, sender, exception, **extra):
        self._errors.append(exception)

    # ------------------------------------------------------------------
    def answer(self, body: dict[str, Any], now_ms: float) -> Answer:
        """POST one payload at simulated time ``now_ms``."""
        text = json.dumps(body, sort_keys=True, separators=(",", ":"))
        key = (body["output"], text)
        if not self.impure:
            cached = self.memo.get(key)
            if cached is not None:
                return cached
        answer = self._post(text, now_ms)
        if answer.read_clock:
            self.clock_readers.add(body["output"])
        elif not self.impure:
            self.memo[key] = answer
        return answer

    def answer_raw(self, body: dict[str, Any], now_ms: float, query: dict[str, str] | None = None) -> Answer:
        """POST one payload at ``now_ms`` with ``query`` in the URL, never memoised (R31: a background
        callback's fetches, whose answers depend on the job manager's state)."""
        return self._post(json.dumps(body, sort_keys=True, separators=(",", ":")), now_ms, query)

    def _post(self, text: str, now_ms: float, query: dict[str, str] | None = None) -> Answer:
        clock = Clock(now_ms)
        token = _clock.set(clock)
        try:
            status, data = self._flask(text, query) if self.flask else self._direct(text, query)
        finally:
            _clock.reset(token)
        self.calls += 1
        parsed = json.loads(data) if status == 200 and data else None
        if status == 500:
            data = self._errors.pop() if self._errors else data
            data = f"{type(data).__name__}: {data}" if isinstance(data, BaseException) else str(data)
        return Answer(status, parsed, data if status != 200 else "", clock.slept_ms, clock.read)

    def _direct(self, text: str, query: dict[str, str] | None = None) -> tuple[int, str]:
        from dash.exceptions import PreventUpdate
        server = self.app.server
        with server.test_request_context(self.url, method="POST", data=text, content_type="application/json",
                                         query_string=query):
            try:
                result = self.view()
            except PreventUpdate:
                return 204, ""
            except Exception as exc:  # R18: the server answers 500
                self._errors.append(exc)
                return 500, ""
            resp = server.make_response(result)
        return resp.status_code, resp.get_data(as_text=True)

    def _flask(self, text: str, query: dict[str, str] | None = None) -> tuple[int, str]:
        resp = self.client.post(self.url, data=text, content_type="application/json", query_string=query)
        return resp.status_code, resp.get_data(as_text=True)


def payload(output: str, outputs: list[tuple[str, str]], multi: bool, inputs: list[tuple[str, str]],
            states: list[tuple[str, str]], args: list[Any], changed: list[str]) -> dict[str, Any]:
    """The renderer's request body for one callback (``fillVals`` in the renderer)."""
    def item(pair, value):
        return {"id": pair[0], "property": pair[1], "value": value}

    outs = [{"id": i, "property": p} for i, p in outputs]
    body: dict[str, Any] = {"output": output}
    if outs:   # a no-output callback's outputs[0] is undefined: JSON.stringify leaves the key out (R24)
        body["outputs"] = outs if multi else outs[0]
    body.update({
        "inputs": [item(p, v) for p, v in zip(inputs, args)],
        "changedPropIds": list(changed),
        "state": [item(p, v) for p, v in zip(states, args[len(inputs):])],
    })
    return body


def _key(cid: str) -> str:
    """A response's component id as the model keys it: a dict id in the renderer's ``stringifyId`` form (R25)."""
    return id_key(json.loads(cid)) if cid.startswith("{") else cid


def to_response(answer: Answer, name: str) -> Response:
    """The simulator's view of an HTTP answer; refuses what the model does not handle.

    Components in an answer are values; where they carry ids the app's
    callbacks name, the renderer makes them a layout change (R30), whether
    they come as an Output or by ``set_props``.
    """
    if answer.status == 204:
        return Response("prevent", nbytes=0, elapsed=answer.slept_ms)
    if answer.status != 200:
        message = f"Callback error in {name}: HTTP {answer.status}: {answer.text}"
        return Response("error", message=message, nbytes=len(answer.text), elapsed=answer.slept_ms)
    body = answer.body or {}
    side: dict[str, Any] = {}
    for cid, props in (body.get("sideUpdate") or {}).items():   # set_props (R21)
        cid = _key(cid)
        if cid.startswith("{") and is_pattern(parse(cid)):
            raise Unsupported(f"callback {name}: set_props on {cid}, an id with a wildcard, names no one component")
        for prop, value in props.items():
            side[f"{cid}.{prop}"] = value
    outputs: dict[str, Any] = {}
    for cid, props in (body.get("response") or {}).items():
        cid = _key(cid)
        for prop, value in props.items():
            outputs[f"{cid}.{prop}"] = value
    nbytes = len(json.dumps(body, separators=(",", ":")))
    jsonvalue.check_size(nbytes, f"callback {name}")
    return Response("data", outputs=outputs, nbytes=nbytes, elapsed=answer.slept_ms, side=side)
