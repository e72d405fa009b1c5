"""Mistakes Dash refuses are refused here too, by type, with a message naming the callback and the prop.

App-definition mistakes raise (from :mod:`simulator.errors`) when the app is
declared or built; mistakes that happen while a callback runs (a malformed
or inapplicable Patch) become modelled error responses (R18) whose message
names the callback and the prop.
"""

import pytest
from conftest import Driver

from simulator import Dash, Input, Output, Patch, Plan, State, dcc, html
from simulator.errors import (DependencyException, DuplicateCallback, InvalidPatchOperation,
                              InvalidPropertyException, NonExistentIdException)


def _app():
    app = Dash()
    app.layout = [dcc.Input(id="name"), dcc.Store(id="user_data", data={}), html.Div(id="out")]
    return app


def test_unknown_component_id_is_refused_naming_callback_and_prop():
    app = _app()

    @app.callback(Output("out", "children"), Input("nmae", "value"))
    def greet(name):
        return name

    with pytest.raises(NonExistentIdException) as err:
        app.graph
    message = str(err.value)
    assert "greet" in message and "'nmae'" in message and "'value'" in message


def test_unknown_prop_is_refused_naming_callback_and_prop():
    app = _app()

    @app.callback(Output("out", "children"), Input("name", "valeu"))
    def greet(name):
        return name

    with pytest.raises(InvalidPropertyException) as err:
        app.graph
    message = str(err.value)
    assert "greet" in message and "'name'" in message and "'valeu'" in message


def test_duplicate_output_without_allow_duplicate_is_refused_naming_both_callbacks_and_prop():
    app = _app()

    @app.callback(Output("user_data", "data"), Input("name", "value"))
    def first_writer(name):
        return {"name": name}

    @app.callback(Output("user_data", "data"), Input("out", "children"))
    def second_writer(out):
        return {"out": out}

    with pytest.raises(DuplicateCallback) as err:
        app.graph
    message = str(err.value)
    assert "first_writer" in message and "second_writer" in message and "user_data.data" in message


def test_r5_allow_duplicate_without_prevent_initial_call_is_refused_naming_callback_and_prop():
    app = _app()
    with pytest.raises(DuplicateCallback) as err:
        @app.callback(Output("user_data", "data", allow_duplicate=True), Input("name", "value"))
        def eager_writer(name):
            return {"name": name}
    message = str(err.value)
    assert "eager_writer" in message and "'user_data'" in message and "'data'" in message
    assert "prevent_initial_call" in message


def test_callback_with_no_inputs_is_accepted_as_dash_accepts_it():
    app = _app()

    @app.callback(Output("out", "children"), State("name", "value"))
    def no_trigger(name):   # R28: it runs once, on load
        return name
    assert app.callbacks[-1].inputs == ()


def test_two_allow_duplicate_writers_with_identical_inputs_are_refused_naming_both_and_prop():
    app = _app()
    for name in ("writer_one", "writer_two"):
        def write(name_value, user_data):
            return user_data
        write.__name__ = name
        app.callback(Output("user_data", "data", allow_duplicate=True), Input("name", "value"),
                     State("user_data", "data"), prevent_initial_call=True)(write)
    with pytest.raises(DuplicateCallback) as err:
        app.graph
    message = str(err.value)
    assert "writer_one" in message and "writer_two" in message and "user_data.data" in message


# --- malformed Patch operations ----------------------------------------------------

@pytest.mark.parametrize("build", [
    lambda p: p[1.5],                    # a float is neither a dict key nor a list index
    lambda p: p.__setitem__(None, 1),
    lambda p: p["items"].extend(5),      # extend takes a list
    lambda p: p["items"].insert("0", 1),
    lambda p: p["n"].__iadd__("one"),    # arithmetic takes a number
], ids=["float-key", "none-key", "extend-non-list", "insert-str-index", "add-str"])
def test_malformed_patch_operation_is_refused(build):
    with pytest.raises(InvalidPatchOperation):
        build(Patch())


def _patch_app(body, data):
    app = Dash()
    app.layout = [dcc.Input(id="name"), dcc.Store(id="user_data", data=data)]
    body.__name__ = "patch_user_data"
    app.callback(Output("user_data", "data", allow_duplicate=True), Input("name", "value"),
                 prevent_initial_call=True)(body)
    return app


def _respond_once(app):
    d = Driver(app)
    d.load()
    (req,) = d.change({"name.value": "john"})
    return d, req, d.respond(req)


def _float_key(patch, name):
    patch[1.5] = name


def _extend_non_list(patch, name):
    patch["names"].extend(name)


@pytest.mark.parametrize("record", [_float_key, _extend_non_list], ids=["float-key", "extend-non-list"])
def test_malformed_patch_inside_a_callback_is_an_error_response_naming_callback_and_prop(record):
    def body(name):
        patch = Patch()
        record(patch, name)
        return patch

    d, req, status = _respond_once(_patch_app(body, {"a": 1}))
    assert status == "error"
    message = req.response.message
    assert "patch_user_data" in message and "user_data.data" in message and "InvalidPatchOperation" in message
    assert d.value("user_data.data") == {"a": 1}


def test_patch_that_cannot_apply_on_arrival_is_an_error_response_naming_callback_and_prop():
    def body(name):
        patch = Patch()
        patch.extend([name])              # Extend on the Store's dict: fine to build, fails on arrival
        return patch

    d, req, status = _respond_once(_patch_app(body, {"a": 1}))
    assert status == "error"
    message = req.response.message
    assert "patch_user_data" in message and "user_data.data" in message
    assert "Extend" in message and "dict" in message
    assert d.value("user_data.data") == {"a": 1}
    assert d.r.idle


def test_wrong_number_of_returned_values_is_an_error_response_naming_the_callback():
    app = _app()

    @app.callback([Output("out", "children"), Output("user_data", "data")], Input("name", "value"),
                  prevent_initial_call=True)
    def two_outputs(name):
        return name

    d = Driver(app)
    d.load()
    (req,) = d.change({"name.value": "x"})
    assert d.respond(req) == "error"
    assert "two_outputs" in req.response.message and "2 outputs" in req.response.message


# --- API arguments are checked at the door ---------------------------------------------

from simulator import Action, Config, ScenarioError, simulate  # noqa: E402
from simulator.latency import Exponential, Fixed, LogNormal, Pareto, Uniform  # noqa: E402
from simulator.validate import limit, wrong_keys  # noqa: E402


def test_config_parses_distribution_strings_as_the_cli_does():
    config = Config(server_delay="uniform:0:5", network=3, transport="http2", server="gunicorn:2",
                    bandwidth="1mbit")
    assert isinstance(config.server_delay, Uniform) and config.server_delay.high == 5
    assert config.network == Fixed(3.0)
    assert config.transport.name == "http2" and config.bandwidth == 125.0


@pytest.mark.parametrize("build, says", [
    (lambda: Config(time_limit=-1), "time_limit"),
    (lambda: Config(time_limit=float("inf")), "time_limit"),
    (lambda: Config(bandwidth=-5), "bandwidth"),
    (lambda: Config(request_budget=-1), "request_budget"),
    (lambda: Config(request_budget=2.5), "request_budget"),
    (lambda: Config(server_delay=None), "server_delay"),
    (lambda: Config(server_delay="uniform:-1:5"), "values must be finite and >= 0"),
    (lambda: Fixed(-5), "Fixed value"),
    (lambda: Fixed(float("nan")), "Fixed value"),
    (lambda: Uniform(5, 1), "high must be >= low"),
    (lambda: Exponential(float("inf")), "Exponential mean"),
    (lambda: LogNormal(0, 1), "median must be > 0"),
    (lambda: Pareto(1, 0), "alpha must be > 0"),
    (lambda: Action({"x.value": 1}, delay=float("nan")), "delay"),
    (lambda: Action({"x.value": 1}, delay=-1), "delay"),
    (lambda: Action(["x.value"]), "props must be a dict"),
    (lambda: limit("max_states", 0), "max_states must be between 1"),
    (lambda: limit("max_states", 10**18), "max_states must be between 1"),
    (lambda: limit("max_states", 2.0), "whole number"),
], ids=["time_limit<0", "time_limit=inf", "bandwidth<0", "budget<0", "budget-float", "delay-None",
        "uniform-negative", "Fixed<0", "Fixed-nan", "Uniform-reversed", "exp-inf", "lognormal-0", "pareto-0",
        "action-nan", "action-negative", "action-list", "max_states=0", "max_states=1e18", "max_states-float"])
def test_bad_api_arguments_are_refused_naming_the_argument(build, says):
    with pytest.raises(ScenarioError, match=says):
        build()


def test_assigning_a_layout_after_the_graph_was_built_rebuilds_the_graph():
    app = _app()

    @app.callback(Output("out", "children"), Input("name", "value"))
    def greet(name):
        return name

    first = app.graph
    app.layout = [dcc.Input(id="name"), html.Div(id="out"), dcc.Input(id="extra")]
    assert app.graph is not first and "extra" in app.graph.components
    app.layout.append(dcc.Input(id="appended"))           # edited in place: rebuilt too
    assert "appended" in app.graph.components


@pytest.mark.parametrize("answer, keys", [
    (True, ("diverged",)), (False, ()), (None, ()), ({"b", "a"}, ("a", "b")), (["x"], ("x",)), ("k", ("k",)),
])
def test_a_check_may_return_a_bool_or_a_set_of_keys(answer, keys):
    assert wrong_keys(answer) == keys
    app = _app()

    @app.callback(Output("out", "children"), Input("name", "value"))
    def greet(name):
        return name

    run = simulate(app, Plan(()), lambda layout: answer, Config(client_overhead=0))
    assert run.wrong == keys and run.diverged == bool(keys)


@pytest.mark.parametrize("kw, says", [
    ({"max_states": 0}, "max_states must be between 1"), ({"max_states": 10**18}, "max_states must be between 1"),
    ({"max_schedules": -1}, "max_schedules"), ({"max_depth": 1.5}, "max_depth must be a whole number"),
    ({"request_budget": 0}, "request_budget"),
])
def test_the_explorers_arguments_are_refused_at_its_door(kw, says):
    from simulator.validate import explore_arguments
    args = {"max_schedules": None, "max_depth": None, "max_states": 200_000, "request_budget": 2000, **kw}
    with pytest.raises(ScenarioError, match=says):
        explore_arguments(lambda layout: (), **args)


def test_the_explorers_check_is_normalised_like_the_engines():
    from simulator.validate import explore_arguments
    check = explore_arguments(lambda layout: {"b", "a"}, None, None, 10, 10)
    assert check({}) == ("a", "b")
