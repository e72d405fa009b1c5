"""R18: whatever a callback body does, the simulation goes on with an error response, or stops with
one clear error naming the callback; nothing escapes as a traceback or ends the process."""

import signal
import sys

import pytest
from conftest import Driver, run_engine

from simulator import Action, Dash, Input, Output, Plan, ScenarioError, State, click, dcc, fastengine, html, simulate
from simulator import Config, guard, jsonvalue
from simulator.jsonvalue import MAX_DEPTH


def _one_callback_app(body, output=("out", "children")):
    app = Dash()
    app.layout = [dcc.Input(id="x"), html.Div(id="out"), dcc.Store(id="s", data={}), html.Button(id="b")]
    body.__name__ = "body_under_test"
    app.callback(Output(*output), Input("x", "value"), prevent_initial_call=True)(body)
    return app


def _respond(app, value="v"):
    d = Driver(app)
    d.load()
    (req,) = d.change({"x.value": value})
    return d, req, d.respond(req)


def _nested(levels):
    value = 0
    for _ in range(levels):
        value = [value]
    return value


class BadStr(Exception):
    def __str__(self):
        raise RuntimeError("no str for you")


def _raise(exc):
    def body(x):
        raise exc
    return body


@pytest.mark.parametrize("exc, shown", [
    (SystemExit(3), "SystemExit: 3"),
    (KeyboardInterrupt(), "KeyboardInterrupt"),
    (GeneratorExit(), "GeneratorExit"),
    (BadStr(), "BadStr: <unprintable BadStr object>"),
    (RecursionError("deep"), "RecursionError: deep"),
], ids=["sys.exit", "KeyboardInterrupt", "GeneratorExit", "broken __str__", "RecursionError"])
def test_r18_anything_a_body_raises_is_an_error_response_naming_the_callback(exc, shown):
    d, req, status = _respond(_one_callback_app(_raise(exc)))
    assert status == "error"
    assert "body_under_test" in req.response.message and shown in req.response.message
    assert d.value("out.children") is None and d.r.idle


def test_r18_sys_exit_in_a_callback_does_not_end_a_simulation():
    run = run_engine(_one_callback_app(lambda x: sys.exit(0)), [Action({"x.value": "a"})])
    assert run.errors and "SystemExit" in run.errors[0]


def test_a_real_ctrl_c_during_a_callback_still_stops_the_program():
    def body(x):
        signal.raise_signal(signal.SIGINT)   # what the terminal does on Ctrl-C

    with pytest.raises(KeyboardInterrupt):
        _respond(_one_callback_app(body))


def test_a_callback_that_never_returns_stops_with_an_error_naming_it(monkeypatch):
    monkeypatch.setattr(guard, "TIMEOUT_S", 0.05)

    def body(x):
        while True:
            pass

    with pytest.raises(guard.CallbackTimeout, match="callback body_under_test did not return"):
        _respond(_one_callback_app(body))


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 494, 1000])
def test_a_value_too_deep_to_model_is_refused_naming_the_callback(levels):
    app = _one_callback_app(lambda x: _nested(levels), output=("s", "data"))
    with pytest.raises(ScenarioError, match=f"callback body_under_test returned to s.data: .* more than {MAX_DEPTH}"):
        run_engine(app, [Action({"x.value": "a"})])


def test_a_value_as_deep_as_the_model_allows_is_stored():
    app = _one_callback_app(lambda x: _nested(MAX_DEPTH), output=("s", "data"))
    run = run_engine(app, [Action({"x.value": "a"})])
    assert not run.errors and run.layout["s.data"] == _nested(MAX_DEPTH)


def _doubling_loop():
    """A callback fed by the timestamp of the Store it writes, doubling the value each turn (R6 does not stop it)."""
    app = Dash()
    app.layout = [dcc.Input(id="x"), dcc.Store(id="s", data="x")]
    app.callback(Output("s", "data"), Input("x", "value"), prevent_initial_call=True)(lambda x: x)

    def double(ts, data):
        return data + data
    app.callback(Output("s", "data", allow_duplicate=True), Input("s", "modified_timestamp"), State("s", "data"),
                 prevent_initial_call=True)(double)
    return app


#: With the size bound at 1 MiB the value is refused at its 20th doubling; a budget of 24 requests
#: ends the loop as a runaway just after, so a broken bound fails these tests instead of eating memory.
_SMALL_BUDGET = 24


@pytest.mark.parametrize("engine", ["simpy", "fast"])
def test_a_value_that_doubles_in_a_loop_is_refused_before_memory_runs_out(engine, monkeypatch):
    """The request budget (2,000) would come long after the value outgrew memory: the size bound names it."""
    monkeypatch.setattr(jsonvalue, "MAX_BYTES", 2**20)
    sim = simulate if engine == "simpy" else fastengine.simulate
    with pytest.raises(ScenarioError, match=r"callback double: a response body of 1\.0 MiB, over the 1 MiB"):
        sim(_doubling_loop(), Plan((Action({"x.value": "ab"}),)), lambda layout: (),
            Config(request_budget=_SMALL_BUDGET), seed=0)


def test_the_explorer_refuses_a_value_that_doubles_in_a_loop(monkeypatch):
    """The same in the explorer, with a 4 KiB bound (a budget of 14 then ends it in seconds if the bound breaks)."""
    from simulator.explore import explore
    monkeypatch.setattr(jsonvalue, "MAX_BYTES", 2**12)
    with pytest.raises(ScenarioError, match="callback double: a response body of .* MiB the simulator handles"):
        explore(_doubling_loop(), Plan((Action({"x.value": "ab"}),)), lambda layout: (), request_budget=14)


@pytest.mark.parametrize("wire, says", [
    ({"__dash_patch_update": "__dash_patch_update"}, "'operations' must be a list"),
    ({"__dash_patch_update": "__dash_patch_update", "operations": [{"operation": "Assign", "location": ["a"]}]},
     "'params' has no 'value'"),
    ({"__dash_patch_update": "__dash_patch_update",
      "operations": [{"operation": "Add", "location": ["n"], "params": {"value": "one"}}]}, "must be a number"),
    ({"__dash_patch_update": "__dash_patch_update",
      "operations": [{"operation": "Assign", "location": "a", "params": {"value": 1}}]}, "list of str and int"),
    ({"__dash_patch_update": "__dash_patch_update", "operations": ["Assign"]}, "not a dict"),
    ({"__dash_patch_update": "__dash_patch_update",
      "operations": [{"operation": "Delete", "location": [], "params": {}}]}, "empty location"),
], ids=["no-operations", "no-value", "add-str", "location-str", "op-str", "delete-root"])
def test_r18_a_malformed_hand_written_patch_is_an_error_response(wire, says):
    d, req, status = _respond(_one_callback_app(lambda x: wire, output=("s", "data")))
    assert status == "error"
    assert "body_under_test" in req.response.message and says in req.response.message
    assert d.value("s.data") == {}


@pytest.mark.parametrize("written", ["3", {"n": 1}, True])
def test_clicking_a_button_whose_n_clicks_a_callback_made_a_non_number_is_a_clear_error(written):
    app = Dash()
    app.layout = [dcc.Input(id="x"), html.Button(id="b")]

    @app.callback(Output("b", "n_clicks"), Input("x", "value"), prevent_initial_call=True)
    def spoil_clicks(x):
        return written

    with pytest.raises(ScenarioError, match="click on b: b.n_clicks holds .* not a number"):
        run_engine(app, [Action({"x.value": "a"}), click("b", wait_settle=True)])


@pytest.mark.parametrize("value", [object(), {1, 2}, float("nan"), _nested(MAX_DEPTH + 1)],
                         ids=["object", "set", "nan", "too-deep"])
def test_a_user_action_with_a_non_json_value_is_refused_before_running(value):
    app = _one_callback_app(lambda x: x)
    with pytest.raises(ScenarioError, match="user action .* sets x.value"):
        simulate(app, Plan((Action({"x.value": value}),)), lambda layout: ())


@pytest.mark.parametrize("value", [object(), _nested(MAX_DEPTH + 1)], ids=["object", "too-deep"])
def test_a_layout_value_that_is_not_json_is_refused_naming_the_component(value):
    app = Dash()
    app.layout = [dcc.Input(id="x"), dcc.Store(id="s", data=value)]
    with pytest.raises(ScenarioError, match=r"layout: Store\(id='s'\) data"):
        app.graph
