"""R26: running= props set when a request is sent and set back when its response arrives (docs/renderer-model.md)."""

from __future__ import annotations

import re

import pytest

from conftest import APPS, Driver, in_chromium, modelled_load, needs_chromium
from simulator import Dash, Input, NonExistentIdException, NotModelled, Output, State, html, dcc
from simulator.errors import PreventUpdate


def _app(body=None, states=(), clientside=False):
    """``work`` on go.n_clicks and mode.value, disabling go and showing "busy" while it runs."""
    app = Dash()
    app.layout = [html.Button(id="go"), dcc.Input(id="mode"), html.Div(id="status"), html.Div(id="out"),
                  html.Div(id="seen")]

    def work(n, mode, *rest):
        return body(n, mode, *rest) if body else f"{n} {mode}"
    register = app.clientside_callback if clientside else None
    deps = [Output("out", "children"), Input("go", "n_clicks"), Input("mode", "value"), *states]
    running = [(Output("go", "disabled"), True, False), (Output("status", "children"), "busy", "idle")]
    if register:
        register(work, *deps, running=running, prevent_initial_call=True)
    else:
        app.callback(*deps, running=running, prevent_initial_call=True)(work)

    @app.callback(Output("seen", "children"), Input("status", "children"), prevent_initial_call=True)
    def seen(status):
        return status
    return app


def test_r26_running_props_are_set_when_the_request_leaves_after_its_values_are_read():
    d = Driver(_app(states=[State("status", "children")]))
    d.load()
    (req,) = [r for r in d.change({"go.n_clicks": 1}) if r.name == "work"]
    assert req.args == [1, None, None]                        # R14 first: it read status before "busy"
    assert d.value("go.disabled") is True and d.value("status.children") == "busy"
    d.settle()
    assert d.value("go.disabled") is False and d.value("status.children") == "idle"
    assert [r.name for r in d.sent] == ["work", "seen", "seen"]   # on and off each trigger the listener


@pytest.mark.parametrize("body,kind", [(lambda n, m: 1 / 0, "error"), (lambda n, m: (_ for _ in ()).throw(PreventUpdate), "prevented")])
def test_r26_running_props_go_back_whatever_the_response(body, kind):
    d = Driver(_app(body))
    d.load()
    (req,) = [r for r in d.change({"go.n_clicks": 1}) if r.name == "work"]
    assert d.respond(req) == kind
    assert d.value("go.disabled") is False and d.value("status.children") == "idle"


def test_r26_a_click_on_a_disabled_button_never_happens():
    d = Driver(_app())
    d.load()
    d.change({"go.n_clicks": 1})
    d.change({"go.n_clicks": 2})
    assert d.value("go.n_clicks") == 1 and [f["prop"] for k, _, f in d.events if k == "disabled"] == ["go.n_clicks"]
    d.settle()
    assert [r.name for r in d.sent if r.name == "work"] == ["work"]


def test_r26_a_superseded_requests_response_enables_the_button_while_the_newer_one_runs():
    d = Driver(_app())
    d.load()
    (first,) = [r for r in d.change({"mode.value": "a"}) if r.name == "work"]
    (second,) = [r for r in d.change({"mode.value": "b"}) if r.name == "work"]                   # R8: first is superseded, still on the wire
    assert first.status == "superseded" and d.value("go.disabled") is True
    assert d.respond(first) == "ignored"
    assert d.value("go.disabled") is False and second.status == "in_flight"
    d.change({"go.n_clicks": 1})                               # so this click goes through
    assert d.value("go.n_clicks") == 1


def test_r26_a_clientside_callbacks_running_props_are_never_set():
    d = Driver(_app(clientside=True))
    d.load()
    d.change({"go.n_clicks": 1})
    assert d.value("go.disabled") is None and d.value("status.children") is None
    d.settle()
    assert d.value("out.children") == "1 None" and d.value("status.children") is None


def test_r26_what_running_names_must_be_in_the_layout_and_plain():
    app = Dash()
    app.layout = [html.Button(id="go"), html.Div(id="out")]
    app.callback(Output("out", "children"), Input("go", "n_clicks"),
                 running=[(Output("nowhere", "children"), "x", "y")])(str)
    with pytest.raises(NonExistentIdException, match="running= names the component id 'nowhere'"):
        app.graph
    with pytest.raises(NotModelled, match="running= on .*a pattern-matching id"):
        from simulator import MATCH
        Dash().callback(Output("out", "children"), Input("go", "n_clicks"),
                        running=[(Output({"t": "x", "i": MATCH}, "disabled"), True, False)])(str)


def test_r26_check_proves_a_button_disabled_while_running_safe_though_clicks_meanwhile_are_dropped():
    pytest.importorskip("dash")
    from simulator.dashapp.check import Options, check
    result = check(str(APPS / "running_button.py"), Options(trials=40), in_process=True)
    typing = [w for w in result.workloads if w.name.startswith("typing")]
    assert typing and not result.diverges and all(w.proof == "proved safe" for w in result.workloads)


def test_r26_the_oracle_accepts_a_missing_click_only_when_the_run_really_ignored_it(real_app):
    """tests/apps/running_reset.py: a lost "add" and an "add" click on a disabled button leave equal layouts."""
    from simulator.dashapp.analyse import clock_props
    from simulator.dashapp.oracle import Oracle
    from conftest import workload_named
    conv = real_app("running_reset")
    w = workload_named(conv, "interleave add.n_clicks,other.n_clicks")
    oracle = Oracle(conv.app.graph, w.plan(0), clock_props(conv))
    lost = dict(oracle.references[0], **{"log.data": ["other"], "add.n_clicks": 0, "add.disabled": False,
                                          "other.n_clicks": 1})
    assert oracle.check(lost) == ("log.data",)                            # the click happened: "add" was lost
    assert oracle.check(lost, ((0, "add.n_clicks"),)) == ()               # the page ignored it: nothing lost


def test_r26_check_counts_every_run_that_lost_a_click_the_page_took(real_app):
    """No false pass: a run in which the add click happened and "add" is missing from the log diverges."""
    from simulator import Config, simulate
    from simulator.dashapp.analyse import clock_props
    from simulator.dashapp.oracle import Oracle
    from conftest import workload_named
    conv = real_app("running_reset")
    w = workload_named(conv, "interleave add.n_clicks,other.n_clicks")
    oracle = Oracle(conv.app.graph, w.plan(0), clock_props(conv))
    lost = 0
    for seed in range(60):
        run = simulate(conv.app.graph, w.plan(seed), oracle, Config(), seed=seed)
        if not run.ignored_user and "add" not in run.layout["log.data"]:
            lost += 1
            assert run.diverged, seed
    assert lost   # the workload does lose the click's entry


@needs_chromium
def test_r26_the_modelled_load_gives_chromiums_page_and_calls(monkeypatch):
    """tests/apps/running_load.py in Chromium vs check's model of its load: same texts, same calls, same values."""
    dom, browser_calls, _ = in_chromium(monkeypatch, "running_load")
    d = modelled_load("running_load")
    ids = ("status", "out", "seen")
    browser = {i: re.search(f'id="{i}">([^<]*)<', dom).group(1) for i in ids}
    assert browser["seen"] == "status idle, disabled False"
    assert {i: d.value(f"{i}.children") for i in ids} == browser
    model_calls = [f"seen:{r.args[0]}:{r.args[1]}" if r.name == "seen" else r.name for r in d.sent]
    assert "seen:busy:True" in browser_calls and sorted(model_calls) == sorted(browser_calls)


def test_r26_a_disabled_fieldset_disables_the_controls_inside_it_but_not_its_legends(real_app, tmp_path):
    """tests/apps/fieldset_running.py, and a copy that disables the button itself: the same runs, run by run."""
    from simulator import Config, simulate
    from simulator.dashapp.analyse import clock_props
    from simulator.dashapp.convert import convert
    from simulator.dashapp.load import load
    from simulator.dashapp.oracle import Oracle
    from conftest import workload_named
    fieldset = real_app("fieldset_running")
    graph = fieldset.app.graph
    assert graph.disablers["edit"] == ("edit.disabled", "fs.disabled") and graph.disablers["help"] == ("help.disabled",)
    copy = tmp_path / "button_running.py"
    copy.write_text((APPS / "fieldset_running.py").read_text().replace('DISABLE = "fs"', 'DISABLE = "edit"'))
    outcomes = []
    for conv in (fieldset, convert(load(str(copy)))):
        w = workload_named(conv, "interleave load.n_clicks,edit.n_clicks")
        oracle = Oracle(conv.app.graph, w.plan(0), clock_props(conv))
        runs = [simulate(conv.app.graph, w.plan(s), oracle, Config(), seed=s) for s in range(40)]
        outcomes.append([(r.ignored_user, r.layout["st.data"], r.diverged) for r in runs])
    assert outcomes[0] == outcomes[1]
    assert any(ignored for ignored, _, _ in outcomes[0])    # some clicks met the button disabled


def test_r26_a_disabled_fieldset_without_an_id_is_refused_by_name(tmp_path):
    pytest.importorskip("dash")
    from simulator.dashapp.check import Options, check
    from simulator.dashapp.errors import Unsupported
    app = tmp_path / "app.py"
    app.write_text("from dash import Dash, Input, Output, html\napp = Dash(__name__)\n"
                   "app.layout = html.Div([html.Fieldset([html.Button(id='b')], disabled=True), html.Div(id='o')])\n"
                   "app.callback(Output('o', 'children'), Input('b', 'n_clicks'))(str)\n")
    with pytest.raises(Unsupported, match="html.Fieldset without an id is disabled"):
        check(str(app), Options(trials=5), in_process=True)


def test_r26_a_click_on_a_disabled_button_does_not_bubble_to_the_components_around_it():
    app = Dash()
    app.layout = [html.Div([html.Button(id="del", disabled=True)], id="card"), html.Div(id="out")]
    app.callback(Output("out", "children"), Input("card", "n_clicks"), prevent_initial_call=True)(str)
    d = Driver(app)
    d.load()
    d.change({"del.n_clicks": 1, "card.n_clicks": 1})       # the click, and where it would bubble (R29)
    assert d.value("card.n_clicks") is None and d.r.ignored_user == ((0, "del.n_clicks"), (0, "card.n_clicks"))
    d.change({"card.n_clicks": 1})                            # a click on the card itself still counts
    assert d.value("card.n_clicks") == 1


def test_r26_a_fieldset_disables_native_form_controls_only_and_not_its_first_legend_childs(tmp_path):
    pytest.importorskip("dash")
    from simulator.dashapp.convert import convert
    from simulator.dashapp.load import load
    app = tmp_path / "app.py"
    app.write_text(
        "from dash import Dash, Input, Output, dcc, html\napp = Dash(__name__)\n"
        "app.layout = html.Div([html.Fieldset(id='fs', disabled=True, children=[\n"
        "    html.Div(html.Legend(html.Button(id='in_div_legend'))),\n"
        "    html.Legend(html.Button(id='first_legend')), html.Legend(html.Button(id='second_legend')),\n"
        "    dcc.Input(id='text'), dcc.Slider(0, 10, id='slider'), dcc.Interval(id='tick'),\n"
        "    dcc.Checklist(['a'], id='check'), dcc.Dropdown(['a'], id='pick')]), html.Div(id='o')])\n"
        "app.callback(Output('o', 'children'), [Input(i, 'n_clicks') for i in "
        "('in_div_legend', 'first_legend', 'second_legend')] + [Input(i, 'value') for i in "
        "('text', 'slider', 'check', 'pick')] + [Input('tick', 'n_intervals')])(lambda *a: str(a))\n")
    disablers = convert(load(str(app))).app.graph.disablers
    by_fieldset = {cid for cid, keys in disablers.items() if "fs.disabled" in keys[1:]}
    # HTML: only the fieldset's first legend child is exempt; Dash 4's Slider and an Interval's timer ignore it
    assert by_fieldset == {"in_div_legend", "second_legend", "text", "check", "pick"}


def test_r26_a_divergence_needing_clicks_in_one_pass_says_so():
    """Two trials read 'rare under these latencies, but possible' for clicks planned 100 ms apart that the
    explorer put in one renderer pass; the report now names what the schedule needs."""
    from conftest import APPS
    from simulator.dashapp.check import Options, check
    result = check(str(APPS / "running_counter.py"), Options(trials=20), in_process=True)
    typing = [w for w in result.workloads if w.name == "typing inc.n_clicks"][0]
    assert typing.proof == "diverges" and typing.diverged == 0
    assert "two of the user's actions, planned" in typing.needs and "one renderer pass" in typing.needs
