"""R25: pattern-matching callbacks (MATCH, ALL, ALLSMALLER) resolved against the layout (docs/renderer-model.md)."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, strategies as st

from conftest import APPS, Driver, in_chromium, modelled_load, needs_chromium
from simulator import ALL, ALLSMALLER, MATCH, Dash, Input, Output, Patch, Plan, State, ctx, dcc, html, set_props
from simulator.errors import DependencyException, NotModelled
from simulator.explore import explore
from simulator.workload import Action
from simulator.wildcards import id_key, matches, order


def item(i):
    return id_key({"type": "item", "index": i}) + ".value"


def _items(n=3, extra=()):
    return [dcc.Input(id={"type": "item", "index": i}) for i in range(n)] + list(extra)


# --- resolution -------------------------------------------------------------------------

def test_r25_match_gives_one_instance_per_item_and_all_one_that_reads_every_item():
    app = Dash()
    app.layout = _items(3, [html.Div(id={"type": "echo", "index": i}) for i in range(3)] + [html.Div(id="all")])
    app.callback(Output({"type": "echo", "index": MATCH}, "children"),
                 Input({"type": "item", "index": MATCH}, "value"))(lambda v: v)
    app.callback(Output("all", "children"), Input({"type": "item", "index": ALL}, "value"))(lambda vs: len(vs))
    g = app.graph
    echo = [n for n in g.nodes if n.plain_outputs[0].startswith("{")]
    assert [n.input_keys for n in echo] == [(item(0),), (item(1),), (item(2),)]
    (joined,) = [n for n in g.nodes if n.plain_outputs == ("all.children",)]
    assert joined.input_keys == (item(0), item(1), item(2))
    assert [cb.name for cb in g.listeners(item(1))] == ["<lambda>", "<lambda>"]   # echo[1] and the ALL one


def test_r25_allsmaller_reads_the_items_whose_value_sorts_before_in_value_not_layout_order():
    app = Dash()
    order_ = (10, 2, "b", 3, "a", True)
    app.layout = ([dcc.Input(id={"type": "item", "index": i}) for i in order_]
                  + [html.Div(id={"type": "out", "index": i}) for i in order_])
    app.callback(Output({"type": "out", "index": MATCH}, "children"), Input({"type": "item", "index": MATCH}, "value"),
                 State({"type": "item", "index": ALLSMALLER}, "value"))(lambda v, s: len(s))
    before = {n.callback.fixed["index"]: [json.loads(k.rpartition(".")[0])["index"] for k in n.state_keys]
              for n in app.graph.nodes}
    # idValSort: numbers first, then booleans, then strings; ALL-like lists keep layout order.
    assert before == {10: [2, 3], 2: [], "b": [10, 2, 3, "a", True], 3: [2], "a": [10, 2, 3, True], True: [10, 2, 3]}


@given(st.lists(st.one_of(st.integers(-5, 5), st.sampled_from(["a", "b", "3"]), st.booleans()),
                min_size=1, max_size=6, unique_by=lambda v: (type(v), v)), st.data())
def test_r25_allsmaller_names_exactly_the_ids_that_sort_before_the_match_value(values, data):
    ref = data.draw(st.sampled_from(values))
    pattern = {"index": ALLSMALLER}
    picked = [v for v in values if matches(pattern, {"index": v}, {"index": ref})]
    assert picked == [v for v in values if order(v, ref) < 0]
    assert all(order(a, b) == -order(b, a) for a in values for b in values)


@pytest.mark.parametrize("a,b,sign", [
    ("0x10", 15, 1),            # Number("0x10") is 16: numeric, as fast-isnumeric says
    (" 7 ", 8, -1),             # surrounding blanks are ignored
    ("nan", True, 1),           # Number("nan") is NaN: a string, sorted after the booleans (Python's float reads nan)
    ("inf", "j", -1),           # a string too, compared as text
    ("1_000", 5, 1),            # Python reads 1000, JavaScript NaN: a string, after every number
    ("Infinity", 10 ** 9, 1),   # not finite, so not numeric
    ("", 0, 1),                 # blank is not numeric
])
def test_r25_id_values_sort_as_idvalsort_with_javascripts_number(a, b, sign):
    assert order(a, b) == sign and order(b, a) == -sign


def test_r25_a_callback_whose_pattern_matches_nothing_has_no_instance_and_no_initial_call():
    app = Dash()
    app.layout = [dcc.Input(id="a"), html.Div(id="out")]
    app.callback(Output({"type": "x", "index": MATCH}, "children"), Input({"type": "x", "index": MATCH}, "value"))(str)
    app.callback(Output("out", "children"), Input("a", "value"))(str)
    assert [cb.name for cb in app.graph.callbacks] == ["str"] and len(app.graph.initial) == 1


# --- identity: R7/R8 per instance, R6 per declared callback ------------------------------

def _echo_app():
    app = Dash()
    app.layout = _items(2, [html.Div(id={"type": "echo", "index": i}) for i in range(2)])

    @app.callback(Output({"type": "echo", "index": MATCH}, "children"), Input({"type": "item", "index": MATCH}, "value"),
                  prevent_initial_call=True)
    def echo(value):
        return f"echo {value}"
    return app


def test_r25_two_items_requests_do_not_supersede_each_other_but_one_items_do():
    d = Driver(_echo_app())
    d.load()
    first = d.change({item(0): "a"})
    other = d.change({item(1): "b"})
    assert first[0].status == other[0].status == "in_flight"   # R8 compares anyVals: [0] and [1] differ
    again = d.change({item(0): "aa"})
    assert first[0].status == "superseded" and first[0].superseded_by == again[0].id
    d.settle()
    echo = id_key({"type": "echo", "index": 0})
    assert d.value(f"{echo}.children") == "echo aa"
    assert d.value(id_key({"type": "echo", "index": 1}) + ".children") == "echo b"


def test_r25_r6_prunes_every_instance_of_a_callback_already_in_the_chain():
    """A -> B -> A[other index]: the renderer's chain holds the declared callback, so A[1] is pruned too."""
    app = Dash()
    app.layout = _items(2, [html.Div(id={"type": "echo", "index": i}) for i in range(2)])

    @app.callback(Output({"type": "echo", "index": MATCH}, "children"), Input({"type": "item", "index": MATCH}, "value"),
                  prevent_initial_call=True)
    def echo(value):
        return value

    @app.callback(Output({"type": "item", "index": ALL}, "value"), Input({"type": "echo", "index": ALL}, "children"),
                  prevent_initial_call=True)
    def copy_all(echoes):
        return [e or "" for e in echoes]
    d = Driver(app)
    d.load()
    d.change({item(0): "x"})
    d.settle()
    pruned = [f["request"].name for kind, _, f in d.events if kind == "pruned"]
    assert pruned == ["echo", "echo"]                      # both instances, not only echo[0]
    assert [r.name for r in d.sent] == ["echo", "copy_all"]


# --- what the body sees and returns --------------------------------------------------------

def test_r25_the_body_gets_lists_for_all_and_ctx_names_the_dict_id():
    seen = {}
    app = Dash()
    app.layout = _items(2, [html.Div(id={"type": "echo", "index": i}) for i in range(2)])

    @app.callback(Output({"type": "echo", "index": ALL}, "children"), Input({"type": "item", "index": ALL}, "value"),
                  prevent_initial_call=True)
    def show(values):
        seen.update(values=values, id=ctx.triggered_id, index=ctx.triggered_id.index,
                    inputs=ctx.inputs_list, outputs=ctx.outputs_list)
        return [f"{v}!" for v in values]
    d = Driver(app)
    d.load()
    d.change({item(1): "b"})
    d.settle()
    assert seen["values"] == [None, "b"] and seen["id"] == {"type": "item", "index": 1} and seen["index"] == 1
    assert seen["inputs"] == [[{"id": {"type": "item", "index": 0}, "property": "value", "value": None},
                               {"id": {"type": "item", "index": 1}, "property": "value", "value": "b"}]]
    assert seen["outputs"] == [{"id": {"type": "echo", "index": 0}, "property": "children"},
                               {"id": {"type": "echo", "index": 1}, "property": "children"}]
    assert d.value(id_key({"type": "echo", "index": 0}) + ".children") == "None!"


def test_r25_an_all_output_given_the_wrong_number_of_values_is_an_error_response():
    app = Dash()
    app.layout = _items(2, [html.Div(id={"type": "echo", "index": i}) for i in range(2)])
    app.callback(Output({"type": "echo", "index": ALL}, "children"),
                 Input({"type": "item", "index": ALL}, "value"))(lambda values: ["just one"])
    (cb,) = app.graph.callbacks
    response = cb.execute([None, None], ())
    assert response.kind == "error" and "Expected 2, got 1" in response.message


def test_r25_the_request_size_is_the_body_the_renderer_sends():
    app = Dash()
    app.layout = _items(2, [dcc.Store(id="s", data={})])
    app.callback(Output("s", "data", allow_duplicate=True), Input({"type": "item", "index": ALL}, "value"),
                 State("s", "data"), prevent_initial_call=True)(lambda values, data: data)
    d = Driver(app)
    d.load()
    (req,) = d.change({item(1): "hello"})
    body = req.callback.filled_body(req.args, tuple(req.changed))
    assert body["inputs"][0][1] == {"id": {"index": 1, "type": "item"}, "property": "value", "value": "hello"}
    assert req.request_bytes == len(json.dumps(body, separators=(",", ":")))


def test_r25_set_props_on_a_dict_id_lands_on_that_component():
    app = Dash()
    app.layout = _items(1, [html.Div(id={"type": "note", "index": 0}), html.Div(id="out")])

    @app.callback(Output("out", "children"), Input({"type": "item", "index": ALL}, "value"), prevent_initial_call=True)
    def note(values):
        set_props({"type": "note", "index": 0}, {"children": "noted"})
        return "ok"
    d = Driver(app)
    d.load()
    d.change({item(0): "x"})
    d.settle()
    assert d.value(id_key({"type": "note", "index": 0}) + ".children") == "noted"


# --- refused: Dash's own checks, and what the model does not do --------------------------------

@pytest.mark.parametrize("deps,words", [
    ((Output({"t": "o", "i": ALLSMALLER}, "children"), Input({"t": "x", "i": MATCH}, "value")),
     "ALLSMALLER is not allowed in an Output"),
    ((Output({"t": "o", "i": MATCH}, "children"), Output({"t": "p", "j": MATCH}, "children"),
      Input({"t": "x", "i": MATCH}, "value")), "MATCH wildcards must be on the same keys"),
    ((Output("out", "children"), Input({"t": "x", "i": ALLSMALLER}, "value")), "ALLSMALLER needs a MATCH"),
])
def test_r25_dash_refuses_mismatched_wildcards_and_so_does_the_model(deps, words):
    with pytest.raises(DependencyException, match=words):
        Dash().callback(*deps)(lambda *a: a)


def test_r25_match_in_an_input_of_a_callback_with_plain_outputs_is_refused_by_name():
    with pytest.raises(NotModelled, match=r"callback show: Input 0 .* MATCH in an Input .* not modelled"):
        def show(v):
            return v
        Dash().callback(Output("out", "children"), Input({"t": "x", "i": MATCH}, "value"))(show)


def test_r25_an_instance_with_a_missing_match_input_is_refused():
    app = Dash()
    app.layout = [html.Div(id={"type": "echo", "index": 0})]
    app.callback(Output({"type": "echo", "index": MATCH}, "children"),
                 Input({"type": "item", "index": MATCH}, "value"))(str)
    with pytest.raises(NotModelled, match="names no component in the layout"):
        app.graph


# --- the verdicts ---------------------------------------------------------------------------

def _shared_store(patch: bool):
    """An ALL writer and a scalar writer of one Store (the issue's scenario)."""
    app = Dash()
    app.layout = _items(2, [dcc.Input(id="note"), dcc.Store(id="store", data={})])

    @app.callback(Output("store", "data", allow_duplicate=True), Input({"type": "item", "index": ALL}, "value"),
                  State("store", "data"), prevent_initial_call=True)
    def save_items(values, data):
        if patch:
            p = Patch()
            p["items"] = values
            return p
        return {**data, "items": values}

    @app.callback(Output("store", "data", allow_duplicate=True), Input("note", "value"), State("store", "data"),
                  prevent_initial_call=True)
    def save_note(note, data):
        if patch:
            p = Patch()
            p["note"] = note
            return p
        return {**data, "note": note}
    return app


PLAN = Plan((Action({item(0): "x"}), Action({"note.value": "n"})))


def _lost(layout):
    data = layout["store.data"] or {}
    return tuple(k for k, ok in (("items", (data.get("items") or [None])[0] == "x"), ("note", data.get("note") == "n"))
                 if not ok)


def test_r25_an_all_writer_and_a_scalar_writer_of_one_store_lose_a_key_and_patches_are_proved_safe():
    unsafe = explore(_shared_store(patch=False), PLAN, _lost)
    assert unsafe.complete and unsafe.diverging > 0
    safe = explore(_shared_store(patch=True), PLAN, _lost)
    assert safe.complete and safe.diverging == 0 and safe.end_states


def test_r25_check_finds_the_lost_key_in_a_real_pattern_matching_app():
    pytest.importorskip("dash")
    from simulator.dashapp.check import Options, check
    result = check(str(APPS / "pattern_store.py"), Options(trials=20), in_process=True)
    (lost,) = [w for w in result.workloads if w.proof == "diverges"][:1]
    assert "store.data" in {d[0] for d in lost.differs}
    assert {"save_items", "save_note"} <= {c.split(" ")[0] for c in lost.anomaly.callbacks}


# --- the browser ----------------------------------------------------------------------------------

@needs_chromium
def test_r25_the_modelled_load_gives_chromiums_page_and_calls(monkeypatch):
    """tests/apps/pattern_load.py in Chromium vs check's model of its load: same texts, same calls."""
    dom, browser_calls, _ = in_chromium(monkeypatch, "pattern_load")
    import pattern_load as real
    d = modelled_load("pattern_load")
    divs = [(kind, i) for kind in ("echo", "before") for i in real.ORDER]
    browser = {f"{k}{i}": re.search(r'<div id="{&quot;index&quot;:%d,&quot;type&quot;:&quot;%s&quot;}">([^<]*)<'
                                    % (i, k), dom).group(1) for k, i in divs}
    browser.update({k: re.search(f'id="{k}">([^<]*)<', dom).group(1) for k in ("joined", "trigger")})
    model = {f"{k}{i}": d.value(id_key({"type": k, "index": i}) + ".children") for k, i in divs}
    model.update({k: d.value(f"{k}.children") for k in ("joined", "trigger")})
    assert browser["before2"] == "v2 after v0+v1" and browser["joined"].count("echo") == 3   # what R25 is about
    assert model == browser
    assert sorted(r.name for r in d.sent) == sorted(browser_calls)


def test_r25_r19_keeps_a_request_whose_inputs_are_all_all_patterns():
    """requestedCallbacks.ts drops in a group only when `!all(isMultiValued, inputs)`."""
    from simulator import PreventUpdate
    app = Dash()
    app.layout = _items(2, [html.Button(id="go"), dcc.Input(id="x"), html.Div(id="n"), html.Div(id="m")])

    def prevent(n):
        raise PreventUpdate
    app.callback(Output({"type": "item", "index": ALL}, "value"), Input("go", "n_clicks"))(prevent)
    app.callback(Output("x", "value"), Input("go", "n_clicks"))(prevent)
    app.callback(Output("n", "children"), Input({"type": "item", "index": ALL}, "value"))(lambda vs: len(vs))
    app.callback(Output("m", "children"), Input("x", "value"))(lambda x: x)
    d = Driver(app)
    d.load()
    d.settle()
    dropped = [f["request"].node.plain_outputs for k, _, f in d.events if k == "dropped"]
    assert dropped == [("m.children",)] and d.value("n.children") == 2


@needs_chromium
def test_r25_r19_with_all_inputs_gives_chromiums_page_and_calls(monkeypatch):
    """tests/apps/group_load.py in Chromium vs the model: the ALL reader runs, the plain one is dropped (R19)."""
    dom, browser_calls, _ = in_chromium(monkeypatch, "group_load")
    d = modelled_load("group_load")
    assert re.search('id="n">([^<]*)<', dom).group(1) == d.value("n.children") == "2 items"
    assert re.search('id="m">([^<]*)<', dom).group(1) == "" and d.value("m.children") is None
    assert sorted(r.name for r in d.sent) == sorted(browser_calls) == ["count", "fill", "fill_x"]


@needs_chromium
def test_r25_r30_a_callback_none_of_whose_outputs_resolve_never_runs_as_in_chromium(monkeypatch):
    # pruneCallbacks: an ALL Output matching no id leaves the request no Output: the requested observer drops it
    dom, browser_calls, _ = in_chromium(monkeypatch, "prune_all_outputs")
    d = modelled_load("prune_all_outputs")
    assert sorted(r.name for r in d.sent) == sorted(c for c in browser_calls if c) == ["kick", "mixed"]
    for cid in ("log", "log2"):
        shown = re.search(f'id="{cid}">([^<]*)<', dom).group(1)
        assert shown == (d.value(f"{cid}.children") or "")


def test_r25_r30_a_request_whose_outputs_resolve_to_another_count_goes_to_the_end_of_its_list():
    # pruneCallbacks puts it back at the end of requested (and prioritized) at every pass: dispatched last
    app = Dash("order")
    app.layout = [html.Button(id="go"), html.Div(id={"t": "c", "i": 0}), html.Div(id={"t": "c", "i": 1}),
                  html.Div(id="plain")]

    @app.callback(Output({"t": "c", "i": ALL}, "children"), Input("go", "n_clicks"), prevent_initial_call=True)
    def fill(n):
        return ["x", "y"]

    @app.callback(Output("plain", "children"), Input("go", "n_clicks"), prevent_initial_call=True)
    def plain(n):
        return n
    d = Driver(app)
    d.load()
    d.settle()
    sent = d.change({"go.n_clicks": 1})
    assert [r.name for r in sent] == ["plain", "fill"]     # declared first, requested first, sent last
