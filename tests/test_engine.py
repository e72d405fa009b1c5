"""The engine: user actions on the clock, quiescence, and the runaway guard."""

from simulator import Config, Dash, Input, Output, Plan, PreventUpdate, State, click, dcc, html, server_time, simulate
from simulator.latency import Fixed
from conftest import Sequence
from simulator.workload import Action


def timestamp_loop_app():
    """A loop R6 cannot stop: the Store's own timestamp (a component change, no
    predecessors, R3/R4) re-triggers a callback that writes new data every time."""
    app = Dash()
    app.layout = [dcc.Store(id="s", data={}), html.Div(id="out")]

    @app.callback(Output("s", "data"), Input("s", "modified_timestamp"), prevent_initial_call=True)
    def restamp(ts):
        return {"at": server_time()}
    return app


def test_a_runaway_loop_stops_at_the_request_budget_and_is_reported():
    config = Config(server_delay=Fixed(5), network=Fixed(1), client_overhead=Fixed(0), request_budget=50)
    run = simulate(timestamp_loop_app(), Plan(()), lambda layout: (), config)
    assert run.runaway is not None
    assert "more than 50 requests" in run.runaway and "restamp" in run.runaway


def test_a_run_that_never_settles_stops_at_the_time_limit():
    config = Config(server_delay=Fixed(5), network=Fixed(1), client_overhead=Fixed(0),
                    request_budget=10**9, time_limit=2_000.0)
    run = simulate(timestamp_loop_app(), Plan(()), lambda layout: (), config)
    assert run.unsettled == "did not settle within 2000 ms of simulated time" and run.runaway is None
    assert run.end == 2_000.0


def counter_app():
    app = Dash()
    app.layout = [html.Button(id="btn"), html.Div(id="out"), dcc.Input(id="name")]

    @app.callback(Output("out", "children"), Input("btn", "n_clicks"), State("name", "value"))
    def show(n, name):
        if not n:
            raise PreventUpdate
        return f"{name}:{n}"
    return app


def test_clicks_increment_n_clicks_and_settle_waits_for_the_response():
    config = Config(server_delay=Fixed(100), network=Fixed(10), client_overhead=Fixed(0))
    plan = Plan((Action({"name.value": "ann"}, wait_settle=True),
                 click("btn", wait_settle=True, measure=True),
                 click("btn", wait_settle=True)))
    run = simulate(counter_app(), plan, lambda layout: (), config, trace=True)
    assert run.layout["btn.n_clicks"] == 2 and run.layout["out.children"] == "ann:2"
    sends = [e["t"] for e in run.trace if e["kind"] == "dispatched" and e["callback"] == "show"]
    # initial call at 0, then each click only after the previous response came back
    assert sends == [0.0, 120.0, 240.0]
    assert run.sent == 2 and run.settle_ms == 120.0


def test_measuring_starts_at_the_first_measured_action():
    config = Config(server_delay=Fixed(100), network=Fixed(10), client_overhead=Fixed(0))
    plan = Plan((click("btn", wait_settle=True), click("btn", wait_settle=True, measure=True)))
    run = simulate(counter_app(), plan, lambda layout: (), config)
    assert run.sent == 1 and run.responses == 1 and run.applied == 1
    assert run.bytes_up > 0 and run.bytes_down > 0


def test_divergence_over_time_is_integrated_while_measuring():
    config = Config(server_delay=Fixed(100), network=Fixed(10), client_overhead=Fixed(0))
    plan = Plan((Action({"name.value": "ann"}, wait_settle=True), click("btn", wait_settle=True, measure=True)))

    def wrong(layout):  # "out" should always show the latest click count
        return () if layout["out.children"] == f"{layout['name.value']}:{layout['btn.n_clicks']}" else ("out",)

    run = simulate(counter_app(), plan, wrong, config)
    assert not run.diverged and run.episodes == 1
    assert run.time_diverged == 120.0  # from the click until the response is applied


def test_responses_of_superseded_requests_are_counted_even_after_the_page_settles():
    # R8: the first request is superseded while in flight; its slow response comes
    # back after everything else has settled.  It changes nothing, but a user
    # counting requests and ignored responses must see it; settle time does not wait for it.
    app = Dash()
    app.layout = [dcc.Input(id="a"), html.Div(id="out")]

    @app.callback(Output("out", "children"), Input("a", "value"), prevent_initial_call=True)
    def echo(v):
        return v

    config = Config(server_delay=Sequence(1000.0, 10.0), network=Fixed(0), client_overhead=Fixed(0))
    plan = Plan((Action({"a.value": "one"}, wait_settle=True, measure=True), Action({"a.value": "two"}, delay=5)))
    run = simulate(app, plan, lambda layout: (), config)
    assert run.layout["out.children"] == "two"
    assert run.sent == 2 and run.ignored == 1 and run.responses == 2
    assert run.settle_ms == 10.0


def test_an_action_on_an_unknown_prop_is_a_clear_error_before_anything_runs():
    import pytest
    from simulator import ScenarioError

    with pytest.raises(ScenarioError, match="'nmae.value', which is not a prop of any component"):
        simulate(counter_app(), Plan((Action({"nmae.value": "x"}),)), lambda layout: ())
