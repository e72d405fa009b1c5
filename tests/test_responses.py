"""R16-R18: what a response does (actions/callbacks.ts, actions/patch.ts, observers/executedCallbacks.ts)."""

import pytest
from conftest import Driver, fixed_config, run_engine, trace_of

from simulator import Dash, Input, Output, Patch, State, dcc, html, type_into


def _writers_app(style):
    """Two allow_duplicate writers of user_data.data, one per key: full dict (naive) or Patch."""
    app = Dash()
    app.layout = [dcc.Input(id="first"), dcc.Input(id="last"), dcc.Store(id="user_data", data={"n": 0})]
    for key in ("first", "last"):
        if style == "full":
            def update(value, user_data, key=key):
                user_data[key] = value
                return user_data
            states = [State("user_data", "data")]
        else:
            def update(value, key=key):
                patch = Patch()
                patch[key] = value
                return patch
            states = []
        update.__name__ = f"update_{key}"
        app.callback(Output("user_data", "data", allow_duplicate=True), Input(key, "value"), *states,
                     prevent_initial_call=True)(update)
    return app


def _race(style, order):
    d = Driver(_writers_app(style))
    d.load()
    sent = {r.name: r for r in d.change({"first.value": "john", "last.value": "doe"})}
    for name in order:
        assert d.respond(sent[name]) == "applied"
    assert d.r.idle
    return d.value("user_data.data")


# --- R16: full values replace ----------------------------------------------------

def test_r16_a_returned_value_replaces_the_prop_entirely():
    app = Dash()
    app.layout = [dcc.Input(id="x"), dcc.Store(id="s", data={"a": 1, "b": {"c": 2}})]

    @app.callback(Output("s", "data"), Input("x", "value"), prevent_initial_call=True)
    def replace(x):
        return {"b": {"d": x}}

    d = Driver(app)
    d.load()
    d.change({"x.value": 3})
    d.settle()
    assert d.value("s.data") == {"b": {"d": 3}}          # no merge with what was there


@pytest.mark.parametrize("order, kept", [(("update_first", "update_last"), "last"),
                                         (("update_last", "update_first"), "first")])
def test_r16_the_later_full_dict_replaces_the_earlier_and_loses_its_key(order, kept):
    data = _race("full", order)
    assert data == {"n": 0, kept: {"first": "john", "last": "doe"}[kept]}


# --- R17: Patch is applied on arrival ----------------------------------------------

@pytest.mark.parametrize("order", [("update_first", "update_last"), ("update_last", "update_first")])
def test_r17_patches_to_different_keys_compose_in_either_arrival_order(order):
    assert _race("patch", order) == {"n": 0, "first": "john", "last": "doe"}


def test_r17_patch_applies_to_the_value_current_on_arrival_not_at_dispatch():
    app = Dash()
    app.layout = [dcc.Input(id="p"), dcc.Input(id="f"), dcc.Store(id="s", data={"old": True})]

    @app.callback(Output("s", "data", allow_duplicate=True), Input("p", "value"), prevent_initial_call=True)
    def patcher(p):
        patch = Patch()
        patch["items"].append(p)
        return patch

    @app.callback(Output("s", "data", allow_duplicate=True), Input("f", "value"), prevent_initial_call=True)
    def full(f):
        return {"items": [f]}

    d = Driver(app)
    d.load()
    (patch_req,) = d.change({"p.value": "patched"})     # dispatched while s.data is {"old": True}
    (full_req,) = d.change({"f.value": "full"})
    d.respond(full_req)                                  # replaced while the patch was in flight
    d.respond(patch_req)
    assert d.value("s.data") == {"items": ["full", "patched"]}


def test_r17_patch_responses_in_the_engine_keep_every_key():
    app = _writers_app("patch")
    actions = [type_into("first", "john", delay=5), type_into("last", "doe", delay=1)]
    run = run_engine(app, actions, config=fixed_config(server_delay=100))
    assert run.layout["user_data.data"] == {"n": 0, "first": "john", "last": "doe"}
    full = run_engine(_writers_app("full"), actions, config=fixed_config(server_delay=100))
    assert full.layout["user_data.data"] == {"n": 0, "last": "doe"}     # R16 by contrast


# --- R18: errors -----------------------------------------------------------------------

def _fragile_app(calls):
    app = Dash()
    app.layout = [dcc.Input(id="x", value=1), html.Div(id="o1", value="o1"), html.Div(id="o2", value="o2"),
                  html.Div(id="after")]

    @app.callback([Output("o1", "value"), Output("o2", "value")], Input("x", "value"), prevent_initial_call=True)
    def fragile(x):
        if x == 0:
            raise ZeroDivisionError("division by zero")
        return [f"o1={x}", f"o2={x}"]

    @app.callback(Output("after", "children"), Input("o1", "value"), Input("o2", "value"),
                  prevent_initial_call=True)
    def after(o1, o2):
        calls("after", o1, o2)
        return f"{o1},{o2}"

    return app


def test_r18_a_callback_that_raises_changes_nothing_triggers_nothing_and_the_app_keeps_running(calls):
    d = Driver(_fragile_app(calls))
    d.load()
    (req,) = d.change({"x.value": 0})
    assert d.respond(req) == "error"
    assert req.status == "error"
    assert "fragile" in req.response.message and "ZeroDivisionError" in req.response.message
    assert (d.value("o1.value"), d.value("o2.value")) == ("o1", "o2")     # no output changed
    assert d.r.idle and calls.count("after") == 0                         # nothing triggered
    d.change({"x.value": 2})                                              # still running
    d.settle()
    assert d.value("after.children") == "o1=2,o2=2"


def test_r18_errors_are_recorded_on_the_run(calls):
    run = run_engine(_fragile_app(calls), [type_into("x", 0, delay=5), type_into("x", 3, wait_settle=True)],
                     config=fixed_config(server_delay=20))
    (message,) = run.errors
    assert "fragile" in message and "o1.value" in message and "division by zero" in message
    (error,) = trace_of(run, "error", "fragile")
    assert error["message"] == message
    assert run.layout["after.children"] == "o1=3,o2=3"
    assert run.runaway is None
