"""R21: set_props side updates (docs/renderer-model.md).

A callback's ``set_props(id, {prop: value})`` goes back with its response as
``sideUpdate``; the renderer applies it on arrival, before the superseded
check, so even a superseded request's side updates land; they trigger
listeners like an applied output (no equality check) but with no
predecessors.
"""

import json

import pytest

from simulator import (ALL, Config, Dash, Input, NonExistentIdException, InvalidPropertyException, Output, Patch,
                       Plan, PreventUpdate, Renderer, ScenarioError, State, dcc, html, no_update, set_props,
                       simulate)
from simulator.explore import explore
from simulator.latency import Fixed
from simulator.workload import Action, click
from conftest import Sequence


# --- the Dash-like API: what a response carries -----------------------------------------------

def _one(app):
    return app.callbacks[0]


def side_app(body):
    app = Dash()
    app.layout = [dcc.Input(id="a"), dcc.Store(id="s", data={}), html.Div(id="out")]
    app.callback(Output("out", "children"), Input("a", "value"), prevent_initial_call=True)(body)
    return app


def test_r21_set_props_is_carried_by_the_response_with_the_bytes_dash_sends():
    def save(value):
        set_props("s", {"data": {"v": value}})
        set_props("s", {"modified_timestamp": 5})  # a second call for one id merges (dash/_callback_context.py)
        return "ok"
    response = _one(side_app(save)).execute(["x"], ("a.value",))
    assert response.kind == "data" and response.outputs == {"out.children": "ok"}
    assert response.side == {"s.data": {"v": "x"}, "s.modified_timestamp": 5}
    body = {"multi": True, "sideUpdate": {"s": {"data": {"v": "x"}, "modified_timestamp": 5}},
            "response": {"out": {"children": "ok"}}}
    assert response.nbytes == len(json.dumps(body, separators=(",", ":")))


def test_r21_side_updates_alone_are_a_response_and_prevent_update_or_an_error_sends_none():
    def only_side(value):
        set_props("s", {"data": value})
        return no_update
    response = _one(side_app(only_side)).execute(["x"], ("a.value",))
    assert response.kind == "data" and response.outputs == {} and response.side == {"s.data": "x"}
    assert response.nbytes == len('{"multi":true,"sideUpdate":{"s":{"data":"x"}},"response":{}}')

    def prevents(value):
        set_props("s", {"data": value})
        raise PreventUpdate
    assert _one(side_app(prevents)).execute(["x"], ("a.value",)).side == {}

    def fails(value):
        set_props("s", {"data": value})
        raise ValueError("boom")
    failed = _one(side_app(fails)).execute(["x"], ("a.value",))
    assert failed.kind == "error" and failed.side == {}


def test_r21_a_wildcard_set_props_is_refused_and_a_clientside_one_is_modelled():
    def pattern(value):
        set_props({"type": "s", "index": ALL}, {"data": value})
        return "ok"
    with pytest.raises(ScenarioError, match="callback pattern: set_props.*a wildcard names no one component"):
        _one(side_app(pattern)).execute(["x"], ("a.value",))

    app = Dash()
    app.layout = [dcc.Input(id="a"), dcc.Store(id="s"), html.Div(id="out")]

    def in_browser(value):
        set_props("s", {"data": value})
        return value
    app.clientside_callback(in_browser, Output("out", "children"), Input("a", "value"))
    # a clientside function's set_props is modelled (R15): it lands with the answer, whatever the answer
    assert _one(app).execute(["x"], ("a.value",)).side == {"s.data": "x"}


def test_r21_set_props_to_a_component_or_prop_not_in_the_layout_is_refused():
    def unknown(value):
        set_props("nope", {"data": value})
        return "ok"
    with pytest.raises(NonExistentIdException, match="callback unknown: set_props\\('nope'.*not in the layout"):
        simulate(side_app(unknown), Plan((Action({"a.value": "x"}),)), lambda layout: (), _fixed())

    def bad_prop(value):
        set_props("s", {"colour": value})
        return "ok"
    with pytest.raises(InvalidPropertyException, match="callback bad_prop: set_props\\('s'.*no prop 'colour'"):
        simulate(side_app(bad_prop), Plan((Action({"a.value": "x"}),)), lambda layout: (), _fixed())


# --- the renderer ------------------------------------------------------------------------------

def echo_app():
    """``save`` writes the input into the Store with set_props; ``show`` listens to the Store."""
    app = Dash()
    app.layout = [dcc.Input(id="a"), dcc.Store(id="s"), html.Div(id="out"), html.Div(id="seen")]

    @app.callback(Output("out", "children"), Input("a", "value"), prevent_initial_call=True)
    def save(value):
        set_props("s", {"data": value})
        return f"saved {value}"

    @app.callback(Output("seen", "children"), Input("s", "data"), prevent_initial_call=True)
    def show(data):
        return f"seen {data}"
    return app


def _send(renderer, now):
    return {r.name: r for r in renderer.schedule(now)}


def test_r21_a_superseded_requests_set_props_still_lands_and_triggers():
    app = echo_app()
    r = Renderer(app.graph)
    r.load(0)
    r.change({"a.value": "old"}, 1)
    old = _send(r, 1)["save"]
    r.change({"a.value": "new"}, 2)
    new = _send(r, 2)["save"]          # R8: supersedes the old request in flight
    assert old.status == "superseded"
    status = r.receive(old, old.callback.execute(old.args, tuple(old.changed)), 3)
    assert status == "ignored"
    assert r.layout["out.children"] is None       # its main output is ignored (R8) ...
    assert r.layout["s.data"] == "old"             # ... its side update is not (R21)
    assert [q.name for q in r.requested] == ["show"]
    assert new.status == "in_flight"


def test_r21_side_updates_trigger_even_an_equal_value_with_no_predecessors_before_the_outputs():
    app = echo_app()
    r = Renderer(app.graph)
    r.load(0)
    r.layout["s.data"] = "x"   # the Store already holds what the side update writes
    r.change({"a.value": "x"}, 1)
    req = _send(r, 1)["save"]
    assert r.receive(req, req.callback.execute(req.args, tuple(req.changed)), 2) == "applied"
    (show,) = r.requested
    assert show.name == "show" and show.changed == {"s.data": True}
    assert show.predecessors == ()  # notifyObservers: like a component change (R3), not like R2


def test_r21_an_engine_run_applies_a_superseded_requests_side_update():
    # The first save takes 100 ms on the server, the second 5: the second is applied first,
    # then the first (superseded, R8) comes back and its set_props overwrites the Store.
    config = Config(server_delay=Sequence(100, 5), network=Fixed(1), client_overhead=Fixed(0))
    plan = Plan((Action({"a.value": "old"}), Action({"a.value": "new"}, delay=10)))
    run = simulate(echo_app(), plan, lambda layout: (), config)
    assert run.layout["out.children"] == "saved new"
    assert run.layout["s.data"] == "old" and run.layout["seen.children"] == "seen old"
    assert run.ignored == 1


# --- the stale-copy scenario ---------------------------------------------------------------

def stale_copy_app():
    """A slow save reads the Store as State and writes a copy back with set_props (R21):
    a name patched into the Store while it runs is lost."""
    app = Dash()
    app.layout = [html.Button(id="save"), dcc.Input(id="name"), html.Div(id="status"),
                  dcc.Store(id="store", data={})]

    @app.callback(Output("status", "children"), Input("save", "n_clicks"), State("store", "data"),
                  prevent_initial_call=True)
    def save_all(n, data):
        set_props("store", {"data": {**data, "saved": n}})
        return f"saved {n}"

    @app.callback(Output("store", "data", allow_duplicate=True), Input("name", "value"), prevent_initial_call=True)
    def save_name(name):
        patch = Patch()
        patch["name"] = name
        return patch
    return app


def name_lost(layout):
    return ("name",) if layout["store.data"].get("name") != layout["name.value"] else ()


STALE_PLAN = Plan((click("save"), Action({"name.value": "ann"}, delay=5)))


def test_r21_a_slow_set_props_writing_back_a_stale_copy_loses_the_update_in_the_engine():
    config = Config(server_delay=Sequence(200, 5), network=Fixed(1), client_overhead=Fixed(0))
    run = simulate(stale_copy_app(), STALE_PLAN, name_lost, config)
    assert run.diverged and run.wrong == ("name",)
    assert run.layout["store.data"] == {"saved": 1}
    fast = Config(server_delay=Fixed(1), network=Fixed(1), client_overhead=Fixed(0))
    assert not simulate(stale_copy_app(), STALE_PLAN, name_lost, fast).diverged  # back before the typing


def test_r21_the_explorer_finds_the_stale_set_props_in_the_shortest_schedule():
    result = explore(stale_copy_app(), STALE_PLAN, name_lost)
    assert result.complete and result.diverging > 0
    # click, type, the name's Patch back, then the stale copy: four events, no shorter
    assert len(result.counterexample_steps) == 4
    assert "save_all" in result.counterexample_steps[-1]
    assert result.counterexample.wrong == ("name",)


def test_r21_the_explorer_covers_a_superseded_set_props_landing_after_the_newer_response():
    plan = Plan((Action({"a.value": "old"}), Action({"a.value": "new"})))
    result = explore(echo_app(), plan, lambda layout: ("stale",) if layout["s.data"] != "new" else ())
    assert result.complete and result.diverging > 0
    assert any("ignored" in step for step in result.counterexample_steps)


def _fixed():
    return Config(server_delay=Fixed(5), network=Fixed(1), client_overhead=Fixed(0))


def test_r21_set_props_over_the_websocket_transport_is_refused_not_guessed():
    # Dash streams set_props over a WebSocket while the callback runs; the model does not.
    config = Config(server_delay=Fixed(5), network=Fixed(1), client_overhead=Fixed(0), transport="websocket")
    with pytest.raises(ScenarioError, match="callback save: set_props side updates: over the WebSocket"):
        simulate(echo_app(), Plan((Action({"a.value": "x"}),)), lambda layout: (), config)
