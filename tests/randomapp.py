"""Random small apps and plans, for checking the explorer against the engine.

:func:`apps` is a hypothesis strategy that draws an *app spec* (plain data,
so hypothesis can shrink and print it) and :func:`build` turns a spec into a
:class:`~simulator.Dash` app and a :class:`~simulator.Plan`.  The specs cover
what can make orderings matter: several writers of one prop, ``State`` reads
(read-modify-write), ``allow_duplicate``, chains and loops between
callbacks, clientside callbacks (R15), ``Patch`` (R17), ``no_update``,
``PreventUpdate``, callbacks that raise (R18), ``set_props`` side updates to
another component, from a stale copy of a State when it is a Store (R21), Stores whose
``modified_timestamp`` is an Input (R4), callbacks that read the clock
(:func:`~simulator.server_time`), and user actions with or without
``wait_settle``.

Every callback body is a pure function of its arguments (and, for the
clock readers, of the simulated time), as the explorer requires.
"""

from __future__ import annotations

import hashlib
from typing import Any

from hypothesis import strategies as st

from simulator import (Action, Dash, Input, Output, Patch, Plan, PreventUpdate, State, ctx, dcc, html,
                       no_update, server_time, set_props)

#: What a callback body does with its arguments.
BODIES = ("join", "merge", "patch", "partial", "prevent_falsy", "raise_odd", "stamp", "triggered")
#: A body that also calls set_props on another component (R21); drawn only when asked for
#: (``apps(bodies=...)``), so the default apps stay the ones drawn before set_props was modelled.
SIDE = "side"

#: Component kinds: (constructor, the prop callbacks use, initial value).
KINDS = {
    "input": (dcc.Input, "value", None),
    "store": (dcc.Store, "data", None),
    "div": (html.Div, "title", None),
    "button": (html.Button, "n_clicks", None),
}


def _component(kind: str, cid: str, initial: Any):
    cls, prop, _ = KINDS[kind]
    if kind == "store":
        return cls(id=cid, data=initial)
    return cls(id=cid, **{prop: initial})


def _key(spec: dict, c: int) -> str:
    kind = spec["components"][c]
    return f"c{c}.{KINDS[kind][1]}"


@st.composite
def apps(draw, max_components: int = 4, max_callbacks: int = 4, max_actions: int = 3,
         bodies: tuple[str, ...] = BODIES) -> dict:
    """An app spec: components, callbacks and user actions (plain data)."""
    n = draw(st.integers(1, max_components))
    components = draw(st.lists(st.sampled_from(sorted(KINDS)), min_size=n, max_size=n))
    props = [(c, "main") for c in range(n)] + [(c, "ts") for c in range(n) if components[c] == "store"]
    callbacks = []
    for _ in range(draw(st.integers(1, max_callbacks))):
        outs = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=2, unique=True))
        ins = draw(st.lists(st.sampled_from(props), min_size=1, max_size=2, unique=True))
        states = draw(st.lists(st.integers(0, n - 1), max_size=2, unique=True))
        cb = {"outputs": outs, "dup": draw(st.booleans()), "inputs": ins, "states": states,
              "body": draw(st.sampled_from(bodies))}
        if cb["body"] == SIDE:
            cb["side"] = draw(st.integers(0, n - 1))  # the component it set_props
        cb["clientside"] = draw(st.booleans()) and draw(st.booleans())
        cb["pic"] = draw(st.booleans())
        callbacks.append(cb)
    settable = [c for c in range(n) if components[c] in ("input", "button", "store")]
    actions = []
    if settable:
        for _ in range(draw(st.integers(0, max_actions))):
            c = draw(st.sampled_from(settable))
            actions.append({
                "component": c,
                "value": draw(st.sampled_from(["a", "b", "", 1, 2])),
                "wait_settle": draw(st.sampled_from([False, False, True])),
                # 0 ms falls inside a renderer pass's window (R20) and joins it; 1 ms about half the time
                "delay": draw(st.sampled_from([0.0, 1.0, 20.0, 150.0])),
            })
    return {"components": components, "callbacks": callbacks, "actions": actions}


def _body(spec: dict, i: int, cb: dict):
    """A pure body for callback ``i``: what ``cb["body"]`` says, per output."""
    kind = cb["body"]
    n_out = len(cb["outputs"])

    def value_for(args, j):
        if kind == "join":
            # bounded: a loop R6 does not stop (a set_props loop, R21; a callback fed by the
            # timestamp of the Store it writes) would otherwise double the value at every
            # turn (repr escapes the quotes of the last one) until memory runs out; a digest
            # of the rest keeps every change of the arguments visible (the clock probes)
            text = f"{i}:{j}:" + "|".join(map(repr, args))
            if len(text) <= 48:
                return text
            return text[:32] + hashlib.sha256(text.encode()).hexdigest()[:16]
        if kind == "merge":  # read-modify-write of the first State (or a fresh dict)
            base = args[-1] if cb["states"] and isinstance(args[-1], dict) else {}
            base = dict(base)
            base[f"k{i}"] = repr(args[0])[:12]
            return base
        if kind == "patch":
            p = Patch()
            p[f"k{i}"] = repr(args[0])[:12]
            return p
        if kind == "partial":
            return no_update if j % 2 else f"{i}:{args[0]!r}"[:20]
        if kind == "stamp":
            return [i, j, round(server_time(), 3)]
        if kind == "triggered":
            return sorted(ctx.triggered_prop_ids)
        return f"{i}:{j}:{args[0]!r}"[:20]

    def body(*args):
        if kind == SIDE:  # R21: set_props on another component, then the outputs as "join"
            target = cb["side"]
            if spec["components"][target] == "store":  # a stale copy of the State, written back
                value = dict(args[-1]) if cb["states"] and isinstance(args[-1], dict) else {}
                value[f"s{i}"] = repr(args[0])[:12]
            else:
                value = f"s{i}:{args[0]!r}"[:20]
            set_props(f"c{target}", {KINDS[spec["components"][target]][1]: value})
        if kind == "prevent_falsy" and not args[0]:
            raise PreventUpdate
        if kind == "raise_odd" and isinstance(args[0], int) and args[0] % 2:
            raise ValueError(f"odd {args[0]}")
        values = [value_for(args, j) for j in range(n_out)]
        return values if n_out > 1 else values[0]

    body.__name__ = f"cb{i}"
    return body


def build(spec: dict) -> tuple[Dash, Plan]:
    """The app and plan a spec describes."""
    app = Dash("random")
    app.layout = [_component(kind, f"c{c}", KINDS[kind][2]) for c, kind in enumerate(spec["components"])]
    for i, cb in enumerate(spec["callbacks"]):
        outputs = [Output(f"c{c}", _key(spec, c).split(".")[1], allow_duplicate=cb["dup"]) for c in cb["outputs"]]
        inputs = [Input(f"c{c}", "modified_timestamp" if which == "ts" else _key(spec, c).split(".")[1])
                  for c, which in cb["inputs"]]
        states = [State(f"c{c}", _key(spec, c).split(".")[1]) for c in cb["states"]]
        pic = cb["pic"] or cb["dup"]  # Dash refuses allow_duplicate without prevent_initial_call
        deps = (outputs if len(outputs) > 1 else outputs[0], *inputs, *states)
        body = _body(spec, i, cb)
        if cb["clientside"]:   # a clientside SIDE body: dash_clientside.set_props (R15, R21)
            app.clientside_callback(body, *deps, prevent_initial_call=pic)
        else:
            app.callback(*deps, prevent_initial_call=pic)(body)
    actions = []
    for a in spec["actions"]:
        key = _key(spec, a["component"])
        value = a["value"]
        if spec["components"][a["component"]] == "button":
            value = value if isinstance(value, int) else len(value)
        actions.append(Action({key: value}, delay=a["delay"], wait_settle=a["wait_settle"]))
    return app, Plan(tuple(actions))


def no_check(layout: dict) -> tuple:
    """Random apps have no notion of "wrong": the cross-check compares end states."""
    return ()
