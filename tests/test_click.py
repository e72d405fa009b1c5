"""R29: a click sets n_clicks and n_clicks_timestamp in one change (docs/renderer-model.md)."""

from __future__ import annotations

import pytest

from conftest import APPS, run_engine, trace_of, workload_named
from simulator import Dash, Input, Output, Patch, Plan, State, dcc, html
from simulator.explore import explore
from simulator.renderer import EPOCH_MS
from simulator.workload import Action, click


def _race(patch: bool = False) -> Dash:
    """Two writers of one Store: ``count`` on n_clicks, ``saved`` on n_clicks_timestamp."""
    app = Dash()
    app.layout = [html.Button(id="save", n_clicks_timestamp=-1), dcc.Store(id="state", data={})]

    def write(key, value, state):
        if patch:
            p = Patch()
            p[key] = value
            return p
        return dict(state, **{key: value})

    @app.callback(Output("state", "data", allow_duplicate=True), Input("save", "n_clicks"), State("state", "data"),
                  prevent_initial_call=True)
    def count(n, state):
        return write("count", n, state)

    @app.callback(Output("state", "data", allow_duplicate=True), Input("save", "n_clicks_timestamp"),
                  State("state", "data"), prevent_initial_call=True)
    def saved(ts, state):
        return write("saved", ts > 0, state)
    return app


def _both_keys(layout):
    return () if set(layout["state.data"]) == {"count", "saved"} else ("state.data",)


def test_r29_one_click_requests_the_callbacks_on_both_props_with_date_now():
    run = run_engine(_race(), [Action({}, delay=0), click("save", delay=250)])
    requested = [e["callback"] for e in trace_of(run, "requested")]
    assert requested == ["count", "saved"]                        # n_clicks first, as setProps lists them
    assert run.layout["save.n_clicks"] == 1
    assert run.layout["save.n_clicks_timestamp"] == EPOCH_MS + 250


def test_r29_a_button_without_the_prop_in_its_layout_gets_none():
    app = Dash()
    app.layout = [html.Button(id="b"), html.Div(id="out")]
    app.callback(Output("out", "children"), Input("b", "n_clicks"), prevent_initial_call=True)(str)
    run = run_engine(app, [click("b", delay=5)])
    assert "b.n_clicks_timestamp" not in run.layout       # nobody can read it, so nothing is set


def test_r29_the_explorer_refutes_two_writers_on_one_click_and_proves_patches_safe():
    plan = Plan((click("save", wait_settle=True, measure=True),))
    full = explore(_race(), plan, _both_keys, passes=True, same_ms=True)
    assert full.diverging and full.counterexample is not None
    safe = explore(_race(patch=True), plan, _both_keys, passes=True, same_ms=True)
    assert safe.complete and not safe.diverging


def test_r29_check_finds_the_race_between_writers_on_n_clicks_and_n_clicks_timestamp():
    pytest.importorskip("dash")
    from simulator.dashapp.check import Options, check
    result = check(str(APPS / "click_timestamp.py"), Options(trials=20), in_process=True)
    alone = next(w for w in result.workloads if w.name == "alone save.n_clicks")
    assert alone.proof == "diverges" and alone.diverged == alone.trials
    assert {c.split(" ")[0] for c in alone.anomaly.callbacks} == {"count", "saved"}


def test_r29_an_event_sets_its_counter_and_timestamp_from_either_prop_and_disable_n_clicks_stops_clicks():
    from simulator.workload import CLICK, resolve
    layout = {"b.n_clicks": 2, "b.n_clicks_timestamp": 5, "q.n_submit_timestamp": None, "q.n_submit": None,
              "off.n_clicks": None, "off.disable_n_clicks": True}
    assert resolve({"b.n_clicks_timestamp": CLICK}, layout, 40) == {"b.n_clicks": 3,
                                                                     "b.n_clicks_timestamp": EPOCH_MS + 40}
    assert list(resolve({"q.n_submit": CLICK}, layout, 7)) == ["q.n_submit", "q.n_submit_timestamp"]
    assert resolve({"off.n_clicks": CLICK}, layout, 1) == {}
    both = resolve({"b.n_clicks": CLICK, "b.n_clicks_timestamp": CLICK}, layout, 9)   # one event, named twice
    assert both == {"b.n_clicks": 3, "b.n_clicks_timestamp": EPOCH_MS + 9}


def test_r29_check_plays_every_user_event_a_callback_reads():
    """tests/apps/event_props.py: a timestamp-only reader, Enter, blur; a disable_n_clicks button is no input."""
    pytest.importorskip("dash")
    from simulator.dashapp.check import Options, check
    result = check(str(APPS / "event_props.py"), Options(trials=10), in_process=True)
    assert result.inputs == ["save.n_clicks_timestamp (click)", "q.n_submit (submit)", "leave.n_blur (blur)"]
    assert result.unchanged == []                       # nothing a user changes is left out
    pairs = [w for w in result.workloads if w.name.startswith("interleave")]
    assert len(pairs) == 3 and all(w.proof == "diverges" for w in pairs)


def test_a_verdict_without_divergence_names_the_inputs_no_workload_changed(tmp_path):
    pytest.importorskip("dash")
    import io
    from rich.console import Console
    from simulator.dashapp.check import Options, check
    from simulator.dashapp.report import print_report
    app = tmp_path / "app.py"
    app.write_text("from dash import Dash, Input, Output, dcc, html\napp = Dash(__name__)\n"
                   "app.layout = html.Div([html.Button(id='b'), html.Div(id='d', title='t'), html.Div(id='out')])\n"
                   "@app.callback(Output('out', 'children'), Input('b', 'n_clicks'), Input('d', 'title'))\n"
                   "def f(n, t):\n    return f'{n} {t}'\n")
    result = check(str(app), Options(trials=5), in_process=True)
    out = io.StringIO()
    print_report(result, Console(file=out, width=300))
    last = out.getvalue().strip().splitlines()[-1]
    assert last.startswith("no divergence found") and "not checked: what changes of d.title set off" in last


def test_r29_a_click_bubbles_to_every_html_component_around_that_counts_clicks():
    """tests/apps/click_bubbles.py: one click on "del" also clicks the card around it, and the two race."""
    pytest.importorskip("dash")
    from simulator.dashapp.check import Options, check
    result = check(str(APPS / "click_bubbles.py"), Options(trials=10, workloads=("alone",)), in_process=True)
    by_name = {w.name: w for w in result.workloads}
    assert by_name["alone del.n_clicks"].actions == "click del, click card"
    assert by_name["alone del.n_clicks"].proof == "diverges"
    assert by_name["alone card.n_clicks"].proof == "proved safe"     # a click on the card does not reach "del"


def test_r29_a_debounce_true_input_sends_its_value_with_enter_or_blur_in_one_change(real_app):
    """Input.tsx: with debounce=True, onKeyPress counts n_submit and then sends the value, and onBlur counts
    n_blur and then sends it, each before the renderer's next pass: a value never changes alone."""
    from simulator.workload import CLICK
    conv = real_app("debounce_enter")
    typed = workload_named(conv, "alone q.value").plan(0).actions[0].props
    assert list(typed) == ["q.n_submit", "q.value"] and typed["q.n_submit"] is CLICK
    left = workload_named(conv, "alone q.n_blur").plan(0).actions[0].props
    assert left["q.n_blur"] is CLICK and isinstance(left["q.value"], str)


def test_r29_every_enter_in_a_debounced_input_races_its_two_writers():
    from simulator.dashapp.check import Options, check
    from simulator.dashapp.workloads import Params
    result = check(str(APPS / "debounce_enter.py"), Options(trials=10, params=Params(max_pairs=0)), in_process=True)
    alone = [w for w in result.workloads if w.name == "alone q.value"][0]
    assert alone.proof == "diverges" and alone.diverged == alone.trials   # before: "proved safe", 0 of 10
