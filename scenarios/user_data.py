"""The seed scenario: one ``user_data`` Store fed by several inputs.

Each strategy is the code of the article *The dark side of allow_duplicates &
making callbacks sequential* (summarised in ``docs/scenarios.md``) written
with the simulator's Dash-like API, for any number of keys: two by
default (the article's first and last name), more for the storm case.  A
``load_data`` button sets every input at once, as in the article.

The app is built once per (strategy, keys, workload) and reused for every
trial, so callback bodies must be pure: they are, like a Dash app's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable

from simulator import Dash, Input, Output, Patch, PreventUpdate, State, ctx, dcc, html, server_time, set_props
from simulator.components import walk
from simulator.errors import ScenarioError

KEYS = ("first_name", "last_name", "age", "city", "email", "country", "company", "phone")
TYPED = ("john", "doe", "50", "paris", "john@doe.org", "france", "acme", "5550100")
LOADED = ("Mickael", "Jackson", "64", "Gary", "mj@example.com", "usa", "epic", "5550199")
MAX_KEYS = len(KEYS)


def keys_for(n: int) -> tuple[str, ...]:
    if not 1 <= n <= MAX_KEYS:
        raise ScenarioError(f"--keys must be between 1 and {MAX_KEYS}, not {n}")
    return KEYS[:n]


def _layout(keys: tuple[str, ...], extra: list | None = None) -> list:
    return ([dcc.Input(id=k) for k in keys] + [dcc.Store(id="user_data", data={}), html.Button(id="load_data")]
            + (extra or []))


#: The key that pads user_data to a realistic size (``--dict-size``); the
#: divergence check only looks at the input keys, so it never counts.
PADDING_KEY = "profile"
_FILLER = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "


def initial_data(size: int) -> dict[str, Any]:
    """user_data's initial dict: ``{}``, or ``{"profile": filler}`` of ``size`` JSON bytes.

    The article's claim 4 (Patch sends far less when the dict is large) needs a
    large dict: a real app's user_data holds more than the keys the inputs set.
    Sizes too small to hold the padding key give ``{}``.
    """
    empty = len(json.dumps({PADDING_KEY: ""}, separators=(",", ":")))
    if size < empty:
        return {}
    n = size - empty
    return {PADDING_KEY: (_FILLER * (n // len(_FILLER) + 1))[:n]}


def pad_user_data(app: Dash, size: int) -> Dash:
    """Give a built strategy's ``user_data`` Store the initial dict of :func:`initial_data`.

    Every strategy's layout comes from :func:`_layout` with ``data={}``; this
    sets the Store's initial data after the build, before the app is graphed,
    so the builders keep taking only the keys.
    """
    data = initial_data(size)
    for comp in walk(app.layout):
        if comp.id == "user_data":
            comp.initial["data"] = data
            return app
    raise ScenarioError(f"app {app.name!r} has no user_data Store to pad")


def _add_load_data(app: Dash, keys: tuple[str, ...]) -> None:
    """The article's ``load_data``: one click sets every input at once."""

    @app.callback([Output(k, "value") for k in keys], Input("load_data", "n_clicks"))
    def load_data(n_clicks):
        if n_clicks:
            return list(LOADED[:len(keys)])
        raise PreventUpdate


def _named(func: Callable, name: str) -> Callable:
    func.__name__ = func.__qualname__ = name
    return func


# --- the strategies -------------------------------------------------------

def _one_callback_per_key(name: str, keys: tuple[str, ...], reads_user_data) -> Dash:
    """Each key's callback returns the whole dict with its key set (naive, circular)."""
    app = Dash(name)
    app.layout = _layout(keys)
    for key in keys:
        def update(value, user_data, key=key):
            if value:
                user_data[key] = value
                return user_data
            raise PreventUpdate
        app.callback(Output("user_data", "data", allow_duplicate=True), Input(key, "value"),
                     reads_user_data("user_data", "data"), prevent_initial_call=True)(
            _named(update, f"update_{key}"))
    _add_load_data(app, keys)
    return app


def naive(keys: tuple[str, ...]) -> Dash:
    """One callback per key, ``allow_duplicate`` + ``State(user_data)``; returns the whole dict.

    The article's opening code.  Two of them requested together both read
    the same dict (R14) and the later response replaces the earlier (R16).
    """
    return _one_callback_per_key("naive", keys, State)


def circular(keys: tuple[str, ...]) -> Dash:
    """As ``naive`` but with ``Input(user_data.data)`` instead of the State.

    Every applied write re-triggers every key's callback (R2); the loop is
    only stopped by circular pruning (R6) and superseding (R8).
    """
    return _one_callback_per_key("circular", keys, Input)


def chained(keys: tuple[str, ...]) -> Dash:
    """Solution 1: each key's callback also writes a timestamp store the next one takes as Input.

    The article stamps with ``time.time()``; here :func:`server_time` (the
    simulated clock) keeps runs deterministic.  For more than two keys the
    chain continues: key i writes ``chain_i``, an Input of key i+1.
    """
    app = Dash("chained")
    links = [f"chain_{i}" for i in range(len(keys) - 1)]
    app.layout = _layout(keys, [dcc.Store(id=link) for link in links])
    for i, key in enumerate(keys):
        outputs = [Output("user_data", "data", allow_duplicate=True)]
        if i < len(keys) - 1:
            outputs.append(Output(links[i], "data"))
        inputs = [Input(key, "value")] + ([Input(links[i - 1], "data")] if i else [])

        def update(value, *rest, key=key, stamps=len(outputs) > 1):
            user_data = rest[-1]
            if value:
                user_data[key] = value
                return [user_data, server_time()] if stamps else user_data
            raise PreventUpdate
        app.callback(outputs if len(outputs) > 1 else outputs[0], *inputs, State("user_data", "data"),
                     prevent_initial_call=True)(_named(update, f"update_{key}"))
    _add_load_data(app, keys)
    return app


def chained_modified_timestamp(keys: tuple[str, ...]) -> Dash:
    """The article's pro-tip: the next callback takes ``Input(user_data.modified_timestamp)``.

    No intermediary store: the Store sets ``modified_timestamp`` itself when
    its data changes (R4).  Every key after the first takes it as an Input.
    """
    app = Dash("chained_modified_timestamp")
    app.layout = _layout(keys)
    for i, key in enumerate(keys):
        inputs = [Input(key, "value")] + ([Input("user_data", "modified_timestamp")] if i else [])

        def update(value, *rest, key=key):
            user_data = rest[-1]
            if value:
                user_data[key] = value
                return user_data
            raise PreventUpdate
        app.callback(Output("user_data", "data", allow_duplicate=True), *inputs, State("user_data", "data"),
                     prevent_initial_call=True)(_named(update, f"update_{key}"))
    _add_load_data(app, keys)
    return app


def merged(keys: tuple[str, ...]) -> Dash:
    """Solution 2: one callback, every key an Input, writes only ``ctx.triggered_prop_ids``.

    Corrected from the article: its first version's function takes fewer
    arguments than it has Inputs + States; this one takes them all.  As in
    the article it has no ``prevent_initial_call``, so it runs on page load
    (with nothing triggered, returning the dict unchanged).
    """
    app = Dash("merged")
    app.layout = _layout(keys)

    @app.callback(Output("user_data", "data"), *[Input(k, "value") for k in keys], State("user_data", "data"))
    def update_user_data(*args):
        *values, user_data = args
        triggered = set(ctx.triggered_prop_ids.values())
        for key, value in zip(keys, values):
            if key in triggered and value:
                user_data[key] = value
        return user_data

    _add_load_data(app, keys)
    return app


def merged_unfiltered(keys: tuple[str, ...]) -> Dash:
    """Solution 2 without the triggered filter: writes every truthy input each time."""
    app = Dash("merged_unfiltered")
    app.layout = _layout(keys)

    @app.callback(Output("user_data", "data"), *[Input(k, "value") for k in keys], State("user_data", "data"))
    def update_user_data(*args):
        *values, user_data = args
        for key, value in zip(keys, values):
            if value:
                user_data[key] = value
        return user_data

    _add_load_data(app, keys)
    return app


def intermediary_stores(keys: tuple[str, ...]) -> Dash:
    """Solution 3: one Store per key, one merge callback with every per-key Store as Input.

    As in the article the per-key callbacks have no ``prevent_initial_call``
    (they run on load and raise PreventUpdate); the merge callback has it.
    The merged dict holds ``None`` for keys never set; the divergence check
    reads a ``None`` value as an absent key.
    """
    app = Dash("intermediary_stores")
    app.layout = _layout(keys, [dcc.Store(id=f"user_{k}") for k in keys])
    for key in keys:
        def update(value):
            if value:
                return value
            raise PreventUpdate
        app.callback(Output(f"user_{key}", "data"), Input(key, "value"))(_named(update, f"update_{key}"))

    @app.callback(Output("user_data", "data"), *[Input(f"user_{k}", "data") for k in keys],
                  prevent_initial_call=True)
    def update_user_data(*values):
        return dict(zip(keys, values))

    _add_load_data(app, keys)
    return app


def patch(keys: tuple[str, ...]) -> Dash:
    """Solution 4: one callback per key returning a ``Patch()`` that sets only its key (R17)."""
    app = Dash("patch")
    app.layout = _layout(keys)
    for key in keys:
        def update(value, key=key):
            if value:
                user_data = Patch()
                user_data[key] = value
                return user_data
            raise PreventUpdate
        app.callback(Output("user_data", "data", allow_duplicate=True), Input(key, "value"),
                     prevent_initial_call=True)(_named(update, f"update_{key}"))
    _add_load_data(app, keys)
    return app


def side_update(keys: tuple[str, ...]) -> Dash:
    """As ``naive``, but each key's callback writes the dict back with ``set_props`` (R21).

    Each callback outputs only a status line and sets ``user_data`` as a side
    update, from its ``State`` copy: superseding does not help, because a
    superseded request's set_props still lands, so a stale copy can win.
    """
    app = Dash("side_update")
    app.layout = _layout(keys, [html.Div(id=f"{key}_status") for key in keys])
    for key in keys:
        def update(value, user_data, key=key):
            if value:
                set_props("user_data", {"data": {**user_data, key: value}})
                return f"saved {key}"
            raise PreventUpdate
        app.callback(Output(f"{key}_status", "children"), Input(key, "value"), State("user_data", "data"),
                     prevent_initial_call=True)(_named(update, f"update_{key}"))
    _add_load_data(app, keys)
    return app


@dataclass(frozen=True)
class Strategy:
    name: str
    build: Callable[[tuple[str, ...]], Dash]
    fixed_by_article: bool

    @property
    def description(self) -> str:
        return (self.build.__doc__ or "").strip().splitlines()[0]


STRATEGIES: dict[str, Strategy] = {s.name: s for s in (
    Strategy("naive", naive, False),
    Strategy("circular", circular, False),
    Strategy("chained", chained, True),
    Strategy("chained_modified_timestamp", chained_modified_timestamp, True),
    Strategy("merged", merged, True),
    Strategy("merged_unfiltered", merged_unfiltered, False),
    Strategy("intermediary_stores", intermediary_stores, True),
    Strategy("patch", patch, True),
    Strategy("side_update", side_update, False),
)}


def checked_props(keys: tuple[str, ...]) -> frozenset[str]:
    """The props :func:`check` reads (no time among them: :mod:`simulator.memo` relies on it)."""
    return frozenset({"user_data.data", *(f"{k}.value" for k in keys)})


def check(keys: tuple[str, ...]) -> Callable[[dict[str, Any]], tuple[str, ...]]:
    """The divergence check: which keys of ``user_data`` disagree with the inputs.

    The inputs say ``user_data[key]`` should be the input's value when it is
    truthy (update callbacks ignore falsy values); a key absent from the
    dict, or ``None`` in it, counts as absent.
    """
    props = [(k, f"{k}.value") for k in keys]

    def wrong(layout: dict[str, Any]) -> tuple[str, ...]:
        data = layout["user_data.data"] or {}
        return tuple(k for k, p in props if (layout[p] or None) != data.get(k))

    return wrong
