"""R24: callbacks with no outputs (Dash 3+) act through set_props only (docs/renderer-model.md)."""

from __future__ import annotations

import pytest

from conftest import Driver
from simulator import Dash, Input, Patch, Plan, State, dcc, html, set_props
from simulator.explore import explore
from simulator.workload import Action


def _writers(patch: bool, initial: bool = False):
    """Two no-output callbacks that each set one key of a Store with set_props."""
    app = Dash()
    app.layout = [dcc.Input(id="a"), dcc.Input(id="b"), dcc.Store(id="s", data={}), html.Div(id="seen")]

    def writer(key):
        def body(value, data):
            if patch:
                p = Patch()
                p[key] = value
                set_props("s", {"data": p})
            else:
                set_props("s", {"data": {**(data or {}), key: value}})
        body.__name__ = f"write_{key}"
        return body
    app.callback(Input("a", "value"), State("s", "data"), prevent_initial_call=not initial)(writer("a"))
    app.callback(Input("b", "value"), State("s", "data"), prevent_initial_call=True)(writer("b"))
    return app


PLAN = Plan((Action({"a.value": "x"}, wait_settle=True, measure=True), Action({"b.value": "y"})))


def lost(layout):
    data = layout["s.data"] or {}
    return tuple(k for k, v in (("a", "x"), ("b", "y")) if data.get(k) != v)


def test_r24_a_no_output_callback_runs_on_load_and_its_set_props_land():
    d = Driver(_writers(patch=True, initial=True))
    d.load()
    d.settle()
    assert [r.name for r in d.sent] == ["write_a"]        # the initial call (R5) includes it
    assert d.value("s.data") == {"a": None}


def test_r24_its_request_has_no_outputs_and_its_own_identity():
    app = _writers(patch=False)
    one, two = app.graph.nodes
    assert one.wire_outputs == () and one.uid != two.uid
    assert one.uid.endswith(app.callbacks[0].output_id) and len(app.callbacks[0].output_id) == 64


def test_r24_returning_a_value_is_an_error_response_as_dash_gives():
    app = Dash()
    app.layout = [dcc.Input(id="a")]

    @app.callback(Input("a", "value"))
    def returns(value):
        return "oops"
    response = app.callbacks[0].execute(["v"], ("a.value",))
    assert response.kind == "error" and "No-output callback received return value" in response.message


def test_r24_full_copies_through_set_props_lose_an_update_and_patches_are_proved_safe():
    unsafe = explore(_writers(patch=False), PLAN, lost)
    assert unsafe.complete and unsafe.diverging > 0
    safe = explore(_writers(patch=True), PLAN, lost)
    assert safe.complete and safe.diverging == 0 and len(safe.end_states) > 0


def test_r24_check_runs_a_real_no_output_callback(tmp_path):
    pytest.importorskip("dash")
    from simulator.dashapp.check import Options, check
    path = tmp_path / "app.py"
    path.write_text("from dash import Dash, Input, State, dcc, html, set_props\n"
                    "app = Dash(__name__)\n"
                    "app.layout = html.Div([dcc.Input(id='a'), dcc.Input(id='b'), dcc.Store(id='s', data={})])\n"
                    "@app.callback(Input('a', 'value'), State('s', 'data'), prevent_initial_call=True)\n"
                    "def one(v, d):\n    set_props('s', {'data': {**d, 'a': v}})\n"
                    "@app.callback(Input('b', 'value'), State('s', 'data'), prevent_initial_call=True)\n"
                    "def two(v, d):\n    set_props('s', {'data': {**d, 'b': v}})\n")
    result = check(str(path), Options(trials=20, workloads=("interleave",)), in_process=True)
    (w,) = result.workloads
    assert w.diverged > 5 and set(w.wrong) == {"s.data"} and w.proof == "diverges"
