"""A dcc.Interval ticking by itself in the Dash-like API (workload.ticks), and what a slow callback on it does (R8)."""

from __future__ import annotations

import pytest

from simulator import Config, Dash, Input, NotModelled, Output, Plan, ScenarioError, dcc, html, simulate
from simulator.latency import parse
from simulator.workload import click, merge, ticks


def _app(**interval):
    clock = dcc.Interval(id="clock", **interval)
    app = Dash()
    app.layout = [clock, html.Button(id="go"), html.Div(id="out")]

    @app.callback(Output("out", "children"), Input("clock", "n_intervals"), prevent_initial_call=True)
    def show(n):
        return f"tick {n}"
    return app, clock


def test_ticks_count_up_every_period_and_stop_at_max_intervals_or_not_at_all_when_disabled():
    _, clock = _app(interval=100, n_intervals=3)
    got = ticks(clock, 450)
    assert [a.props for a in got] == [{"clock.n_intervals": n} for n in (4, 5, 6, 7)]
    assert [a.delay for a in got] == [100] * 4
    assert len(ticks(_app(interval=100, max_intervals=2)[1], 1000)) == 2
    assert ticks(_app(interval=100, disabled=True)[1], 1000) == []
    with pytest.raises(ScenarioError, match="takes a dcc.Interval"):
        ticks(html.Div(id="x"), 100)
    with pytest.raises(ScenarioError, match="interval=0 is not a period"):
        ticks(_app(interval=0)[1], 100)


def test_merge_orders_the_users_actions_and_the_ticks_by_time():
    _, clock = _app(interval=100)
    user = [click("go", delay=250)]
    merged = merge(ticks(clock, 300), user)
    assert [(a.describe(), a.delay) for a in merged] == [
        ("clock ticks (1)", 100), ("clock ticks (2)", 100), ("click go", 50), ("clock ticks (3)", 50)]


@pytest.mark.parametrize("server,applied_while_ticking", [("fixed:40", 49), ("fixed:150", 0)])
def test_an_interval_whose_callback_is_slower_than_its_period_never_updates_the_page_while_it_ticks(
        server, applied_while_ticking):
    # Each tick supersedes the request in flight (R8): with a 150 ms callback on a 100 ms Interval, no
    # response is ever applied while it ticks; only the one after the last tick lands.
    app, clock = _app(interval=100)
    plan = Plan(tuple(ticks(clock, 5000, measure=True)))
    run = simulate(app, plan, lambda layout: (), Config(server_delay=parse(server), network=parse("fixed:5")), seed=1)
    assert run.applied - 1 == applied_while_ticking and run.layout["out.children"] == "tick 50"


def test_a_callback_that_writes_how_an_interval_ticks_is_refused():
    app, _ = _app(interval=100)
    app.callback(Output("clock", "disabled"), Input("go", "n_clicks"), prevent_initial_call=True)(lambda n: True)
    with pytest.raises(NotModelled, match="changes how the dcc.Interval 'clock' ticks"):
        app.graph
