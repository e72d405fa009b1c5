"""Real-app patterns beyond the seed, each with the verdict a browser shows and the mechanism named."""

from __future__ import annotations

import pytest

from conftest import APPS, workload_named
from simulator import Config, NotModelled
from simulator.dashapp.analyse import run_workload
from simulator.dashapp.check import Options, check
from simulator.dashapp.errors import Unsupported
from simulator.dashapp.lint import lint
from simulator.dashapp.workloads import Params, generate, inputs


def _run(conv, name, trials=40, **kw):
    return run_workload(conv, workload_named(conv, name), Config(**kw), trials=trials, seed=0)


def test_a_superseded_request_whose_newer_one_raised_is_told_as_such_not_as_no_update(real_app):
    # A trial read "#3 answered no_update (or PreventUpdate)" just below "#3 ... HTTP 500: ValueError".
    conv = real_app("raising_validator")
    result = _run(conv, "typing age.value")
    assert result.proof == "diverges"
    assert result.anomaly.name == "update lost: a superseded request's newer request raised"
    assert "raised (HTTP 500, R18)" in result.anomaly.story and "no_update" not in result.anomaly.story


@pytest.mark.parametrize("app, workload, prop", [("patch_counter", "typing plus1.n_clicks", "state.data"),
                                                  ("set_props_log", "typing mode.value", "log.data")])
def test_a_superseded_or_merged_requests_patch_is_named_as_lost(real_app, app, workload, prop):
    # A trial saw "lost update (mechanism not recognised)" for both: a Patch per event, one request dropped.
    result = _run(real_app(app), workload)
    assert result.proof == "diverges"
    assert result.anomaly.name == "update lost: a superseded request's Patch never applied"
    assert f"its Patch to {prop} was never applied" in result.anomaly.story


def test_dispatcher_status_sticks_at_running_when_the_job_answers_first(real_app):
    # One click fires mark_running and run_job together; if the job's response comes back first,
    # "running" lands last (R16) and the page says "running" forever.
    conv = real_app("dispatcher")
    result = _run(conv, "alone run.n_clicks")
    assert result.proof == "diverges" and 0 < result.diverged < result.trials
    assert result.anomaly.name == "responses out of order: the last response wins"
    assert ("status.data", "done", "running") in result.differs


def test_superseded_request_answering_no_update_leaves_stale_results(real_app):
    # Typing fast: the request for "query-2" is merged/superseded by the one for "query-3",
    # which answers no_update, so the results of "query-2" never appear.
    conv = real_app("superseded_no_update")
    result = _run(conv, "typing query.value")
    assert result.proof == "diverges"
    assert result.anomaly.name.startswith("update lost: a superseded request's newer request returned no_update")
    (prop, expected, _got), = result.differs
    assert prop == "results.children" and expected == "results for query-2"


def test_interval_faster_than_its_callback_starves_the_output(real_app):
    # Every 100 ms tick supersedes the 300 ms request in flight (R8): most responses are ignored;
    # the last tick's answer still arrives, so the end state is right.
    conv = real_app("fast_interval")
    found, _ = inputs(conv.app.graph)
    ticks, = generate(found, Params(ticks=4))
    result = run_workload(conv, ticks, Config(), trials=40, seed=0)
    assert result.diverged == 0 and result.proof == "proved safe"
    assert result.applied_share < 0.5
    assert result.anomaly.name == "starved by an interval faster than the round trip"
    assert [f.code for f in lint(conv)] == ["slow-interval"]


def test_time_sleep_is_simulated_server_time(real_app):
    conv = real_app("fast_interval")
    cb, = conv.callbacks
    response = cb.execute([1], ("clock.n_intervals",), 0.0)
    assert response.elapsed == pytest.approx(300.0)      # the body's time.sleep(0.3): no wall-clock wait


def test_clientside_javascript_is_run_and_a_function_that_needs_the_page_is_refused(tmp_path):
    pytest.importorskip("py_mini_racer")
    result = check(str(APPS / "clientside_writer.py"), Options(trials=5), in_process=True)
    assert result.workloads and not result.diverges    # each writer sets the whole store: any order is serial
    path = tmp_path / "app.py"
    path.write_text("from dash import Dash, Input, Output, html\napp = Dash(__name__)\n"
                    "app.layout = html.Div([html.Button(id='b'), html.Div(id='out')])\n"
                    "app.clientside_callback('function (n) { return document.title; }', Output('out', 'children'), "
                    "Input('b', 'n_clicks'))\n")
    with pytest.raises((Unsupported, NotModelled), match=r"clientside function .* reads document, which the browser.s window has"):
        check(str(path), Options(trials=1), in_process=True)


def test_bounded_loop_runs_once_per_click_and_loses_rapid_clicks(real_app):
    conv = real_app("bounded_loop")
    # One click: step -> count 1 -> bounce -> echo 1 -> step again is pruned (R6): the loop stops at once.
    one = _run(conv, "alone start.n_clicks", trials=10)
    assert one.proof == "proved safe" and one.diverged == 0
    # Three rapid clicks: merged (R7) / superseded (R8) requests each read count once, so increments are
    # lost; and the explorer finds a schedule where the newest request is never sent at all: step is held
    # back (R9) behind its own loop (count -> bounce -> echo -> step), its superseded predecessor's response
    # is ignored, and nothing re-runs the renderer's requested observer.
    rapid = _run(conv, "typing start.n_clicks")
    assert rapid.diverged > 0 and rapid.proof == "diverges"
    assert rapid.anomaly.name == "request stranded: never sent after the request it superseded was ignored"
    assert rapid.differs[0][0] == "count.data" and rapid.differs[0][1:] == (3, 0)


def test_multi_output_with_partial_no_update_loses_a_label(real_app):
    # city then country in quick succession: one request carries both triggers (R7) or the second
    # supersedes the first (R8); the body answers no_update for whichever ctx.triggered_id is not.
    conv = real_app("partial_no_update")
    result = _run(conv, "interleave city.value,country.value")
    assert result.proof == "diverges" and result.diverged > 0
    assert result.anomaly.name in ("triggers merged into one request, ctx.triggered_id names only the first",
                                   "trigger lost by a superseded request with a triggered_id filter")
    assert "labels (tests/apps/partial_no_update.py:" in result.anomaly.fix


def test_workload_values_come_from_each_control_s_type_and_options(real_app):
    found, unchanged = inputs(real_app("controls").app.graph)
    values = {u.prop: (u.kind, u.values[:2]) for u in found}
    assert values["url.pathname"] == ("path", ("/url-1", "/url-2"))
    assert values["fruit.value"] == ("choice", ("pear", "plum"))              # options other than the current one
    assert values["tags.value"] == ("choice", (["a"], ["b"]))                 # multi: a list
    assert values["size.value"] == ("choice", ("l",))
    assert values["extras.value"] == ("choice", (["salt"], ["pepper"]))
    assert values["level.value"] == ("slider", (10, 0))                       # within min/max
    assert values["span.value"] == ("slider", ([0, 100], [0, 0]))
    assert values["qty.value"] == ("number", (2, 3))
    assert unchanged == []


def test_a_counter_that_adds_one_per_trigger_is_told_to_derive_the_count_and_that_fix_is_proved_safe():
    # Handling each trigger does not fix a counter: a merged (R7) or superseded (R8) request carries one
    # trigger for several clicks.  The advice names the n_clicks totals, and the app that follows it passes.
    bad = check(str(APPS / "counter.py"), Options(trials=20), in_process=True)
    diverging = [w for w in bad.workloads if w.diverges]
    assert diverging and all(w.anomaly is not None for w in diverging)
    assert all("n_clicks" in w.anomaly.fix and "from the" in w.anomaly.fix for w in diverging)
    assert all("ctx.triggered_prop_ids" not in w.anomaly.fix for w in diverging)
    good = check(str(APPS / "counter_fixed.py"), Options(trials=20), in_process=True)
    assert not good.diverges and good.workloads


def test_the_page_loads_call_giving_way_to_the_users_is_named(real_app):
    # a trial read "lost update (mechanism not recognised)" for a tab switched while the page loads
    result = _run(real_app("tab_during_load"), "during load tabs.value")
    assert result.proof == "diverges"
    assert result.anomaly.name == "the page load's call gave way to the user's (R7)"
    assert "the page load's call of `render`" in result.anomaly.story


def test_a_state_read_before_a_set_props_sent_alongside_it_landed_is_named(real_app):
    # A trial saw "lost update (mechanism not recognised)" for an initial call reading what another set_props.
    result = _run(real_app("load_stale_state"), "load")
    assert result.proof == "diverges" and result.diverged == result.trials   # the first pass: always stale
    assert result.anomaly.name == "stale read: a State read before a write in flight landed"
    assert "`show` (#2) read `cfg.data` as State" in result.anomaly.story and "init`'s set_props" in result.anomaly.story
    assert "make cfg.data an Input instead of a State" in result.anomaly.fix


def test_the_story_names_who_set_off_the_request_an_initial_call_gave_way_to():
    # R7's story said "the user's change" also when a component's mount (R22) set the request off
    from simulator.dashapp.anomaly import _setter
    trace = [{"t": 0, "kind": "prop", "prop": "url.pathname", "value": "/", "by": "mount"},
             {"t": 0, "kind": "requested", "request": 2, "callback": "route", "cause": "url.pathname"}]
    assert _setter(trace, {"id": 2, "changed": ["url.pathname"]}) == "a component's own change on mount (R22)"
    trace[0]["by"] = "user"
    assert _setter(trace, {"id": 2, "changed": ["url.pathname"]}) == "the user's change"
