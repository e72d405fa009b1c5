"""How check's workloads change inputs as the browser would: dcc.Input debounce (`Input.tsx`), dcc.Interval ticks."""

from __future__ import annotations

import pytest

from simulator.workload import Action

pytest.importorskip("dash")


def _app(tmp_path, debounce):
    from simulator.dashapp.convert import convert
    from simulator.dashapp.load import load
    path = tmp_path / "app.py"
    path.write_text("from dash import Dash, Input, Output, dcc, html\n"
                    "app = Dash(__name__)\n"
                    f"app.layout = html.Div([dcc.Input(id='a', debounce={debounce!r}), dcc.Input(id='b'), "
                    "html.Div(id='out')])\n"
                    "@app.callback(Output('out', 'children'), Input('a', 'value'), Input('b', 'value'))\n"
                    "def show(a, b):\n    return f'{a} {b}'\n")
    return convert(load(str(path)))


def _workload(conv, name):
    from simulator.dashapp.workloads import generate, inputs
    found, _ = inputs(conv.app.graph)
    return next(w for w in generate(found) if w.name == name)


def test_typing_faster_than_the_debounce_sends_only_the_last_value_after_the_pause(tmp_path):
    plan = _workload(_app(tmp_path, 0.5), "typing a.value").plan(3)
    typed = _workload(_app(tmp_path, False), "typing a.value").plan(3)
    assert [a.props for a in typed.actions] == [{"a.value": f"a-{k}"} for k in (1, 2, 3)]
    (only,) = plan.actions
    assert only.props == {"a.value": "a-3"} and only.wait_settle and only.measure
    # sent 500 ms after the last keystroke, which came after the two gaps between keystrokes
    assert only.delay == pytest.approx(500 + sum(a.delay for a in typed.actions))


def test_keystrokes_further_apart_than_the_debounce_are_each_sent_late(tmp_path):
    # gaps of 75-225 ms against a 50 ms debounce: every value is sent, each 50 ms after its keystroke
    plan = _workload(_app(tmp_path, 0.05), "typing a.value").plan(3)
    typed = _workload(_app(tmp_path, False), "typing a.value").plan(3)
    assert [a.props for a in plan.actions] == [a.props for a in typed.actions]
    assert plan.actions[0].delay == pytest.approx(50)
    assert [a.delay for a in plan.actions[1:]] == pytest.approx([a.delay for a in typed.actions[1:]])


def test_a_debounced_change_can_land_after_a_later_plain_one(tmp_path):
    conv = _app(tmp_path, 0.5)
    orders = set()
    for seed in range(20):
        plan = _workload(conv, "interleave a.value,b.value").plan(seed)
        orders.add(tuple(next(iter(a.props)) for a in plan.actions))
        assert plan.actions[0].wait_settle and not plan.actions[1].wait_settle
    assert orders == {("b.value", "a.value")}   # b comes within the 300 ms window, a only after 500 ms


def test_debounce_true_sends_on_enter_so_each_change_stays_where_it_is(tmp_path):
    a = _workload(_app(tmp_path, True), "typing a.value").plan(3)
    b = _workload(_app(tmp_path, False), "typing a.value").plan(3)
    assert a == b


def test_the_transformation_keeps_actions_of_inputs_without_debounce():
    from simulator.dashapp.workloads import debounced
    actions = [Action({"x.value": 1}, wait_settle=True, measure=True), Action({"x.value": 2}, delay=10.0)]
    assert debounced(actions, {}) is actions


@pytest.mark.parametrize("props, ticks", [("", 10), ("max_intervals=3", 3), ("max_intervals=3, n_intervals=2", 1),
                                          ("max_intervals=0", None), ("max_intervals=2, n_intervals=2", None),
                                          ("disabled=True", None)])
def test_an_interval_ticks_no_more_than_its_max_intervals(tmp_path, props, ticks):
    # Interval.react.js, handleTimer: the timer stops once n_intervals reaches max_intervals (-1: never).
    from simulator.dashapp.convert import convert
    from simulator.dashapp.load import load
    from simulator.dashapp.workloads import generate, inputs
    path = tmp_path / "app.py"
    path.write_text("from dash import Dash, Input, Output, dcc, html\n"
                    f"app = Dash(__name__)\napp.layout = html.Div([dcc.Interval(id='t', interval=100, {props}), "
                    "html.Div(id='out')])\n"
                    "@app.callback(Output('out', 'children'), Input('t', 'n_intervals'))\n"
                    "def show(n):\n    return n\n")
    found, _ = inputs(convert(load(str(path))).app.graph)
    workloads = [w for w in generate(found) if w.kind == "ticks"]
    if ticks is None:
        assert workloads == []
    else:
        assert len(workloads[0].plan(0).actions) == ticks


def _found(tmp_path, layout, reads, writes=""):
    from simulator.dashapp.convert import convert
    from simulator.dashapp.load import load
    from simulator.dashapp.workloads import inputs
    path = tmp_path / "app.py"
    path.write_text("from dash import Dash, Input, Output, State, dcc, html\n"
                    f"app = Dash(__name__)\napp.layout = html.Div([{layout}, html.Div(id='out'), "
                    "html.Button(id='go')])\n"
                    f"@app.callback(Output('out', 'children'), {reads})\ndef show(*a):\n    return str(a)\n"
                    + writes)
    return inputs(convert(load(str(path))).app.graph)


def test_a_multi_select_whose_value_is_its_first_option_is_still_changed(tmp_path):
    # ["a"] picked again is no change: the first pick must differ from the current list
    found, _ = _found(tmp_path, "dcc.Dropdown(['a', 'b'], ['a'], id='m', multi=True)", "Input('m', 'value')")
    (choice,) = found
    assert choice.values[0] == ["b"] and ["a"] not in choice.values


def test_a_tabs_value_is_a_user_input_picked_among_its_tabs(tmp_path):
    found, _ = _found(tmp_path, "dcc.Tabs(id='t', children=[dcc.Tab(value='one'), dcc.Tab()])",
                      "Input('t', 'value')")
    (tabs,) = found
    assert tabs.values == ("tab-2",)   # 'one' is selected on mount (R22); the second tab shows as tab-2


def test_a_user_facing_input_no_workload_can_change_is_reported_even_when_a_callback_writes_it(tmp_path):
    writes = ("@app.callback(Output('city', 'options'), Output('city', 'value'), Input('go', 'n_clicks'))\n"
              "def cities(n):\n    return ['x'], 'x'\n")
    found, skipped = _found(tmp_path, "dcc.Dropdown(id='city')", "Input('city', 'value')", writes)
    assert "city.value" in skipped and "city.value" not in [u.prop for u in found]


def test_check_with_no_workload_says_nothing_was_checked_and_exits_3(tmp_path, capsys):
    import cli
    path = tmp_path / "app.py"
    path.write_text("from dash import Dash, Input, Output, dcc, html\napp = Dash(__name__)\n"
                    "app.layout = html.Div([dcc.Graph(id='g'), html.Div(id='out')])\n"
                    "@app.callback(Output('out', 'children'), Input('g', 'clickData'), prevent_initial_call=True)\n"
                    "def show(c):\n    return str(c)\n")
    assert cli.main(["check", str(path), "--trials", "2"]) == 3   # no user input it knows, nothing at load
    out = " ".join(capsys.readouterr().out.split())
    assert "NOTHING CHECKED" in out and "no divergence found" not in out and "g.clickData" in out


def test_assert_never_diverges_with_nothing_to_run_fails_instead_of_passing(tmp_path):
    from simulator.testing import NothingChecked, assert_never_diverges
    from simulator import Dash, Input, Output, html
    app = Dash()
    app.layout = [html.Div(id="a"), html.Div(id="out")]

    @app.callback(Output("out", "children"), Input("a", "title"), prevent_initial_call=True)
    def show(t):
        return t
    with pytest.raises(NothingChecked):
        assert_never_diverges(app)


def test_a_callback_that_raises_on_the_generated_values_is_named_with_its_exception(tmp_path, capsys):
    import cli
    path = tmp_path / "app.py"
    path.write_text("from dash import Dash, Input, Output, dcc, html\napp = Dash(__name__)\n"
                    "app.layout = html.Div([dcc.Input(id='qty', value='1'), html.Div(id='out')])\n"
                    "@app.callback(Output('out', 'children'), Input('qty', 'value'), prevent_initial_call=True)\n"
                    "def parse(v):\n    return int(v) * 2\n")
    cli.main(["check", str(path), "--trials", "3", "--workloads", "alone"])
    out = " ".join(capsys.readouterr().out.split())
    assert "alone qty.value, first: Callback error in parse" in out and "ValueError: invalid literal" in out
    assert "give the inputs values the callbacks accept with --values FILE" in out


def test_the_page_load_is_a_workload_of_its_own_so_a_race_between_initial_calls_is_found(tmp_path):
    from simulator.dashapp.check import Options, check
    path = tmp_path / "app.py"
    path.write_text("from dash import Dash, Input, Output, State, dcc, html\napp = Dash(__name__)\n"
                    "app.layout = html.Div([dcc.Store(id='s', data={}), html.Div('A', id='a'), html.Div('B', id='b')])\n"
                    "@app.callback(Output('s', 'data', allow_duplicate=True), Input('a', 'children'), State('s', 'data'),"
                    " prevent_initial_call='initial_duplicate')\ndef one(v, d):\n    return {**d, 'a': v}\n"
                    "@app.callback(Output('s', 'data', allow_duplicate=True), Input('b', 'children'), State('s', 'data'),"
                    " prevent_initial_call='initial_duplicate')\ndef two(v, d):\n    return {**d, 'b': v}\n")
    result = check(str(path), Options(trials=10), in_process=True)
    (load,) = result.workloads
    assert load.name == "load" and load.proof == "diverges" and load.diverged == 10


def test_a_navigation_moves_the_whole_address_of_the_location(tmp_path):
    # Location.react.js onLocationChange: pathname, href, search and hash that differ change together
    found, _ = _found(tmp_path, "dcc.Location(id='url')", "Input('url', 'pathname'), State('url', 'href')")
    (path,) = found
    assert path.change(0) == {"url.pathname": "/url-1", "url.href": "http://127.0.0.1:8050/url-1",
                              "url.search": "", "url.hash": ""}


def test_typing_while_the_page_still_loads_is_a_workload_and_finds_the_load_overwriting_it():
    # verified in Chromium: a nickname typed 300 ms into a 1.5 s load is lost when the load lands
    from conftest import APPS
    from simulator.dashapp.check import Options, check
    result = check(str(APPS / "slow_load_typing.py"), Options(trials=10), in_process=True)
    by = {w.name: w for w in result.workloads}
    assert by["during load nick.value"].proof == "diverges" and by["during load nick.value"].diverged == 10
    assert by["alone nick.value"].proof == "proved safe"      # from a settled page nothing is lost


def test_the_user_acting_while_an_interval_ticks_is_a_workload_and_finds_the_lost_pin():
    # verified in Chromium: a tick that read the board before the pin lands after it
    from conftest import APPS
    from simulator.dashapp.check import Options, check
    result = check(str(APPS / "poll_plus_pin.py"), Options(trials=10, workloads=("with",)), in_process=True)
    (w,) = result.workloads
    assert w.name == "ticks poll.n_intervals with pin.n_clicks" and w.proof == "diverges" and w.diverged > 0


def test_a_workload_filter_given_as_one_string_is_one_part_not_its_letters():
    from types import SimpleNamespace

    from simulator.dashapp.check import Options, _keep
    keep = _keep(Options(workloads="typing"))
    assert keep(SimpleNamespace(name="typing go.n_clicks")) and not keep(SimpleNamespace(name="alone go.n_clicks"))


def test_related_pairs_come_first_and_pairs_past_the_cap_are_reported(tmp_path):
    # four unrelated echo inputs declared first must not push the two writers of one Store past the cap
    from simulator.dashapp.check import Options, check
    from simulator.dashapp.workloads import Params
    path = tmp_path / "app.py"
    echoes = "".join(f"@app.callback(Output('o{i}', 'children'), Input('q{i}', 'value'))\n"
                     f"def echo{i}(v):\n    return v\n" for i in range(4))
    path.write_text("from dash import Dash, Input, Output, State, dcc, html\napp = Dash(__name__)\n"
                    "app.layout = html.Div([" + "".join(f"dcc.Input(id='q{i}'), html.Div(id='o{i}'), "
                                                        for i in range(4))
                    + "dcc.Input(id='street'), dcc.Input(id='city'), dcc.Store(id='address', data={})])\n"
                    + echoes +
                    "@app.callback(Output('address', 'data', allow_duplicate=True), Input('street', 'value'), "
                    "State('address', 'data'), prevent_initial_call=True)\n"
                    "def set_street(v, a):\n    return {**a, 'street': v}\n"
                    "@app.callback(Output('address', 'data', allow_duplicate=True), Input('city', 'value'), "
                    "State('address', 'data'), prevent_initial_call=True)\n"
                    "def set_city(v, a):\n    return {**a, 'city': v}\n")
    result = check(str(path), Options(trials=5, params=Params(max_pairs=2), workloads=("interleave",)),
                   in_process=True)
    assert [w.name for w in result.workloads][0] == "interleave street.value,city.value"
    assert result.workloads[0].proof == "diverges"
    assert len(result.untried_pairs) == 15 - 2 and "q3.value,city.value" in result.untried_pairs


def test_together_is_made_only_for_two_inputs_one_response_can_set(tmp_path):
    # no person changes two inputs in one renderer pass; a callback writing both does
    found, _ = _found(tmp_path, "dcc.Input(id='x'), dcc.Input(id='y')", "Input('x', 'value'), Input('y', 'value')")
    from simulator.dashapp.convert import convert
    from simulator.dashapp.load import load
    from simulator.dashapp.workloads import generate
    graph = convert(load(str(tmp_path / "app.py"))).app.graph
    assert not [w for w in generate(found, graph=graph) if w.kind == "together"]


def test_a_divergence_only_the_explorer_found_says_no_sampled_run_took_it(tmp_path, capsys):
    # two Store writes in one millisecond share a modified_timestamp (R4): rare, but an ordering that exists
    # when a round trip can take under a millisecond (a network law from 0 ms); with the default laws
    # (5-25 ms each way) the two saves are a round trip apart, and the explorer proves it
    import cli
    path = tmp_path / "app.py"
    path.write_text("from dash import Dash, Input, Output, State, dcc, html\n"
                    "from dash.exceptions import PreventUpdate\napp = Dash(__name__)\n"
                    "app.layout = html.Div([html.Button(id='btn'), dcc.Store(id='store'), html.Div(id='out')])\n"
                    "@app.callback(Output('store', 'data'), Input('btn', 'n_clicks'), prevent_initial_call=True)\n"
                    "def save(n):\n    return {'clicks': n}\n"
                    "@app.callback(Output('out', 'children'), Input('store', 'modified_timestamp'), "
                    "State('store', 'data'))\n"
                    "def on_data(ts, data):\n    if ts is None:\n        raise PreventUpdate\n    return data['clicks']\n")
    assert cli.main(["check", str(path), "--trials", "5", "--workloads", "typing"]) == 0
    assert cli.main(["check", str(path), "--trials", "5", "--workloads", "typing", "--network", "uniform:0:25"]) == 1
    out = " ".join(capsys.readouterr().out.split())
    assert "0/5 runs" in out and "only the explorer found it: " in out


@pytest.mark.parametrize("slider, middle", [("min=0, max=3, step=1", 2), ("min=0, max=10", 5),
                                            ("min=0, max=1, step=0.25", 0.5),
                                            ("min=0, max=9, step=None, marks={0: 'a', 3: 'b', 9: 'c'}", 3)])
def test_a_sliders_values_are_ones_its_user_can_pick(tmp_path, slider, middle):
    # a trial's step=1 slider was given 1.5, and a callback's range(k) raised on it: a false alarm
    from simulator.dashapp.convert import convert
    from simulator.dashapp.load import load
    from simulator.dashapp.workloads import inputs
    path = tmp_path / "app.py"
    path.write_text("from dash import Dash, Input, Output, dcc, html\napp = Dash(__name__)\n"
                    f"app.layout = html.Div([dcc.Slider(id='k', {slider}, value=0), html.Div(id='out')])\n"
                    "@app.callback(Output('out', 'children'), Input('k', 'value'))\n"
                    "def show(k):\n    return str(list(range(k)))\n")
    found, _ = inputs(convert(load(str(path))).app.graph)
    (k,) = found
    assert k.values[-1] == middle and type(k.values[-1]) is type(middle)


def test_nothing_checked_in_an_app_with_no_input_says_so_rather_than_pointing_at_inputs_above(tmp_path, capsys):
    # a trial: "give values for the Inputs above" where no Input was listed
    import cli
    path = tmp_path / "app.py"
    path.write_text("from dash import Dash, html\napp = Dash(__name__)\napp.layout = html.Div([html.Div(id='x')])\n")
    assert cli.main(["check", str(path), "--trials", "2"]) == 3
    out = " ".join(capsys.readouterr().out.split())
    assert "the app has no Input a user changes" in out and "Inputs above" not in out
