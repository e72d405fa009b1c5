"""R27: components as prop values: a value when no callback names an id among them (docs/renderer-model.md)."""

from __future__ import annotations

import html
import re

import pytest

from conftest import in_chromium, modelled_load, needs_chromium
from simulator import ALL
from simulator.trees import Named, ids_in, refusal

pytest.importorskip("dash")


def _check(tmp_path, source: str):
    from simulator.dashapp.check import Options, check
    path = tmp_path / "app.py"
    path.write_text("from dash import ALL, Dash, Input, Output, State, dcc, html\napp = Dash(__name__)\n" + source)
    return check(str(path), Options(trials=5), in_process=True)


def test_r27_ids_inside_a_tree_and_which_of_them_callbacks_name():
    tree = [{"type": "Div", "namespace": "x", "props": {"id": "a", "children": [
        {"type": "B", "namespace": "x", "props": {"id": {"type": "item", "index": 1}}}, "text"]}}]
    assert ids_in(tree) == ["a", {"type": "item", "index": 1}]
    named = Named(["b", {"type": "item", "index": ALL}])
    assert named.used(tree) == ['{"index":1,"type":"item"}'] and not named.names("a")
    assert refusal(Named(["c"]), "out.children", tree) is None
    assert "ids callbacks use (a)" in refusal(Named(["a"]), "out.children", tree)


def test_r27_a_running_prop_that_would_take_named_components_off_the_page_is_refused(tmp_path):
    # an Output doing so is a layout change (R30, tests/test_layout_change.py); running= is set as a side update
    from simulator.dashapp.errors import Unsupported
    with pytest.raises(Unsupported, match=r"writes box.children: it replaces box.children, .*\(name\)"):
        _check(tmp_path, "app.layout = html.Div([html.Button(id='go'), html.Div([dcc.Input(id='name')], id='box'),"
                         " html.Div(id='seen')])\n"
                         "@app.callback(Output('seen', 'children'), Input('go', 'n_clicks'),"
                         " running=[(Output('box', 'children'), 'busy', 'done')])\n"
                         "def slow(n):\n    return 'ok'\n"
                         "@app.callback(Output('seen', 'title'), Input('name', 'value'))\n"
                         "def seen(v):\n    return v\n")


def test_r27_a_component_value_no_callback_names_is_checked_like_any_value():
    pytest.importorskip("dash")
    from conftest import APPS
    from simulator.dashapp.check import Options, check
    result = check(str(APPS / "returns_component.py"), Options(trials=10), in_process=True)
    assert result.workloads and not result.diverges


@needs_chromium
def test_r27_the_modelled_load_gives_chromiums_page_and_calls(monkeypatch):
    """tests/apps/component_values.py in Chromium vs check's model: components read back as the same JSON."""
    dom, browser_calls, _ = in_chromium(monkeypatch, "component_values")
    d = modelled_load("component_values")
    ids = ("shown", "echo")
    browser = {i: html.unescape(re.search(f'id="{i}">([^<]*)<', dom).group(1)) for i in ids}
    assert '"type": "B"' in browser["shown"] and '"hello None"' in browser["echo"]
    assert {i: d.value(f"{i}.children") for i in ids} == browser
    assert sorted(r.name for r in d.sent) == sorted(browser_calls)
