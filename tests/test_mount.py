"""R22 (components act on mount) and R23 (what a component does itself that the model refuses).

The last test loads a real Dash app in Chromium and requires ``check``'s
model of the page load to give the same page and the same callback calls.
"""

from __future__ import annotations

import re

import pytest

from conftest import Driver, fixed_config, in_chromium, modelled_load, needs_chromium, run_engine
from simulator import Dash, Input, NotModelled, Output, ScenarioError, State, dcc, html, set_props
from simulator.page import parse


def _url_app(*locations, prevent=False):
    app = Dash()
    app.layout = [*locations, html.Div(id="out"), html.Div(id="late")]

    @app.callback(Output("out", "children"), Input("url", "pathname"), State("url", "href"))
    def page(pathname, href):
        return f"{pathname} {href}"

    @app.callback(Output("late", "children"), Input("url", "search"), prevent_initial_call=True)
    def late(search):
        return f"late {search!r}"
    return app


# --- R22: dcc.Location reports the address on mount -----------------------------------

def test_r22_a_location_reports_the_address_on_mount_and_the_initial_call_reads_it():
    app = _url_app(dcc.Location(id="url"))
    app.url = "/reports?year=2024#top"
    d = Driver(app)
    d.load()
    d.settle()
    assert d.value("out.children") == "/reports http://127.0.0.1:8050/reports?year=2024#top"
    assert d.value("url.hash") == "#top"
    assert len(d.sent_by("page")) == 1   # the mount's change merged into the initial call (R7)


def test_r22_the_mount_change_also_runs_a_callback_that_prevents_its_initial_call():
    d = Driver(_url_app(dcc.Location(id="url")))
    d.load()
    d.settle()
    assert d.value("late.children") == "late ''"      # search None -> "" is a change (measured in Chromium)
    assert len(d.sent_by("late")) == 1


def test_r22_a_given_pathname_with_refresh_reloads_the_page_there():
    app = _url_app(dcc.Location(id="url", pathname="/given"))
    assert app.graph.page.pathname == "/given"
    d = Driver(app)
    d.load()
    d.settle()
    assert d.value("out.children") == "/given http://127.0.0.1:8050/given"


def test_r22_a_given_pathname_without_refresh_keeps_the_address():
    d = Driver(_url_app(dcc.Location(id="url", pathname="/given", refresh=False)))
    d.load()
    d.settle()
    # pathname stays as given; href, unset, is the address the page is really at (measured in Chromium)
    assert d.value("out.children") == "/given http://127.0.0.1:8050/"


def test_r22_two_locations_that_reload_to_different_addresses_are_refused():
    app = _url_app(dcc.Location(id="url", pathname="/a"), dcc.Location(id="other", pathname="/b"))
    with pytest.raises(NotModelled, match="reloads forever"):
        app.graph


def test_r22_a_callback_writing_a_location_that_reloads_is_refused_and_refresh_false_is_a_plain_write():
    for refresh, refused in ((None, True), ("callback-nav", True), (False, False)):
        app = Dash()
        extra = {} if refresh is None else {"refresh": refresh}
        app.layout = [dcc.Location(id="url", **extra), html.Button(id="go")]

        @app.callback(Output("url", "pathname"), Input("go", "n_clicks"), prevent_initial_call=True)
        def go(n):
            return "/next"
        if refused:
            with pytest.raises(NotModelled, match="callback go writes url.pathname"):
                app.graph
        else:
            assert app.graph.page.pathname == "/"


def test_r22_the_page_address_is_checked():
    assert parse("/a/b?x=1#h").href == "http://127.0.0.1:8050/a/b?x=1#h"
    assert parse("https://example.org:9000/").origin == "https://example.org:9000"
    for bad, words in (("reports", "must start with '/'"), ("ftp://x/", "only http"), ("", "give a path")):
        with pytest.raises(ScenarioError, match=words):
            parse(bad)


def test_r22_an_engine_run_sees_the_mount_as_a_component_change():
    run = run_engine(_url_app(dcc.Location(id="url")), config=fixed_config())
    mounts = [e for e in run.trace if e["kind"] == "prop" and e.get("by") == "mount"]
    assert {e["prop"] for e in mounts} == {"url.pathname", "url.href", "url.hash", "url.search"}
    assert run.layout["out.children"] == "/ http://127.0.0.1:8050/"


# --- R23: lazily loaded components acting on their own ---------------------------------

def _dropdown_app(value, new_options):
    app = Dash()
    app.layout = [dcc.Dropdown(["a", "b"], value, id="dd"), html.Button(id="b"), html.Div(id="out")]

    @app.callback(Output("dd", "options"), Input("b", "n_clicks"), prevent_initial_call=True)
    def options(n):
        return new_options

    @app.callback(Output("out", "children"), Input("dd", "value"))
    def show(v):
        return v
    return app


def test_r23_a_dropdown_value_its_options_lack_is_refused_at_mount():
    with pytest.raises(NotModelled, match="callback show reads dd.value, but dcc.Dropdown 'dd' clears its value 'z'"):
        _dropdown_app("z", ["a"]).graph


def test_r23_new_options_without_the_value_are_refused_when_they_land_and_with_it_run():
    d = Driver(_dropdown_app("a", ["a", "c"]))
    d.load()
    d.settle()
    d.change({"b.n_clicks": 1})
    d.settle()                                   # "a" is still an option: nothing for the Dropdown to do
    assert d.value("dd.options") == ["a", "c"]
    d = Driver(_dropdown_app("a", ["c"]))
    d.load()
    d.settle()
    d.change({"b.n_clicks": 1})
    with pytest.raises(NotModelled, match="after a callback set its options, it clears its value 'a' to None"):
        d.settle()


def test_r23_a_slider_drag_value_read_is_refused_when_the_slider_has_a_value():
    app = Dash()
    app.layout = [dcc.Slider(0, 10, value=3, id="s"), html.Div(id="out")]

    @app.callback(Output("out", "children"), Input("s", "drag_value"))
    def show(v):
        return v
    with pytest.raises(NotModelled, match="sets drag_value to its value 3"):
        app.graph


def test_r23_a_callback_clearing_a_store_is_refused():
    app = Dash()
    app.layout = [dcc.Store(id="s", data=1), html.Button(id="b")]

    @app.callback(Output("s", "clear_data"), Input("b", "n_clicks"), prevent_initial_call=True)
    def clear(n):
        return True
    with pytest.raises(NotModelled, match="write data=None instead"):
        app.graph


def test_r23_a_dropdown_with_a_value_but_no_options_clears_it_so_reading_it_is_refused():
    # sanitizeOptions makes unset options [] (measured in Chromium: the value became None)
    app = Dash()
    app.layout = [dcc.Dropdown(id="dd", value="a"), html.Div(id="out")]

    @app.callback(Output("out", "children"), Input("dd", "value"))
    def show(v):
        return v
    with pytest.raises(NotModelled, match="clears its value 'a' to None"):
        app.graph


def test_r23_a_callback_writing_a_dropdown_value_its_options_lack_is_refused():
    app = Dash()
    app.layout = [dcc.Dropdown(["a", "b"], id="dd"), html.Div(id="out"), html.Div("go", id="go")]

    @app.callback(Output("dd", "value"), Input("go", "children"))
    def choose(_):
        return "z"

    @app.callback(Output("out", "children"), Input("dd", "value"))
    def show(v):
        return v
    d = Driver(app)
    d.load()
    with pytest.raises(NotModelled, match="after a callback set its value, it clears its value 'z'"):
        d.settle()


def test_r23_javascript_compares_option_values_as_numbers_one_and_one_point_zero_alike():
    app = _dropdown_app(1.0, ["a"])
    app.layout[0] = dcc.Dropdown([1, 2], 1.0, id="dd")
    assert app.graph is not None


def test_r23_set_props_on_a_location_that_reloads_or_on_clear_data_is_refused_like_an_output():
    for target, props, words in (("url", {"pathname": "/elsewhere"}, "reloads the page"),
                                 ("s", {"clear_data": True}, "write data=None instead")):
        app = Dash()
        app.layout = [dcc.Location(id="url"), dcc.Store(id="s", data=1), html.Button(id="b")]

        @app.callback(Output("s", "data"), Input("b", "n_clicks"), prevent_initial_call=True)
        def go(n):
            set_props(target, props)
            return 2
        d = Driver(app)
        d.load()
        d.settle()
        d.change({"b.n_clicks": 1})
        with pytest.raises(NotModelled, match=f"callback go writes {target}.* with set_props, but .*{words}"):
            d.settle()


def test_r23_a_local_store_without_data_sets_its_own_props_on_mount_so_reading_them_is_refused():
    for storage, refused in (("local", True), ("session", True), ("memory", False)):
        app = Dash()
        app.layout = [dcc.Store(id="s", storage_type=storage), html.Div(id="out")]

        @app.callback(Output("out", "children"), Input("s", "data"), prevent_initial_call=True)
        def show(v):
            return v
        if refused:
            with pytest.raises(NotModelled, match="give it initial data"):
                app.graph
        else:
            assert app.graph is not None


@pytest.mark.parametrize("given, words", [
    ({"search": "a=1"}, "is not how the browser writes its address"),
    ({"pathname": "x"}, "is not how the browser writes its address"),
    ({"href": "reports"}, "is not how the browser writes its address"),
    ({"href": "/reports"}, "is not how the browser writes its address"),   # compared as text with the whole href
    ({"hash": "#top"}, "moves to that hash without a reload"),
])
def test_r22_a_location_value_the_browser_would_rewrite_is_refused_naming_it(given, words):
    with pytest.raises(NotModelled, match=f"dcc.Location 'url'.*{words}"):
        _url_app(dcc.Location(id="url", **given)).graph


def test_r22_an_explicit_refresh_none_does_not_reload_and_a_whole_href_reloads_there():
    assert _url_app(dcc.Location(id="url", pathname="/x", refresh=None)).graph.page.pathname == "/"
    app = _url_app(dcc.Location(id="url", href="http://127.0.0.1:8050/reports?a=1"))
    assert (app.graph.page.pathname, app.graph.page.search) == ("/reports", "?a=1")


# --- check: the same rules on a real app, and Chromium's verdict --------------------------

dash = pytest.importorskip("dash")


def _real(source: str, tmp_path, **options):
    from simulator.dashapp.check import Options, check
    path = tmp_path / "app.py"
    path.write_text(source)
    return check(str(path), Options(trials=2, **options), in_process=True)


UNKNOWN = ("from dash import Dash, Input, Output, html\n"
           "from dash.development.base_component import Component\n"
           "class Knob(Component):\n"
           "    _namespace, _type = 'knob_library', 'Knob'\n"
           "    _prop_names = ['id', 'value']\n"
           "    def __init__(self, id=None, value=None, **kw):\n"
           "        self._prop_names = ['id', 'value']\n"
           "        self._valid_wildcard_attributes = []\n"
           "        super().__init__(id=id, value=value)\n"
           "app = Dash(__name__)\n"
           "app.layout = html.Div([Knob(id='k', value=1), html.Div(id='out')])\n"
           "@app.callback(Output('out', 'children'), Input('k', 'value'))\n"
           "def show(v):\n    return str(v)\n")


def test_r23_check_refuses_a_component_it_does_not_know_and_names_the_way_out(tmp_path):
    from simulator.dashapp.errors import Unsupported
    with pytest.raises(Unsupported, match=r"reads a knob_library Knob, a component the model does not know.*"
                                          r"--assume-user-only knob_library\.Knob"):
        _real(UNKNOWN, tmp_path)
    result = _real(UNKNOWN, tmp_path, assume_user_only=("knob_library.Knob",))
    assert result is not None


@pytest.mark.parametrize("layout, read, words", [
    ("dcc.Graph(id='g')", "Input('g', 'relayoutData')", "sets relayoutData itself when plotly.js lays"),
    ("dash_table.DataTable(id='g', data=[])", "Input('g', 'derived_virtual_data')", "sets its derived_\\* props"),
    ("dcc.Dropdown(['a'], 'z', id='g')", "Input('g', 'value')", "clears its value 'z' to None"),
    ("dcc.Location(id='g', refresh=True)", "Input('g', 'pathname')", None),   # modelled, not refused
    ("dash_table.DataTable(id='g', data=[], page_action='custom')", "Input('g', 'active_cell')",
     "clears active_cell itself when its page, sort or filter changes"),
    ("dash_table.DataTable(id='g', data=[])", "Input('g', 'active_cell')", None),
    ("dcc.DatePickerSingle(id='g')", "Input('g', 'date')", "has no date, so it sets it itself"),
    ("dcc.DatePickerSingle(id='g', date='2024-01-02')", "Input('g', 'date')", None),
], ids=["Graph.relayoutData", "DataTable.derived", "Dropdown", "Location", "DataTable.custom", "DataTable.native",
        "DatePicker.empty", "DatePicker.dated"])
def test_r23_check_refuses_what_a_known_component_does_by_itself(tmp_path, layout, read, words):
    from simulator.dashapp.errors import Unsupported
    source = ("from dash import Dash, Input, Output, dcc, html, dash_table\n"
              f"app = Dash(__name__)\napp.layout = html.Div([{layout}, html.Div(id='out')])\n"
              f"@app.callback(Output('out', 'children'), {read})\ndef show(v):\n    return str(v)\n")
    if words is None:
        assert _real(source, tmp_path) is not None
    else:
        with pytest.raises(Unsupported, match=words):
            _real(source, tmp_path)


@needs_chromium
def test_r22_the_modelled_load_gives_chromiums_page_and_calls(monkeypatch):
    """tests/apps/mount_behaviours.py in Chromium vs check's model of its load: same texts, same calls."""
    path = "/some/path?x=1#frag"
    dom, browser_calls, url = in_chromium(monkeypatch, "mount_behaviours", path)
    ids = ("page", "page_late", "address", "stamped", "empty_stamp", "tab")
    browser = {i: re.search(f'id="{i}">([^<]*)<', dom).group(1) for i in ids}
    assert browser["tab"] == "tab=first" and browser["page_late"] == "late path=/some/path"  # what R22 is about

    d = modelled_load("mount_behaviours", url)
    model = {i: d.value(f"{i}.children") for i in ids}
    assert model == browser
    assert sorted(r.name for r in d.sent) == sorted(browser_calls)
