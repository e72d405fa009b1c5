"""R30: callbacks that change the layout: new components' callbacks run, and those of components that left stop.

The model is checked against Chromium on tests/apps/layout_change.py, and
rule by rule on small apps driven by hand (docs/renderer-model.md, R30).
"""

from __future__ import annotations

import html
import re

import pytest

from conftest import APPS, Driver, in_chromium, modelled_load, needs_chromium

pytest.importorskip("dash")

HEAD = ("from dash import ALL, MATCH, Dash, Input, Output, State, Patch, dcc, html, set_props\n"
        "app = Dash(__name__, suppress_callback_exceptions=True)\n")


def _driver(tmp_path, source: str) -> Driver:
    from simulator.dashapp.convert import convert
    from simulator.dashapp.load import load
    path = tmp_path / "app.py"
    path.write_text(HEAD + source)
    return Driver(convert(load(str(path))).app)


def _check(path: str, **options):
    from simulator.dashapp.check import Options, check
    return check(path, Options(**options), in_process=True)


def _key(index: int, kind: str = "item") -> str:
    return f'{{"index":{index},"type":"{kind}"}}'


def test_r30_new_components_callbacks_are_requested_as_the_renderer_finds_them():
    d = modelled_load("layout_change")
    # by Output: each echo instance's initial call; by Input: collect, despite prevent_initial_call;
    # noted once (its Output is inside the chunk, so its Input does not request it again); ignored never
    assert sorted(r.name for r in d.sent) == ["collect", "echo", "echo", "echo", "fill", "noted"]
    assert d.value("summary.children") == "v0|v1|v2" and d.value(f"{_key(1, 'echo')}.children") == "<v1>"
    assert d.value("quiet.children") is None
    collect = d.sent_by("collect")[0]
    assert not collect.initial and set(collect.changed) == {f"{_key(i)}.value" for i in range(3)}
    assert all(r.initial and not r.changed for r in d.sent_by("echo"))
    fill = d.sent_by("fill")[0]
    found = [r for r in d.sent if r.name != "fill"]
    assert len({r.group for r in found}) == 1 and found[0].group != fill.group      # one execution group (R19)
    assert all(r.predecessors == (fill.callback.chain_id,) for r in found)          # after the writer (R3)


@needs_chromium
def test_r30_the_modelled_load_gives_chromiums_calls_and_page(monkeypatch):
    dom, browser_calls, _ = in_chromium(monkeypatch, "layout_change")
    d = modelled_load("layout_change")
    assert sorted(r.name for r in d.sent) == sorted(browser_calls)
    for cid in ("summary", "note-out", "quiet"):
        shown = re.search(f'id="{cid}">([^<]*)<', dom).group(1)
        assert html.unescape(shown) == (d.value(f"{cid}.children") or "")
    assert re.findall(r"&lt;(v\d)&gt;", dom) == [d.value(f"{_key(i, 'echo')}.children")[1:-1] for i in range(3)]


def test_r30_a_prop_holding_components_is_read_with_their_props_as_they_stand():
    d = modelled_load("layout_change")
    d.change({f"{_key(1)}.value": "typed"})
    d.settle()
    sent = d.change({"add.n_clicks": 1})
    fill = [r for r in sent if r.name == "fill"][0]
    children = d.read(fill)["list.children"]
    assert children[1]["props"]["children"][0]["props"]["value"] == "typed"   # not the "v1" first written


def test_r30_components_that_leave_take_their_requests_and_answers_with_them(tmp_path):
    d = _driver(tmp_path, (
        "app.layout = html.Div([html.Button(id='clear'), html.Div([dcc.Input(id={'type': 'item', 'index': 0}),"
        " html.Div(id={'type': 'echo', 'index': 0})], id='box'), html.Div(id='count')])\n"
        "@app.callback(Output('box', 'children'), Input('clear', 'n_clicks'), prevent_initial_call=True)\n"
        "def clear(n):\n    return 'nothing here'\n"
        "@app.callback(Output({'type': 'echo', 'index': MATCH}, 'children'),"
        " Input({'type': 'item', 'index': MATCH}, 'value'), prevent_initial_call=True)\n"
        "def echo(v):\n    return v\n"
        "@app.callback(Output('count', 'children'), Input({'type': 'item', 'index': ALL}, 'value'),"
        " prevent_initial_call=True)\n"
        "def count(values):\n    return len(values)\n"))
    d.load()
    d.change({f"{_key(0)}.value": "x"})
    echo = d.sent_by("echo")[0]
    clear = d.change({"clear.n_clicks": 1})[0]
    d.respond(clear)
    assert echo.status == "removed" and d.respond(echo) == "ignored"                 # pruned in flight
    assert f"{_key(0, 'echo')}.children" not in d.r.layout and f"{_key(0)}.value" not in d.r.layout
    final = [r for r in d.sent_by("count") if r.changed == {}]
    assert len(final) == 1 and final[0].initial                                       # the ALL "final call"
    d.settle()
    assert d.value("count.children") == 0 and d.value("box.children") == "nothing here"


def test_r30_a_callback_on_ids_the_first_layout_lacks_waits_for_them(tmp_path):
    d = _driver(tmp_path, (
        "app.layout = html.Div([html.Button(id='open'), html.Div(id='tab')])\n"
        "@app.callback(Output('tab', 'children'), Input('open', 'n_clicks'), prevent_initial_call=True)\n"
        "def open_tab(n):\n    return [dcc.Input(id='name', value='a'), html.Div(id='hello')]\n"
        "@app.callback(Output('hello', 'children'), Input('name', 'value'))\n"
        "def hello(v):\n    return 'hi ' + v\n"))
    d.load()
    d.settle()
    assert not d.sent_by("hello")
    d.change({"open.n_clicks": 1})
    d.settle()
    assert d.value("hello.children") == "hi a"


def test_r30_a_callback_half_on_the_page_is_refused_by_name(tmp_path):
    from simulator.errors import NotModelled
    with pytest.raises(NotModelled, match=r"callback shout names later, which is not on the page.*R30"):
        _driver(tmp_path, (
            "app.layout = html.Div([dcc.Input(id='name'), html.Div(id='out')])\n"
            "@app.callback(Output('out', 'children'), Input('name', 'value'), State('later', 'value'))\n"
            "def shout(v, w):\n    return v\n")).load()


def test_r30_what_the_model_does_not_run_on_arrival_is_refused_by_name(tmp_path):
    from simulator.errors import NotModelled
    d = _driver(tmp_path, (
        "app.layout = html.Div([html.Button(id='go'), html.Div(id='box'), html.Div(id='seen')])\n"
        "@app.callback(Output('box', 'children'), Input('go', 'n_clicks'), prevent_initial_call=True)\n"
        "def add(n):\n    return dcc.Store(id='kept', data=1)\n"
        "@app.callback(Output('seen', 'children'), Input('kept', 'data'))\n"
        "def seen(v):\n    return v\n"))
    d.load()
    with pytest.raises(NotModelled, match=r"new Store kept acts when it mounts"):
        d.respond(d.change({"go.n_clicks": 1})[0])


def test_r30_components_set_props_brings_join_the_page_but_nothing_is_requested_for_them(tmp_path):
    d = _driver(tmp_path, (
        "app.layout = html.Div([html.Button(id='go'), html.Div(id='box'), html.Div(id='seen'), html.Div(id='n')])\n"
        "@app.callback(Input('go', 'n_clicks'), prevent_initial_call=True)\n"
        "def add(n):\n    set_props('box', {'children': [dcc.Input(id='name', value='x'), html.Div(id='inner'),"
        " dcc.Input(id={'t': 'i', 'k': 0}, value='a')]})\n"
        "@app.callback(Output('seen', 'children'), Input('name', 'value'))\n"
        "def seen(v):\n    return f'seen={v}'\n"
        "@app.callback(Output('inner', 'children'), Input('go', 'n_clicks'))\n"
        "def inner(n):\n    return 'inner ran'\n"
        "@app.callback(Output('n', 'children'), Input({'t': 'i', 'k': ALL}, 'value'))\n"
        "def count(vs):\n    return len(vs)\n"))
    d.load()
    d.settle()
    assert d.names(d.sent) == ["count"]                    # seen and inner wait for ids the page lacks
    d.respond(d.change({"go.n_clicks": 1})[0])
    d.settle()
    # sideUpdate: props set, paths recomputed, and nothing requested (no getLayoutCallbacks)
    assert d.names(d.sent) == ["count", "add"]
    assert d.value("name.value") == "x" and d.value("n.children") == 0
    d.change({"name.value": "typed"})                      # the new ids are in the paths: their callbacks fire
    d.change({'{"k":0,"t":"i"}.value': "b"})
    d.settle()
    assert d.value("seen.children") == "seen=typed" and d.value("n.children") == 1
    assert d.value("inner.children") is None               # inner's Output arrived; only go would fire it


@needs_chromium
def test_r30_a_set_props_layout_change_gives_chromiums_calls_and_page(monkeypatch):
    dom, browser_calls, _ = in_chromium(monkeypatch, "set_props_layout")
    d = modelled_load("set_props_layout")
    assert sorted(r.name for r in d.sent) == sorted(c.partition(":")[0] for c in browser_calls)
    for cid in ("seen", "count", "boxwatch", "inner", "zipped"):
        shown = re.search(f'id="{cid}">([^<]*)<', dom).group(1)
        assert html.unescape(shown) == (d.value(f"{cid}.children") or "")
    assert "zipped" in browser_calls


def test_r30_check_finds_the_item_a_quick_second_click_loses():
    result = _check(str(APPS / "add_items.py"), trials=20)
    assert result.diverges
    assert {"items.children", "store.data"} <= set(result.props())
    assert any(w.proof == "diverges" for w in result.workloads)   # the explorer refutes it too


def test_r30_check_proves_a_list_rebuilt_from_its_inputs_safe(tmp_path):
    path = tmp_path / "app.py"
    path.write_text(HEAD + (
        "app.layout = html.Div([html.Button(id='add'), html.Div(id='items'), dcc.Store(id='store')])\n"
        "@app.callback(Output('items', 'children'), Input('add', 'n_clicks'))\n"
        "def add(n):\n    return [dcc.Input(id={'type': 'item', 'index': i}, value=f'item {i}')"
        " for i in range(n or 0)]\n"
        "@app.callback(Output('store', 'data'), Input({'type': 'item', 'index': ALL}, 'value'))\n"
        "def collect(values):\n    return values\n"))
    result = _check(str(path), trials=20)
    assert result.workloads and not result.diverges
    assert all(w.proof == "proved safe" for w in result.workloads)
    # the items are not on the page as it loads: check clicks add, then types into what arrived
    assert 'typing {"index":0,"type":"item"}.value after click add' in [w.name for w in result.workloads]
    assert result.later == []


# --- the Dash-like API ------------------------------------------------------------------------------

def _api_add_items(**kw):
    from simulator import ALL, Dash, Input, Output, State, dcc, html
    app = Dash("add", **kw)
    app.layout = [html.Button(id="add"), html.Div([dcc.Input(id={"type": "item", "index": 0}, value="first")],
                                                  id="items"), dcc.Store(id="store")]

    @app.callback(Output("items", "children"), Input("add", "n_clicks"), State("items", "children"),
                  prevent_initial_call=True)
    def add(n, children):
        return children + [dcc.Input(id={"type": "item", "index": n}, value=f"item {n}")]

    @app.callback(Output("store", "data"), Input({"type": "item", "index": ALL}, "value"))
    def collect(values):
        return values
    return app


def test_r30_the_dash_like_api_runs_a_layout_change_and_its_race():
    from simulator import Config, simulate
    from simulator.explore import explore
    from simulator.workload import Plan, click
    app = _api_add_items()
    d = Driver(app)
    d.load()
    d.settle()
    assert d.value("items.children")[0]["props"]["value"] == "first"    # read as the renderer holds it (R27)
    d.change({f"{_key(0)}.value": "typed"})
    d.settle()
    d.change({"add.n_clicks": 1})
    d.settle()
    assert d.value("store.data") == ["typed", "item 1"]                  # State(children) as the user left it
    plan = Plan((click("add", wait_settle=True, measure=True), click("add", delay=50)))
    both = lambda layout: () if len(layout["store.data"]) == 3 else ("store.data",)  # noqa: E731
    result = explore(app, plan, both, same_ms=True, passes=True)
    assert result.complete and result.diverging                       # the second click read the old list
    runs = [simulate(app, plan, both, Config(), seed=s) for s in range(20)]
    assert any(r.diverged for r in runs) and not all(r.diverged for r in runs)


def test_r30_the_dash_like_api_runs_a_set_props_layout_change_without_requesting_for_it():
    from simulator import ALL, Config, Dash, Input, Output, State, dcc, html, set_props, simulate
    from simulator.explore import explore
    from simulator.workload import Plan, click
    app = Dash("add by set_props")
    app.layout = [html.Button(id="add"), html.Div([dcc.Input(id={"type": "item", "index": 0}, value="first")],
                                                  id="items"), dcc.Store(id="store")]

    @app.callback(Input("add", "n_clicks"), State("items", "children"), prevent_initial_call=True)
    def add(n, children):
        set_props("items", {"children": children + [dcc.Input(id={"type": "item", "index": n}, value=f"item {n}")]})

    @app.callback(Output("store", "data"), Input({"type": "item", "index": ALL}, "value"))
    def collect(values):
        return values
    d = Driver(app)
    d.load()
    d.settle()
    d.change({"add.n_clicks": 1})
    d.settle()
    assert d.value("store.data") == ["first"]          # the arrival requests nothing (sideUpdate)
    d.change({f"{_key(1)}.value": "typed"})
    d.settle()
    assert d.value("store.data") == ["first", "typed"]   # but the new input is on the page, and in ALL
    plan = Plan((click("add", wait_settle=True, measure=True),))
    stale = lambda layout: () if layout["store.data"] == ["first"] else ("store.data",)  # noqa: E731
    assert explore(app, plan, stale, same_ms=True, passes=True).diverging == 0
    assert not any(simulate(app, plan, stale, Config(), seed=s).diverged for s in range(5))


def test_r30_the_dash_like_api_still_refuses_an_unknown_id_unless_callbacks_may_name_later_ones():
    from simulator import Dash, Input, Output, dcc, html
    from simulator.errors import NonExistentIdException
    for suppress in (False, True):
        app = Dash("tabs", suppress_callback_exceptions=suppress)
        app.layout = [dcc.Input(id="name"), html.Div(id="out")]
        app.callback(Output("out", "children"), Input("nmae", "value"))(lambda v: v)   # a typo, or a later id
        if suppress:
            Driver(app).load()
        else:
            with pytest.raises(NonExistentIdException, match="nmae"):
                app.graph


def _answer_in_order(d: Driver, *names: str) -> None:
    for name in names:
        d.respond([r for r in d.in_flight if r.name == name][0])
    d.settle()


@needs_chromium
def test_r30_all_lists_ids_in_the_order_they_arrived_as_in_chromium(monkeypatch):
    """computePaths keeps the ids outside a chunk in their place and appends new ones: fill_b lands first."""
    dom, browser_calls, _ = in_chromium(monkeypatch, "arrival_order")
    assert browser_calls.index("fill_b") < browser_calls.index("fill_a")
    d = modelled_load_unsettled("arrival_order")
    _answer_in_order(d, "fill_b", "fill_a")
    shown = html.unescape(re.search('id="summary">([^<]*)<', dom).group(1))
    assert shown == d.value("summary.children") == "static|b|a"


def test_r30_all_order_follows_arrival_and_check_names_it():
    for first, second, want in (("fill_a", "fill_b", "static|a|b"), ("fill_b", "fill_a", "static|b|a")):
        d = modelled_load_unsettled("arrival_order")
        _answer_in_order(d, first, second)
        assert d.value("summary.children") == want
    result = _check(str(APPS / "arrival_order.py"), trials=10, workloads=("load",))
    load = result.workloads[0]
    assert load.proof == "diverges" and load.anomaly.name == "ALL lists components in the order they arrived (R30)"


def modelled_load_unsettled(module: str) -> Driver:
    from simulator.dashapp.convert import convert
    from simulator.dashapp.load import load
    d = Driver(convert(load(str(APPS / f"{module}.py"))).app)
    d.load()
    return d


@needs_chromium
def test_r30_a_match_instance_waits_for_its_inputs_as_in_chromium(monkeypatch):
    dom, browser_calls, _ = in_chromium(monkeypatch, "match_waiting")
    d = modelled_load("match_waiting")
    assert sorted(browser_calls) == sorted(["form", "echo:0", "echo:1"])
    assert sorted(r.name for r in d.sent) == ["echo", "echo", "form"]
    shown = [html.unescape(s) for s in re.findall(r'<span id="[^"]*">([^<]*)</span>', dom)]
    assert shown == [d.value(f"{_key(i, 'out')}.children") for i in range(2)] == ["<v0>", "<v1>"]


def test_r30_check_acts_on_components_that_arrive_and_finds_their_race():
    """A race only in what the user does to rows an action brings: check runs the bringing action, then
    clicks on what it brought (before, no workload touched them and the verdict was 'no divergence')."""
    result = _check(str(APPS / "row_counters.py"), trials=20)
    names = [w.name for w in result.workloads]
    assert 'typing {"index":0,"type":"inc"}.n_clicks after click add' in names
    typing = [w for w in result.workloads if w.name.startswith('typing {"index":0')][0]
    assert typing.proof == "diverges" and "totals.data" in typing.wrong
    assert result.later == []                                # nothing left unchecked
    before_arrival = [w for w in result.workloads if "after" not in w.name]
    assert not any(w.diverges for w in before_arrival)       # the race is in the rows only


def test_r30_an_action_on_a_component_that_is_not_there_is_ignored_and_judged_so(tmp_path):
    """A click on a row that a layout change took away cannot happen: the page ignores it (recorded as
    R26's ignored changes are), and the oracle judges the run without it."""
    from simulator.workload import CLICK, Action, Plan
    from simulator import simulate, Config
    d = _driver(tmp_path, (
        "app.layout = html.Div([html.Button(id='add'), html.Div(id='rows'), html.Div(id='seen')])\n"
        "@app.callback(Output('rows', 'children'), Input('add', 'n_clicks'), prevent_initial_call=True)\n"
        "def add(n):\n    return [html.Button(id={'type': 'row', 'index': n})]\n"
        "@app.callback(Output('seen', 'children'), Input({'type': 'row', 'index': ALL}, 'n_clicks'),"
        " prevent_initial_call=True)\n"
        "def seen(c):\n    return str(c)\n"))
    d.load()
    d.change({f"{_key(5, 'row')}.n_clicks": CLICK})   # a row that is not on the page
    assert d.r.ignored_user == ((0, f"{_key(5, 'row')}.n_clicks"),)
    plan = Plan((Action({f"{_key(7, 'row')}.n_clicks": CLICK}, wait_settle=True, arrives=True),))
    run = simulate(d.app, plan, lambda layout: (), Config(), seed=0)
    assert run.ignored_user == ((0, f"{_key(7, 'row')}.n_clicks"),)


def test_r30_an_input_that_arrives_is_paired_with_the_pages_other_inputs():
    result = _check(str(APPS / "arriving_field.py"), trials=20)
    pair = [w for w in result.workloads if w.name == "interleave name.value,city.value after click show"]
    assert pair and pair[0].proof == "diverges" and "user.data" in pair[0].wrong


# --- from a code review: the renderer's source, followed where the first R30 differed ----------------

def test_r30_an_answer_in_flight_whose_input_left_still_lands_pruneCallbacks_looks_at_outputs(tmp_path):
    d = _driver(tmp_path, (
        "app.layout = html.Div([html.Button(id='clear'), html.Div([dcc.Input(id='field', value='a')], id='box'),"
        " html.Div(id='out')])\n"
        "@app.callback(Output('box', 'children'), Input('clear', 'n_clicks'), prevent_initial_call=True)\n"
        "def clear(n):\n    return 'gone'\n"
        "@app.callback(Output('out', 'children'), Input('field', 'value'), prevent_initial_call=True)\n"
        "def echo(v):\n    return 'saw ' + v\n"))
    d.load()
    echo = d.change({"field.value": "typed"})[0]
    d.respond(d.change({"clear.n_clicks": 1})[0])
    assert d.respond(echo) == "applied" and d.value("out.children") == "saw typed"


def test_r30_falsy_children_leave_the_components_in_the_paths(tmp_path):
    # executedCallbacks.ts: `if (!children) return;` -- handlePaths is skipped, nothing is pruned
    d = _driver(tmp_path, (
        "app.layout = html.Div([html.Button(id='clear'), html.Div([dcc.Input(id='field', value='a')], id='box'),"
        " html.Div(id='out')])\n"
        "@app.callback(Output('box', 'children'), Input('clear', 'n_clicks'), prevent_initial_call=True)\n"
        "def clear(n):\n    return None\n"
        "@app.callback(Output('out', 'children'), Input('field', 'value'), prevent_initial_call=True)\n"
        "def echo(v):\n    return 'saw ' + v\n"))
    d.load()
    d.respond(d.change({"clear.n_clicks": 1})[0])
    assert "field" in d.r.graph.components and not d.kinds("layout")


def test_r30_a_patch_on_children_applies_to_the_tree_as_the_user_left_it(tmp_path):
    d = _driver(tmp_path, (
        "app.layout = html.Div([html.Button(id='add'), html.Div([dcc.Input(id={'type': 'item', 'index': 0},"
        " value='first')], id='items'), dcc.Store(id='store')])\n"
        "@app.callback(Output('items', 'children'), Input('add', 'n_clicks'), prevent_initial_call=True)\n"
        "def add(n):\n    p = Patch()\n    p.append(dcc.Input(id={'type': 'item', 'index': n}, value=f'item {n}'))\n"
        "    return p\n"
        "@app.callback(Output('store', 'data'), Input({'type': 'item', 'index': ALL}, 'value'))\n"
        "def collect(v):\n    return v\n"))
    d.load()
    d.settle()
    d.change({f"{_key(0)}.value": "typed"})
    d.settle()
    d.change({"add.n_clicks": 1})
    d.settle()
    assert d.value("store.data") == ["typed", "item 1"]


def test_r30_a_nested_chunk_is_read_as_it_stands(tmp_path):
    d = _driver(tmp_path, (
        "app.layout = html.Div([html.Button(id='fill'), html.Button(id='snap'),"
        " html.Div([html.Div(id='inner')], id='outer'), html.Div(id='out')])\n"
        "@app.callback(Output('inner', 'children'), Input('fill', 'n_clicks'), prevent_initial_call=True)\n"
        "def fill(n):\n    return [dcc.Input(id={'type': 'f', 'index': 0}, value='orig')]\n"
        "@app.callback(Output('out', 'children'), Input({'type': 'f', 'index': ALL}, 'value'),"
        " prevent_initial_call=True)\n"
        "def echo(v):\n    return str(v)\n"
        "@app.callback(Output('outer', 'title'), Input('snap', 'n_clicks'), State('outer', 'children'),"
        " prevent_initial_call=True)\n"
        "def snap(n, ch):\n    return str(ch)\n"))
    d.load()
    d.change({"fill.n_clicks": 1})
    d.settle()
    d.change({f"{_key(0, 'f')}.value": "typed"})
    d.settle()
    d.change({"snap.n_clicks": 1})
    d.settle()
    assert "'typed'" in d.value("outer.title") and "'orig'" not in d.value("outer.title")


def test_r30_a_request_in_flight_blocks_what_its_output_now_reaches(tmp_path):
    # getReadyCallbacks recomputes what a pending request may change with the current paths
    d = _driver(tmp_path, (
        "app.layout = html.Div([html.Button(id='go'), dcc.Input(id='field'), html.Div(id='x'), html.Div(id='box'),"
        " html.Div(id='z')])\n"
        "@app.callback(Output('box', 'children'), Input('go', 'n_clicks'), prevent_initial_call=True)\n"
        "def fill(n):\n    return html.Div(id='y')\n"
        "@app.callback(Output('x', 'children'), Input('field', 'value'), prevent_initial_call=True)\n"
        "def A(v):\n    return v\n"
        "@app.callback(Output('y', 'children'), Input('x', 'children'), prevent_initial_call=True)\n"
        "def B(v):\n    return v\n"
        "@app.callback(Output('z', 'children'), Input('y', 'children'), prevent_initial_call=True)\n"
        "def C(v):\n    return v\n"))
    d.load()
    d.settle()
    d.change({"field.value": "t"})
    d.respond(d.change({"go.n_clicks": 1})[0])
    assert d.names(d.in_flight) == ["A"] and d.names(d.requested) == ["C"]


def test_r30_callbacks_fed_only_by_excluded_ones_are_excluded_too(tmp_path):
    # getLayoutCallbacks' exclusion loop: A's Input never arrives, so B, fed only by A, does not run
    d = _driver(tmp_path, (
        "app.layout = html.Div([html.Button(id='go'), html.Div(id='box')])\n"
        "@app.callback(Output('box', 'children'), Input('go', 'n_clicks'), prevent_initial_call=True)\n"
        "def fill(n):\n    return [html.Div(id='a_out'), html.Div(id='b_out')]\n"
        "@app.callback(Output('a_out', 'children'), Input('later', 'value'))\n"
        "def A(v):\n    return v\n"
        "@app.callback(Output('b_out', 'children'), Input('a_out', 'children'))\n"
        "def B(v):\n    return 'B ran'\n"))
    d.load()
    d.change({"go.n_clicks": 1})
    d.settle()
    assert d.names(d.sent) == ["fill"] and d.value("b_out.children") is None


def test_r30_set_props_to_a_component_not_on_the_page_is_skipped_as_the_renderer_does(tmp_path):
    d = _driver(tmp_path, (
        "app.layout = html.Div([html.Button(id='go'), html.Button(id='note'), html.Div(id='box')])\n"
        "@app.callback(Output('box', 'children'), Input('go', 'n_clicks'), prevent_initial_call=True)\n"
        "def fill(n):\n    return [dcc.Input(id='name', value='a'), html.Div(id='hello')]\n"
        "@app.callback(Output('hello', 'children'), Input('name', 'value'))\n"
        "def hello(v):\n    return v\n"
        "@app.callback(Input('note', 'n_clicks'), prevent_initial_call=True)\n"
        "def note(n):\n    set_props('hello', {'title': 'clicked'})\n"))
    d.load()
    d.change({"note.n_clicks": 1})
    d.settle()
    assert d.kinds("absent")


def test_r30_what_is_refused_now_rather_than_run_wrong(tmp_path):
    from simulator.errors import NotModelled
    half = ("app.layout = html.Div([html.Button(id='clear'), dcc.Input(id='field', value='a'),"
            " html.Div([html.Div(id='inner')], id='box'), html.Div(id='out')])\n"
            "@app.callback(Output('box', 'children'), Input('clear', 'n_clicks'), prevent_initial_call=True)\n"
            "def clear(n):\n    return 'gone'\n"
            "@app.callback(Output('out', 'children'), Output('inner', 'children'), Input('field', 'value'),"
            " prevent_initial_call=True)\n"
            "def echo(v):\n    return 'saw ' + v, v\n")
    d = _driver(tmp_path, half)
    d.load()
    with pytest.raises(NotModelled, match="writes inner, which is not on the page, beside Outputs that are"):
        d.respond(d.change({"clear.n_clicks": 1})[0])
    labels = ("app.layout = html.Div([html.Button(id='go'), dcc.Dropdown(id='dd'), html.Div(id='seen')])\n"
              "@app.callback(Output('dd', 'options'), Input('go', 'n_clicks'), prevent_initial_call=True)\n"
              "def fill(n):\n    return [{'label': html.Span('A', id='lab1'), 'value': 'a'}]\n"
              "@app.callback(Output('seen', 'children'), Input('lab1', 'n_clicks'))\n"
              "def seen(c):\n    return str(c)\n")
    d = _driver(tmp_path, labels)
    d.load()
    with pytest.raises(NotModelled, match="written to dd.options"):
        d.respond(d.change({"go.n_clicks": 1})[0])


def test_r30_a_set_props_finds_the_component_an_earlier_set_props_of_its_response_brought(tmp_path):
    # sideUpdate goes component by component: the input box's set_props brings is there for the next one
    d = _driver(tmp_path, (
        "app.layout = html.Div([html.Button(id='go'), html.Div(id='box'), html.Div(id='mirror')])\n"
        "@app.callback(Input('go', 'n_clicks'), prevent_initial_call=True)\n"
        "def build(n):\n"
        "    set_props('box', {'children': [dcc.Input(id='city', value='')]})\n"
        "    set_props('city', {'value': 'Paris'})\n"
        "@app.callback(Output('mirror', 'children'), Input('city', 'value'), prevent_initial_call=True)\n"
        "def mirror(v):\n    return f'city={v}'\n"))
    d.load()
    d.settle()
    d.change({"go.n_clicks": 1})
    d.settle()
    assert d.value("city.value") == "Paris" and d.value("mirror.children") == "city=Paris"


def test_r30_a_patch_by_set_props_to_children_applies_to_the_rows_as_the_user_left_them(tmp_path):
    d = _driver(tmp_path, (
        "app.layout = html.Div([html.Button(id='add'), html.Div(id='rows'), html.Div(id='sum')])\n"
        "@app.callback(Input('add', 'n_clicks'), prevent_initial_call=True)\n"
        "def add(n):\n"
        "    p = Patch()\n    p.append(dcc.Input(id={'type': 'row', 'index': n}, value=1))\n"
        "    set_props('rows', {'children': p})\n"
        "@app.callback(Output('sum', 'children'), Input({'type': 'row', 'index': ALL}, 'value'))\n"
        "def total(values):\n    return sum(int(v or 0) for v in values)\n"))
    d.load()
    d.settle()
    d.change({"add.n_clicks": 1})
    d.settle()
    d.change({f"{_key(1, 'row')}.value": 7})
    d.settle()
    d.change({"add.n_clicks": 2})
    d.settle()
    assert d.value(f"{_key(1, 'row')}.value") == 7             # the Patch appended; row 1 keeps what was typed
    d.change({f"{_key(2, 'row')}.value": 2})
    d.settle()
    assert d.value("sum.children") == 9


def test_r30_a_set_props_of_none_to_children_takes_the_components_away(tmp_path):
    # handlePaths skips a falsy Output value, but sideUpdate recomputes the paths whatever the value
    d = _driver(tmp_path, (
        "app.layout = html.Div([html.Button(id='clear'), html.Button(id='recalc'),"
        " html.Div([dcc.Input(id={'type': 'qty', 'index': 0}, value=15)], id='cart'), html.Div(id='total')])\n"
        "@app.callback(Input('clear', 'n_clicks'), prevent_initial_call=True)\n"
        "def clear(n):\n    set_props('cart', {'children': None})\n"
        "@app.callback(Output('total', 'children'), Input('recalc', 'n_clicks'),"
        " State({'type': 'qty', 'index': ALL}, 'value'), prevent_initial_call=True)\n"
        "def grand(n, values):\n    return f'total {sum(values)}'\n"))
    d.load()
    d.settle()
    d.change({"clear.n_clicks": 1})
    d.settle()
    d.change({"recalc.n_clicks": 1})
    d.settle()
    assert d.value("total.children") == "total 0"


@needs_chromium
def test_r30_an_all_listing_is_not_called_again_for_what_set_props_brings_as_in_chromium(monkeypatch):
    dom, browser_calls, _ = in_chromium(monkeypatch, "set_props_listing")
    d = modelled_load("set_props_listing")
    assert sorted(browser_calls) == sorted(r.name for r in d.sent) == ["build", "likes"]
    assert re.search('id="clicks">([^<]*)<', dom).group(1) == d.value("clicks.children") == "0 like buttons"


def test_r30_check_names_a_listing_set_props_left_behind():
    result = _check(str(APPS / "set_props_listing.py"), trials=20)
    assert result.diverges and set(result.props()) == {"clicks.children"}
    load = {w.name: w for w in result.workloads}["load"]
    assert load.anomaly.name == "components set_props brought were never listed: set_props requests nothing (R30)"
    assert "return the components from build as an Output (content.children)" in load.anomaly.fix
