"""R28: a callback with no Input runs once, on load, and never again (docs/renderer-model.md)."""

from __future__ import annotations

import re

import pytest

from conftest import APPS, Driver, in_chromium, modelled_load, needs_chromium
from simulator import Dash, DependencyException, Input, Output, State, dcc, html


def _app(prevent=False):
    app = Dash()
    app.layout = [dcc.Input(id="name", value="x"), html.Div(id="greeting"), html.Div(id="seen")]
    app.callback(Output("greeting", "children"), State("name", "value"), prevent_initial_call=prevent)(
        lambda name: f"hello {name}")
    app.callback(Output("seen", "children"), Input("greeting", "children"))(lambda g: f"seen {g}")
    return app


def test_r28_it_runs_once_on_load_and_a_state_change_never_runs_it_again():
    d = Driver(_app())
    d.load()
    d.settle()
    assert d.value("greeting.children") == "hello x" and d.value("seen.children") == "seen hello x"
    d.change({"name.value": "y"})
    d.settle()
    assert [r.name for r in d.sent] == ["<lambda>", "<lambda>"] and d.value("greeting.children") == "hello x"


def test_r28_with_prevent_initial_call_it_never_runs():
    d = Driver(_app(prevent=True))
    d.load()
    d.settle()
    assert d.value("greeting.children") is None and len(d.sent) == 1


def test_r28_a_callback_with_neither_outputs_nor_inputs_is_refused():
    with pytest.raises(DependencyException, match="no Output and no Input"):
        Dash().callback(State("a", "value"))(lambda a: None)


def test_r28_check_runs_a_real_apps_callback_without_inputs():
    pytest.importorskip("dash")
    from simulator.dashapp.check import Options, check
    result = check(str(APPS / "no_input_load.py"), Options(trials=5), in_process=True)
    assert not result.diverges


@needs_chromium
def test_r28_the_modelled_load_gives_chromiums_page_and_calls(monkeypatch):
    dom, browser_calls, _ = in_chromium(monkeypatch, "no_input_load")
    d = modelled_load("no_input_load")
    for i in ("greeting", "seen"):
        assert re.search(f'id="{i}">([^<]*)<', dom).group(1) == d.value(f"{i}.children")
    assert sorted(r.name for r in d.sent) == sorted(browser_calls) == ["hello", "seen"]
