"""Clientside callbacks' JavaScript, run in an embedded V8 as the renderer runs it (R15).

A clientside callback runs in the browser, inside the renderer's pass, with
no HTTP round trip; its body is JavaScript.  :class:`JavaScript` runs that
body in V8 through ``mini-racer`` (the ``clientside`` extra), with a
``window.dash_clientside`` of our own that gives the function what the
renderer's ``handleClientside`` gives it (``actions/callbacks.ts``):
``no_update``, ``PreventUpdate``, ``callback_context`` (``triggered``,
``triggered_id``, ``inputs``, ``inputs_list``, ``states``, ``states_list``,
``outputs_list``), ``Patch`` (the ``PatchBuilder`` of
``actions/patch.ts``: ``new dash_clientside.Patch().assign(["a"], 1).build()``)
and ``set_props`` (collected, and landing as the answer's side updates, R21).

The page is not there: no ``document``, no network, no timers.  So anything
the function throws but ``PreventUpdate`` is refused by name
(:class:`ClientsideNotModelled`), never taken as the browser's answer: it
may be a browser API the model lacks.  V8 alone would answer
``window.innerWidth`` or ``typeof document`` with ``undefined`` where the
browser has a value, and a function guarded on it would take a branch the
browser does not: each browser global in :data:`BROWSER_GLOBALS` therefore
throws when read (an app's script may still define one of its own).  So are a returned Promise (an async
function's answer comes later, at a time the model does not know) and an
``undefined`` answer.  ``Date`` reads the simulated clock and
``Math.random`` is seeded by the call, so a run stays deterministic.

One V8 context serves every run of an app (the serial reference, each
Monte-Carlo trial, each explored ordering), where the browser has one page
per visit.  A function that changes a global (``window.log.push(...)``, a
property of ``dash_clientside``) would carry state from one run into the
next, so a call that leaves any global changed is refused, naming it, and
so is one whose answer differs when it is made again with the same values
(state in a closure, which no snapshot of the globals sees).
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from .errors import NotModelled

INSTALL = 'pip install mini-racer (an embedded V8), or in a clone of callback-race: pip install ".[clientside]"'
TIMEOUT_MS = 2000   # a clientside function that loops is stopped and refused


class ClientsideNotModelled(NotModelled):
    """A clientside function did something the model cannot stand for: the run stops, naming it."""


#: What a browser's ``window`` has and V8 alone has not (or has, but not as the page does: V8's own
#: timers and Temporal clock): reading one is refused, never answered with ``undefined``.
BROWSER_GLOBALS = (
    "document", "location", "navigator", "history", "screen", "localStorage", "sessionStorage", "indexedDB",
    "caches", "fetch", "XMLHttpRequest", "WebSocket", "EventSource", "Worker", "innerWidth", "innerHeight",
    "outerWidth", "outerHeight", "scrollX", "scrollY", "pageXOffset", "pageYOffset", "screenX", "screenY",
    "devicePixelRatio", "visualViewport", "matchMedia", "getComputedStyle", "getSelection", "scrollTo", "scrollBy",
    "alert", "confirm", "prompt", "open", "print", "requestAnimationFrame", "cancelAnimationFrame",
    "requestIdleCallback", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "queueMicrotask",
    "performance", "crypto", "addEventListener", "removeEventListener", "dispatchEvent", "postMessage", "Event",
    "CustomEvent", "MutationObserver", "ResizeObserver", "IntersectionObserver", "Blob", "File", "FileReader", "URL",
    "URLSearchParams", "Image", "Audio", "atob", "btoa", "structuredClone", "Temporal", "Plotly", "React",
    "ReactDOM", "dash_renderer",
)
NO_PAGE = "callback-race: no page: "

_SHIM = r"""
var window = globalThis, self = globalThis;
(function (names, marker) {
  names.forEach(function (name) {
    var own = Object.getOwnPropertyDescriptor(globalThis, name);
    if (own && !own.configurable) {   // V8's own timers, fixed in place: calling them throws instead
      globalThis[name] = function () { throw new Error(marker + name); };
      return;
    }
    Object.defineProperty(globalThis, name, {
      configurable: true, enumerable: false,
      get: function () { throw new Error(marker + name); },
      set: function (value) {   // the app's own global of that name: a plain value from now on
        Object.defineProperty(globalThis, name, {value: value, writable: true, configurable: true, enumerable: true});
      }
    });
  });
})(__BROWSER_GLOBALS__, __NO_PAGE__);
(function () {
  var RealDate = Date;
  var state = {now: 0, seed: 1};
  function FakeDate() {
    if (!(this instanceof FakeDate)) { return new RealDate(state.now).toString(); }
    var args = Array.prototype.slice.call(arguments);
    return args.length ? new (Function.prototype.bind.apply(RealDate, [null].concat(args)))() : new RealDate(state.now);
  }
  FakeDate.now = function () { return state.now; };
  FakeDate.UTC = RealDate.UTC;
  FakeDate.parse = RealDate.parse;
  FakeDate.prototype = RealDate.prototype;
  Date = FakeDate;
  Math.random = function () {                 // mulberry32, seeded per call
    var t = (state.seed += 0x6D2B79F5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  // An app's script may replace window.dash_clientside (Object.assign({}, ...)): each call takes the
  // current one and gives it what the renderer gives it, as handleClientside does.
  var side = [];
  function prepare() {
    var dc = window.dash_clientside = window.dash_clientside || {};
    if (!dc.no_update) {
      dc.no_update = {description: 'Return to prevent updating an Output.'};
      dc.PreventUpdate = {description: 'Throw to prevent updating all Outputs.'};
    }
    dc.set_props = function (id, props) { side.push([id, props]); };   // collected; lands with the answer
    dc.Patch = Patch;
    return dc;
  }

  function Patch() { this.operations = []; }
  function op(name, params) {
    return function (location) {
      var p = {};
      for (var i = 0; i < params.length; i++) { p[params[i]] = arguments[i + 1]; }
      this.operations.push({operation: name, location: location, params: p});
      return this;
    };
  }
  Patch.prototype.assign = op('Assign', ['value']);
  Patch.prototype.merge = op('Merge', ['value']);
  Patch.prototype.extend = op('Extend', ['value']);
  Patch.prototype.delete = op('Delete', []);
  Patch.prototype.insert = op('Insert', ['index', 'value']);
  Patch.prototype.append = op('Append', ['value']);
  Patch.prototype.prepend = op('Prepend', ['value']);
  Patch.prototype.add = op('Add', ['value']);
  Patch.prototype.sub = op('Sub', ['value']);
  Patch.prototype.mul = op('Mul', ['value']);
  Patch.prototype.div = op('Div', ['value']);
  Patch.prototype.clear = op('Clear', []);
  Patch.prototype.reverse = op('Reverse', []);
  Patch.prototype.remove = op('Remove', ['value']);
  Patch.prototype.build = function () {
    return {__dash_patch_update: '__dash_patch_update', operations: this.operations};
  };
  prepare();

  var NO_UPDATE = '__callback_race_no_update__';
  function encode(value, dc) {
    if (value === dc.no_update) { return NO_UPDATE; }
    if (Array.isArray(value)) { return value.map(function (v) { return encode(v, dc); }); }
    return value;
  }
  function dict(list) {
    var out = {};
    (list || []).forEach(function (item) {
      (Array.isArray(item) ? item : [item]).forEach(function (one) {
        out[stringifyId(one.id) + '.' + one.property] = one.value === undefined ? null : one.value;
      });
    });
    return out;
  }
  function stringifyId(id) {
    if (typeof id !== 'object') { return id; }
    return '{' + Object.keys(id).sort().map(function (k) {
      return JSON.stringify(k) + ':' + JSON.stringify(id[k]);
    }).join(',') + '}';
  }
  function triggeredId(changed) {
    if (!changed.length) { return undefined; }
    var trig = changed[0];
    return trig.charAt(0) === '{' ? JSON.parse(trig.substring(0, trig.lastIndexOf('}') + 1)) : trig.split('.')[0];
  }

  // What a call may not change: the globals and dash_clientside's namespaces, as JSON (functions by kind).
  var OURS = {no_update: 1, PreventUpdate: 1, callback_context: 1, set_props: 1, Patch: 1};
  function text(v) {
    if (typeof v === 'function') { return 'function'; }
    try { return JSON.stringify(v); } catch (e) { return '?' + typeof v; }
  }
  function globals(dc) {
    var out = {};
    Object.keys(globalThis).forEach(function (k) {
      if (k !== 'dash_clientside' && k !== 'window' && k !== 'self') { out['window.' + k] = text(globalThis[k]); }
    });
    Object.keys(dc).forEach(function (k) {
      if (OURS[k]) { return; }
      var space = dc[k];
      if (space && typeof space === 'object') {
        Object.keys(space).forEach(function (j) { out['dash_clientside.' + k + '.' + j] = text(space[j]); });
      } else {
        out['dash_clientside.' + k] = text(space);
      }
    });
    return out;
  }
  function changed(before, after) {
    return Object.keys(after).filter(function (k) { return before[k] !== after[k]; })
      .concat(Object.keys(before).filter(function (k) { return !(k in after); }));
  }

  function said(a) { return JSON.stringify([a.kind, a.value, a.side, a.message]); }

  globalThis.__callback_race_call = function (namespace, name, args, call) {
    var answer = run(namespace, name, args, call);
    var moved = changed(answer.before, globals(window.dash_clientside || {}));
    delete answer.before;
    if (moved.length) { return JSON.stringify({kind: 'stateful', names: moved}); }
    if (answer.kind === 'value' || answer.kind === 'prevent') {
      // State kept where no snapshot reaches (a closure, a let at a script's top): the same call twice
      // must give the same answer.
      if (said(run(namespace, name, args, call)) !== said(answer)) {
        return JSON.stringify({kind: 'stateful', names: ['state of its own (called again with the same values, it '
                                                         + 'answered differently)']});
      }
    }
    return JSON.stringify(answer);
  };

  function run(namespace, name, args, call) {
    args = JSON.parse(JSON.stringify(args));   // each call its own values: a function may change them
    var dc = prepare();
    var before = globals(dc);
    side = [];
    state.now = call.now;
    state.seed = call.seed;
    var inputs = dict(call.inputs_list);
    dc.callback_context = {
      triggered: call.changed.map(function (p) { return {prop_id: p, value: inputs[p]}; }),
      triggered_id: triggeredId(call.changed),
      inputs_list: call.inputs_list, inputs: inputs,
      states_list: call.states_list, states: dict(call.states_list),
      outputs_list: call.outputs_list
    };
    var space = dc[namespace];
    if (!space || typeof space[name] !== 'function') {
      return {kind: 'missing', before: before};
    }
    try {
      var value = space[name].apply(null, args);
      if (value && typeof value.then === 'function') { return {kind: 'promise', before: before}; }
      if (value === undefined) { return {kind: 'undefined', before: before}; }
      if (typeof value === 'function') { return {kind: 'function', before: before}; }
      return {kind: 'value', value: encode(value, dc), side: side, before: before};
    } catch (e) {
      if (e === dc.PreventUpdate) { return {kind: 'prevent', side: side, before: before}; }
      return {kind: 'threw', message: String(e && e.stack || e), before: before};
    } finally {
      delete dc.callback_context;
    }
  }
})();
"""

NO_UPDATE = "__callback_race_no_update__"


def _engine():
    try:
        from py_mini_racer import MiniRacer
    except ImportError:
        raise NotModelled(f"clientside (JavaScript) callbacks need an embedded JavaScript engine: {INSTALL}") from None
    return MiniRacer


class Scripts:
    """One page's JavaScript: the shim, then the app's scripts (inline functions, assets), in one V8 context.

    The context is made on first use and not pickled: a copy in another
    process makes its own from the same scripts.
    """

    def __init__(self, scripts: list[tuple[str, str]] = ()):
        self.scripts = list(scripts)     # (where, source)
        self.failed: list[str] = []      # scripts that threw when the page loaded them
        self._ctx = None

    def add(self, where: str, source: str) -> None:
        self.scripts.append((where, source))
        self._ctx = None

    def context(self):
        if self._ctx is None:
            ctx = _engine()()
            ctx.eval(_SHIM.replace("__BROWSER_GLOBALS__", json.dumps(BROWSER_GLOBALS))
                     .replace("__NO_PAGE__", json.dumps(NO_PAGE)))
            self.failed = []
            for where, source in self.scripts:
                try:
                    ctx.eval(source, timeout=TIMEOUT_MS)
                except Exception as exc:   # noqa: BLE001 - a script the page cannot load without a DOM
                    self.failed.append(f"{where}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")
            self._ctx = ctx
        return self._ctx

    def __getstate__(self):
        return {"scripts": self.scripts, "failed": [], "_ctx": None}


class JavaScript:
    """A clientside function: ``namespace.function_name`` in :class:`Scripts`, called like a Python body.

    ``JavaScript.inline(source)`` is a function given as a string, as in
    ``app.clientside_callback("function (v) { return v + 1; }", ...)``.
    """

    def __init__(self, scripts: Scripts, namespace: str, function_name: str, source: str = ""):
        self.scripts = scripts
        self.namespace = namespace
        self.function_name = function_name
        self.source = source
        inline = namespace in ("_callback_race_inline", "_dashprivate_clientside_funcs")   # a string in the app
        self.__name__ = "(inline)" if namespace == "_dashprivate_clientside_funcs" else (
            function_name if inline else f"{namespace}.{function_name}")

    @classmethod
    def inline(cls, source: str, name: str) -> "JavaScript":
        scripts = Scripts()
        scripts.add(f"clientside function {name}", "window.dash_clientside._callback_race_inline = "
                    f"Object.assign(window.dash_clientside._callback_race_inline || {{}}, {{{json.dumps(name)}: {source}}});")
        return cls(scripts, "_callback_race_inline", name, source)

    def __call__(self, *args: Any) -> Any:
        from .context import current_call, set_props
        from .errors import PreventUpdate
        from .renderer import EPOCH_MS
        changed, lists, now_s = current_call()
        call = {"now": EPOCH_MS + int(round(now_s * 1000, 6)), "changed": list(changed),
                "seed": zlib.crc32(json.dumps([list(args), list(changed)], sort_keys=True, default=str).encode()) or 1,
                **lists}
        ctx = self.scripts.context()
        try:
            text = ctx.call("__callback_race_call", self.namespace, self.function_name, list(args), call,
                            timeout=TIMEOUT_MS)
        except Exception as exc:   # noqa: BLE001 - V8 stopped it (a time-out), or it could not be called
            raise ClientsideNotModelled(f"clientside function {self.__name__} did not run to an answer: "
                                        f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
        answer = json.loads(text)
        kind = answer["kind"]
        if kind == "stateful":
            raise ClientsideNotModelled(
                f"clientside function {self.__name__} changed {', '.join(answer['names'][:3])}: it keeps state "
                "between calls, and the model runs every run of the app (the serial reference, each trial, each "
                "explored ordering) in one JavaScript context where the browser has one page, so that state "
                "would leak between runs; not modelled (keep the state in a dcc.Store)")
        if kind == "threw" and NO_PAGE in (answer.get("message") or ""):
            name = answer["message"].split(NO_PAGE, 1)[1].split()[0].rstrip(".,;:")
            raise ClientsideNotModelled(f"clientside function {self.__name__} reads {name}, which the browser's "
                                        "window has and the model does not (there is no page); not modelled")
        for cid, props in answer.get("side") or ():
            if not isinstance(cid, (str, dict)) or not isinstance(props, dict):
                raise ClientsideNotModelled(f"clientside function {self.__name__}: dash_clientside.set_props({cid!r:.40}, "
                                            "...) by a component path, or without a dict of props, is not modelled")
            set_props(cid, _decode(props))
        if kind == "value":
            return _decode(answer["value"])
        if kind == "prevent":
            raise PreventUpdate
        why = {
            "missing": f"window.dash_clientside.{self.namespace}.{self.function_name} is not defined"
                       + (f" (scripts that failed to load without a browser: {'; '.join(self.scripts.failed)})"
                          if self.scripts.failed else ""),
            "promise": "it returned a Promise: an async answer arrives at a time the model does not know",
            "undefined": "it returned undefined (no return statement?)",
            "function": "it returned a function, which is no prop value",
            "threw": f"it threw {(answer.get('message') or '?').splitlines()[0][:200]!r}; outside a browser that may be a missing "
                     "browser API (document, window.fetch) rather than the app's own error",
        }[kind]
        raise ClientsideNotModelled(f"clientside function {self.__name__}: {why}; not modelled")

    def __repr__(self) -> str:
        return f"<JavaScript {self.__name__}>"


def _decode(value: Any) -> Any:
    """The function's answer in Python: ``dash_clientside.no_update`` as :data:`no_update`, a built Patch checked."""
    from .context import no_update
    from .patch import check_wire
    if value == NO_UPDATE:
        return no_update
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict) and "__dash_patch_update" in value:
        check_wire(value)   # its wire form, applied on arrival as a Python Patch's is (R17)
    return value
