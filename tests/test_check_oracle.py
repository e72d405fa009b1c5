"""The automatic oracle (serial execution is the reference), the lint, and per-callback server time."""

from __future__ import annotations

import pytest

from conftest import workload_named
from simulator import Config, Dash, Input, Output, Plan, State, dcc, html, simulate, type_into
from simulator.dashapp.analyse import clock_props, run_workload
from simulator.dashapp.lint import lint
from simulator.dashapp.oracle import Oracle
from simulator.latency import Fixed


def test_serial_reference_runs_one_request_at_a_time(real_app):
    # naive under load: in a serial execution update_last_name reads the dict update_first_name wrote.
    conv = real_app("naive")
    oracle = Oracle(conv.app.graph, workload_named(conv, "alone load_data.n_clicks").plan(0))
    assert [ref["user_data.data"] for ref in oracle.references] == [{"first_name": "Mickael",
                                                                     "last_name": "Jackson"}]


def test_overlapping_actions_on_different_props_may_serialize_in_any_order():
    app = Dash("last_edit")
    app.layout = [dcc.Input(id="a"), dcc.Input(id="b"), dcc.Store(id="last")]

    @app.callback(Output("last", "data", allow_duplicate=True), Input("a", "value"), prevent_initial_call=True)
    def from_a(a):
        return "a"

    @app.callback(Output("last", "data", allow_duplicate=True), Input("b", "value"), prevent_initial_call=True)
    def from_b(b):
        return "b"

    plan = Plan((type_into("a", "1", wait_settle=True, measure=True), type_into("b", "1", delay=10)))
    oracle = Oracle(app.graph, plan)
    assert sorted(ref["last.data"] for ref in oracle.references) == ["a", "b"]
    layout = dict(oracle.references[0])
    assert oracle.check(layout) == ()
    layout["last.data"] = None
    assert oracle.check(layout) == ("last.data",)
    assert oracle.explain(layout)[0][2] is None


def test_actions_on_one_prop_keep_the_user_s_order(real_app):
    conv = real_app("superseded_no_update")
    oracle = Oracle(conv.app.graph, workload_named(conv, "typing query.value").plan(0))
    assert [ref["results.children"] for ref in oracle.references] == ["results for query-2"]


def test_clock_values_are_compared_without_their_digits(real_app):
    conv = real_app("chained")
    plan = workload_named(conv, "alone load_data.n_clicks").plan(0)
    oracle = Oracle(conv.app.graph, plan, clock_props(conv))
    run = simulate(conv.app.graph, plan, oracle, Config(), seed=3)
    assert run.layout["first_name_done.data"] != oracle.references[0]["first_name_done.data"]   # a time.time()
    assert "user_data.modified_timestamp" in oracle.ignored()                # a Store stamp: left out
    assert "first_name_done.data" not in oracle.ignored()                    # compared, its seconds replaced
    assert "first_name_done.data" in oracle.clock_written()
    assert not run.diverged


def test_an_event_lost_from_a_timestamped_log_is_a_divergence():
    # each writer appends {"what", "at": datetime.now()} to a copy of the log: the times differ between any
    # two runs, the events must not (leaving clock-written props out hid the lost event)
    from simulator.dashapp.oracle import unstamped
    got = unstamped('{"events":[{"at":"2023-11-14T22:13:20.004000","what":"comment1"}]}')
    want = unstamped('{"events":[{"at":"2023-11-14T22:13:20","what":"approve1"},'
                      '{"at":"2023-11-14T22:13:20.004000","what":"comment1"}]}')
    assert got == '{"events":[{"at":"<time>","what":"comment1"}]}' and got != want
    assert unstamped("saved 22:13:20 on 2023-11-14, at 1700000000.004 (1700000000004)") == \
        "saved <time> on <date>, at <s> (<ms>)"


@pytest.mark.parametrize("app,codes", [
    ("naive", ["shared-store"]), ("circular", ["shared-store"]), ("merged", ["triggered-filter"]),
    ("patch", []), ("merged_unfiltered", []), ("intermediary_stores", []), ("fast_interval", ["slow-interval"]),
    ("background_dict_cancel", ["dict-id-cancel"]), ("background_job", []),   # R31
])
def test_lint(real_app, app, codes):
    assert [f.code for f in lint(real_app(app))] == codes


def test_slow_interval_lint_uses_the_stated_latency(real_app):
    conv = real_app("fast_interval")
    (finding,) = lint(conv, Config(server_delay=Fixed(0), network=Fixed(0)))
    assert "~300 ms" in finding.message and "read_sensor (tests/apps/fast_interval.py:" in finding.message


def test_per_callback_server_delay_slows_only_that_callback(real_app):
    # The dispatcher's status sticks at "running" only when run_job answers before mark_running.
    conv = real_app("dispatcher")
    w = workload_named(conv, "alone run.n_clicks")
    zero = dict(server_delay=Fixed(0), network=Fixed(5))
    job_slow = run_workload(conv, w, Config(**zero, callback_delays={"run_job": Fixed(500)}), trials=20, seed=0)
    mark_slow = run_workload(conv, w, Config(**zero, callback_delays={"mark_running": Fixed(500)}), trials=20, seed=0)
    assert job_slow.diverged == 0 and mark_slow.diverged == 20


def test_a_callback_s_own_sleep_is_spent_on_the_simulated_server(real_app):
    conv = real_app("fast_interval")
    plan = Plan((workload_named_action(conv),))
    run = simulate(conv.app.graph, plan, lambda layout: (), Config(server_delay=Fixed(0), network=Fixed(0),
                                                                   client_overhead=Fixed(0)), seed=0)
    assert run.settle_ms == pytest.approx(300.0)          # time.sleep(0.3) in read_sensor, no wall-clock wait


def workload_named_action(conv):
    from simulator import Action
    return Action({"clock.n_intervals": 1}, wait_settle=True, measure=True)


def test_expect_is_the_seed_check_in_one_line(real_app):
    from simulator.dashapp.errors import CheckError
    from simulator.dashapp.expect import parse
    seed_check = parse("user_data.data:first_name=first_name.value,last_name=last_name.value")
    layout = {"user_data.data": {"first_name": "a"}, "first_name.value": "a", "last_name.value": "b"}
    assert seed_check(layout) == ("user_data.data['last_name']",)
    layout["user_data.data"]["last_name"] = "b"
    assert seed_check(layout) == ()
    with pytest.raises(CheckError, match="expected STORE.PROP:KEY=COMPONENT.PROP"):
        parse("user_data.data")


def _stamp_shower(show):
    app = Dash("stamps")
    app.layout = [dcc.Input(id="a"), dcc.Store(id="s"), dcc.Store(id="shown")]

    @app.callback(Output("s", "data"), Input("a", "value"), prevent_initial_call=True)
    def save(a):
        return {"a": a}

    @app.callback(Output("shown", "data"), Input("s", "modified_timestamp"), Input("s", "data"))
    def when(ts, data):
        return show(ts, data)
    return app


def test_a_prop_showing_a_store_timestamp_is_compared_without_its_digits():
    # "saved at 1700000000007" in a serial execution and "... 001" in a faster run are the same page
    plan = Plan((type_into("a", "x", wait_settle=True, measure=True),))
    app = _stamp_shower(lambda ts, data: f"{data} saved at {ts}")
    oracle = Oracle(app.graph, plan)
    run = simulate(app, plan, oracle.check, Config(server_delay=Fixed(0), network=Fixed(0),
                                                   client_overhead=Fixed(0)))
    assert run.layout["shown.data"] != oracle.references[0]["shown.data"]   # the digits differ...
    assert not run.diverged                                                  # ...and nothing else does
    stale = dict(run.layout, **{"shown.data": "None saved at 1700000000003"})
    assert oracle.check(stale) == ("shown.data",)                            # the content still counts


def test_the_explorer_proves_an_app_that_shows_a_timestamp_and_refutes_a_timestamped_log_that_loses_an_entry(tmp_path):
    from simulator.dashapp.check import Options, check
    shown = tmp_path / "shown.py"
    shown.write_text("from dash import Dash, Input, Output, dcc, html\napp = Dash(__name__)\n"
                     "app.layout = html.Div([html.Button(id='b'), dcc.Store(id='s', data={}), html.Div(id='out')])\n"
                     "@app.callback(Output('s', 'data'), Input('b', 'n_clicks'), prevent_initial_call=True)\n"
                     "def save(n):\n    return {'n': n}\n"
                     "@app.callback(Output('out', 'children'), Input('s', 'modified_timestamp'))\n"
                     "def when(ts):\n    return f'saved at {ts}'\n")
    (alone,) = check(str(shown), Options(trials=5, workloads=("alone",)), in_process=True).workloads
    assert alone.proof == "proved safe" and alone.diverged == 0
    log = tmp_path / "log.py"
    log.write_text("from datetime import datetime\nfrom dash import Dash, Input, Output, State, dcc, html\n"
                   "app = Dash(__name__)\n"
                   "app.layout = html.Div([html.Button(id='a'), html.Button(id='c'), dcc.Store(id='s', data=[])])\n"
                   + "".join(f"@app.callback(Output('s', 'data', allow_duplicate=True), Input('{k}', 'n_clicks'), "
                             "State('s', 'data'), prevent_initial_call=True)\n"
                             f"def log_{k}(n, s):\n    return s + [{{'what': '{k}', 'at': datetime.now().isoformat()}}]\n"
                             for k in "ac"))
    (both,) = check(str(log), Options(trials=20, workloads=("interleave",)), in_process=True).workloads
    assert both.proof == "diverges" and both.diverged > 0


def test_a_run_whose_page_ignored_actions_is_judged_as_if_they_were_never_made():
    """R26: ignored changes leave the plan; one that waited for the page to settle passes the wait on."""
    from simulator.dashapp.oracle import _without_empty
    from simulator.workload import Action, click
    app = Dash("ignored")
    app.layout = [html.Button(id="b", disabled=True), html.Button(id="c"), dcc.Store(id="s", data=[])]

    @app.callback(Output("s", "data", allow_duplicate=True), Input("b", "n_clicks"), State("s", "data"),
                  prevent_initial_call=True)
    def from_b(n, s):
        return s + ["b"]

    @app.callback(Output("s", "data", allow_duplicate=True), Input("c", "n_clicks"), State("s", "data"),
                  prevent_initial_call=True)
    def from_c(n, s):
        return s + ["c"]
    clicks = [click("b", wait_settle=True, measure=True)] + [click("b") for _ in range(12)] + [click("c")]
    oracle = Oracle(app.graph, Plan(tuple(clicks)))
    ignored = tuple((i, "b.n_clicks") for i in range(13))
    assert [r["s.data"] for r in oracle.for_run(ignored)] == [["c"]]     # 13 empty actions would be 2**13 orders
    kept = _without_empty([Action({}, wait_settle=True), Action({"c.n_clicks": 1}), Action({"c.n_clicks": 2})])
    assert [a.wait_settle for a in kept] == [True, False]


def test_a_prop_whose_component_left_is_shown_as_not_on_the_page_not_as_null():
    # R30: a run whose page lost a component differs from the serial page in that component's props; the
    # report says so instead of "expected null, got null"
    from simulator.dashapp.oracle import ABSENT
    from simulator.dashapp.report import _shown
    app = Dash("left")
    app.layout = [dcc.Input(id="a"), html.Div(id="out")]

    @app.callback(Output("out", "children"), Input("a", "value"))
    def echo(v):
        return v
    oracle = Oracle(app.graph, Plan(()))
    page = dict(oracle.references[0])
    del page["out.children"]
    assert oracle.explain(page) == [("out.children", None, ABSENT)]
    assert _shown(None) == "null" and _shown(ABSENT) == "nothing: its component is not on the page"
