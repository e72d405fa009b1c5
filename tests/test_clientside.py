"""R15 with real JavaScript: clientside callbacks run in an embedded V8, as handleClientside runs them."""

from __future__ import annotations

import re
import sys

import pytest

from conftest import APPS, Driver, in_chromium, modelled_load, needs_chromium
from simulator import Dash, Input, NotModelled, Output, Plan, State, dcc, html
from simulator.explore import explore
from simulator.workload import Action

pytest.importorskip("py_mini_racer")


def _one(js, *deps, initial=False):
    app = Dash()
    app.layout = [dcc.Input(id="a"), dcc.Input(id="b"), html.Div(id="out"), dcc.Store(id="s", data={"k": 0})]
    app.clientside_callback(js, *(deps or (Output("out", "children"), Input("a", "value"))),
                            prevent_initial_call=not initial)
    return app


def _run(app, **change):
    d = Driver(app)
    d.load()
    d.change({f"{k}.value": v for k, v in change.items()}, at=7)
    d.settle()
    return d


def test_r15_a_javascript_function_gets_the_values_and_its_answer_is_applied():
    d = _run(_one("function (v) { return v.toUpperCase() + '!'; }"), a="hi")
    assert d.value("out.children") == "HI!" and d.sent[0].callback.clientside


def test_r15_callback_context_no_update_prevent_update_and_patch_are_the_renderers():
    js = """function (a, data) {
        var dc = window.dash_clientside, ctx = dc.callback_context;
        if (a === 'stop') { throw dc.PreventUpdate; }
        var seen = [ctx.triggered_id, ctx.triggered[0].prop_id, ctx.triggered[0].value, ctx.inputs['a.value'],
                    ctx.states['s.data'].k, ctx.outputs_list.length];
        return [JSON.stringify(seen), a === 'keep' ? dc.no_update : new dc.Patch().assign(['k'], a).build()];
    }"""
    app = _one(js, Output("out", "children"), Output("s", "data"), Input("a", "value"), State("s", "data"))
    d = _run(app, a="x")
    assert d.value("out.children") == '["a","a.value","x","x",0,2]' and d.value("s.data") == {"k": "x"}
    d.change({"a.value": "keep"})
    d.settle()
    assert d.value("s.data") == {"k": "x"} and d.value("out.children").startswith('["a","a.value","keep"')
    d.change({"a.value": "stop"})
    d.settle()
    assert d.sent[-1].status == "prevented" and d.value("s.data") == {"k": "x"}


def test_r15_date_reads_the_simulated_clock_and_random_is_the_same_each_run():
    js = "function (v) { return [Date.now(), new Date().getTime(), Math.random()].join(' '); }"
    first = _run(_one(js), a="x").value("out.children")
    again = _run(_one(js), a="x").value("out.children")
    now, also, rnd = first.split(" ")
    assert now == also == str(1_700_000_000_000 + 7) and first == again and 0 <= float(rnd) < 1


@pytest.mark.parametrize("js,words", [
    ("function (v) { return document.getElementById('x').value; }", "reads document, which the browser's window has"),
    # V8 alone answers these with undefined; the browser has a value, so a guard on them is refused, not taken
    ("function (v) { return window.innerWidth > 800 ? 'wide' : 'narrow'; }", "reads innerWidth"),
    ("function (v) { return typeof localStorage === 'undefined' ? 'no storage' : v; }", "reads localStorage"),
    ("function (v) { setTimeout(function () {}, 10); return v; }", "reads setTimeout"),
    ("function (v) { return self.navigator ? v : 'none'; }", "reads navigator"),
    ("function (v) { return Promise.resolve(v); }", "returned a Promise"),
    ("function (v) { }", "returned undefined"),
    ("function (v) { return function () {}; }", "returned a function"),
    ("function (v) { while (true) {} }", "did not run to an answer"),
])
def test_r15_what_the_page_would_do_differently_is_refused_by_name(js, words, monkeypatch):
    monkeypatch.setattr("simulator.clientside.TIMEOUT_MS", 200)   # the loop's time-out, shortened
    with pytest.raises(NotModelled, match=f"callback clientside_0: clientside function clientside_0.*{words}"):
        _run(_one(js), a="x")


def test_r15_a_clientside_answer_lands_before_any_other_event_so_a_later_server_writer_reads_it():
    """handleClientside's answer resolves in a microtask: no user event or response comes between."""
    app = Dash()
    app.layout = [dcc.Input(id="a"), dcc.Input(id="b"), dcc.Store(id="s", data={})]
    app.clientside_callback("function (v, s) { return Object.assign({}, s, {a: v}); }",
                            Output("s", "data", allow_duplicate=True), Input("a", "value"), State("s", "data"),
                            prevent_initial_call=True)

    @app.callback(Output("s", "data", allow_duplicate=True), Input("b", "value"), State("s", "data"),
                  prevent_initial_call=True)
    def server(v, s):
        return dict(s, b=v)

    plan = Plan((Action({"a.value": "x"}, wait_settle=True, measure=True), Action({"b.value": "y"})))
    result = explore(app, plan, lambda layout: () if set(layout["s.data"]) == {"a", "b"} else ("s.data",))
    assert result.complete and not result.diverging


def test_r15_a_global_the_apps_own_script_defines_is_its_own_value():
    from simulator.clientside import JavaScript, Scripts
    scripts = Scripts()
    scripts.add("assets/app.js", "window.open = 'mine'; window.dash_clientside = {ns: {f: function (v) { "
                "return window.open + ' ' + v; }}};")
    app = _one(JavaScript(scripts, "ns", "f"))
    assert _run(app, a="x").value("out.children") == "mine x"


def test_r15_each_call_gets_its_own_copy_of_the_values_so_changing_them_is_no_state():
    js = "function (v, s) { s.k += 1; return [String(s.k), s]; }"
    app = _one(js, Output("out", "children"), Output("s", "data"), Input("a", "value"), State("s", "data"))
    d = _run(app, a="x")
    assert d.value("out.children") == "1" and d.value("s.data") == {"k": 1}


@pytest.mark.parametrize("js,name", [
    ("function (v) { window.log = window.log || []; window.log.push(v); return window.log.slice(); }", "window.log"),
    ("function (v) { var dc = window.dash_clientside; dc.state = (dc.state || 0) + 1; return dc.state; }",
     "dash_clientside.state"),
    ("(function () { var n = 0; return function (v) { n += 1; return v + n; }; })()",
     "state of its own (called again with the same values, it answered differently)"),
])
def test_r15_a_function_that_keeps_state_in_a_global_is_refused(js, name):
    """One V8 context serves every run; a global the function changes would leak from run to run."""
    with pytest.raises(NotModelled, match=f"changed {re.escape(name)}: it keeps state between calls"):
        _run(_one(js), a="x")


def test_r15_set_props_lands_with_the_answer_even_before_a_prevent_update_and_triggers_its_listeners():
    js = """function (v) {
        window.dash_clientside.set_props('b', {value: 'set ' + v});
        window.dash_clientside.set_props({type: 'x'}, {children: v});
        if (v === 'stop') { throw window.dash_clientside.PreventUpdate; }
        return v;
    }"""
    app = Dash()
    app.layout = [dcc.Input(id="a"), dcc.Input(id="b"), html.Div(id="out"), html.Div(id={"type": "x"}),
                  html.Div(id="echo")]
    app.clientside_callback(js, Output("out", "children"), Input("a", "value"), prevent_initial_call=True)
    app.callback(Output("echo", "children"), Input("b", "value"), prevent_initial_call=True)(lambda b: f"echo {b}")
    d = _run(app, a="stop")
    assert d.sent[0].status == "prevented" and d.value("out.children") is None
    assert d.value("b.value") == "set stop" and d.value('{"type":"x"}.children') == "stop"
    assert d.value("echo.children") == "echo set stop"      # R21: a side update triggers like an output


def test_r15_without_the_engine_the_message_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "py_mini_racer", None)
    with pytest.raises(NotModelled, match=r"embedded JavaScript engine: pip install mini-racer"):
        _run(_one("function (v) { return v; }"), a="x")


def _writers(patch: bool):
    """A clientside writer and a server writer of one Store (the issue's scenario)."""
    app = Dash()
    app.layout = [html.Button(id="add"), dcc.Input(id="name"), dcc.Store(id="s", data={})]
    js = ("function (n) { return new dash_clientside.Patch().assign(['clicks'], n).build(); }" if patch else
          "function (n, data) { return Object.assign({}, data, {clicks: n}); }")
    app.clientside_callback(js, Output("s", "data", allow_duplicate=True), Input("add", "n_clicks"),
                            *(() if patch else (State("s", "data"),)), prevent_initial_call=True)

    @app.callback(Output("s", "data", allow_duplicate=True), Input("name", "value"), State("s", "data"),
                  prevent_initial_call=True)
    def set_name(name, data):
        return {**data, "name": name}
    return app


def _lost(layout):
    data = layout["s.data"] or {}
    return tuple(k for k, v in (("clicks", 1), ("name", "n")) if data.get(k) != v)


PLAN = Plan((Action({"name.value": "n"}), Action({"add.n_clicks": 1})))


def test_r15_a_clientside_and_a_server_writer_of_one_store_race_and_a_patch_does_not_help_the_server_one():
    unsafe = explore(_writers(patch=False), PLAN, _lost)
    assert unsafe.complete and unsafe.diverging > 0
    # the clientside Patch alone: the server's full copy can still erase its key
    half = explore(_writers(patch=True), PLAN, _lost)
    assert half.complete and half.diverging > 0


@pytest.mark.parametrize("app", ["clientside_race.py", "clientside_assets/app.py"])
def test_r15_check_runs_a_real_apps_clientside_javascript_inline_and_from_assets(app):
    pytest.importorskip("dash")
    from simulator.dashapp.check import Options, check
    result = check(str(APPS / app), Options(trials=20), in_process=True)
    lost = [w for w in result.workloads if w.diverges]
    assert lost and any("profile.data" in {d[0] for d in w.differs} for w in lost)
    named = " ".join(c for w in lost for c in w.anomaly.callbacks)
    assert "set_name" in named and "clientside" in named


@needs_chromium
def test_r15_the_modelled_load_gives_chromiums_page(monkeypatch):
    """tests/apps/clientside_race.py in Chromium vs check's model of its load: its clientside display's text."""
    dom, _, _ = in_chromium(monkeypatch, "clientside_race")
    browser = re.search('id="shown">([^<]*)<', dom).group(1).replace("&quot;", '"')
    d = modelled_load("clientside_race")
    assert browser == '[{},true,1,"number"]' and d.value("shown.children") == browser
