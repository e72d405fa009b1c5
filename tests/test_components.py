"""The Dash-like components take Dash 4's own signatures and input components."""

import pytest
from conftest import Driver, run_engine

from simulator import MATCH, Action, Dash, DependencyException, Input, Output, State, dcc, html


def _echo_app(component, prop="value"):
    """``component`` feeds one callback that copies its ``prop`` into a Div."""
    app = Dash()
    app.layout = html.Div([component, html.Div(id="out")], id="page")

    @app.callback(Output("out", "children"), Input(component.id, prop))
    def echo(value):
        return value

    return app


# --- positional arguments, in Dash's order ------------------------------------------------

def test_html_div_takes_children_first_then_id_as_in_dash():
    box = html.Div([dcc.Input(id="name")], "box")
    assert box.id == "box" and [c.id for c in box.children] == ["name"]
    button = html.Button("Save", id="save")
    assert (button.id, button.children) == ("save", "Save")


def test_nested_children_given_by_position_are_in_the_layout():
    app = Dash()
    app.layout = html.Div([html.Div([dcc.Input(id="deep", value="x")]), html.Div(id="out")])

    @app.callback(Output("out", "children"), Input("deep", "value"))
    def copy(value):
        return value

    d = Driver(app)
    d.load()
    d.settle()
    assert d.value("out.children") == "x"


@pytest.mark.parametrize("make, prop, expected", [
    (lambda: dcc.Dropdown(["a", "b"], "b", id="c"), "value", "b"),
    (lambda: dcc.RadioItems(["a", "b"], "a", id="c"), "value", "a"),
    (lambda: dcc.Checklist(["a", "b"], ["a", "b"], id="c"), "value", ["a", "b"]),
    (lambda: dcc.Slider(0, 10, 1, None, 7, id="c"), "value", 7),
    (lambda: dcc.Textarea("hello", id="c"), "value", "hello"),
    (lambda: dcc.Input("typed", id="c"), "value", "typed"),
    (lambda: dcc.Store("c", "memory", {"k": 1}), "data", {"k": 1}),
    (lambda: dcc.Location("c", "/settings"), "pathname", "/settings"),
], ids=["Dropdown", "RadioItems", "Checklist", "Slider", "Textarea", "Input", "Store", "Location"])
def test_positional_arguments_follow_dash_signature_and_reach_the_initial_call(make, prop, expected):
    d = Driver(_echo_app(make(), prop))
    d.load()
    d.settle()
    assert d.value("out.children") == expected


def test_a_prop_given_by_position_and_by_name_is_refused():
    with pytest.raises(DependencyException, match="'options' twice"):
        dcc.Dropdown(["a"], options=["b"], id="c")


def test_too_many_positional_arguments_are_refused():
    with pytest.raises(DependencyException, match="positional arguments"):
        dcc.Location("c", "/", "", "", "", True, "extra")


# --- the input components, their value props and defaults ----------------------------------

@pytest.mark.parametrize("make", [dcc.Dropdown, dcc.RadioItems, dcc.Checklist, dcc.Slider, dcc.Textarea],
                         ids=["Dropdown", "RadioItems", "Checklist", "Slider", "Textarea"])
def test_unset_value_reads_none_as_in_dash_layout(make):
    """Dash sends only the props Python set; the component's own defaults never reach the layout."""
    d = Driver(_echo_app(make(id="c")))
    d.load()
    d.settle()
    assert d.value("out.children") is None


@pytest.mark.parametrize("make, prop, value", [
    (lambda: dcc.Dropdown(["a", "b"], id="c"), "value", "b"),
    (lambda: dcc.Dropdown(["a", "b"], [], multi=True, id="c"), "value", ["a", "b"]),
    (lambda: dcc.RadioItems(["a", "b"], id="c"), "value", "a"),
    (lambda: dcc.Checklist(["a", "b"], [], id="c"), "value", ["b"]),
    (lambda: dcc.Slider(0, 10, id="c"), "value", 3),
    (lambda: dcc.Slider(0, 10, id="c"), "drag_value", 4),
    (lambda: dcc.Textarea(id="c"), "value", "line 1\nline 2"),
    (lambda: dcc.Location(id="c"), "pathname", "/page-2"),
], ids=["Dropdown", "Dropdown-multi", "RadioItems", "Checklist", "Slider", "Slider-drag", "Textarea", "Location"])
def test_the_user_changing_an_input_components_value_runs_its_callback(make, prop, value):
    component = make()
    run = run_engine(_echo_app(component, prop), [Action({f"c.{prop}": value})])
    assert run.layout["out.children"] == value


def test_location_starts_at_the_root_url():
    """dcc.Location reports the page's URL on mount; the model opens the page at /."""
    app = Dash()
    app.layout = [dcc.Location(id="url"), html.Div(id="out")]

    @app.callback(Output("out", "children"), Input("url", "pathname"), State("url", "search"))
    def route(pathname, search):
        return f"{pathname}?{search}"

    d = Driver(app)
    d.load()
    d.settle()
    assert d.value("out.children") == "/?"


@pytest.mark.parametrize("make, typo", [
    (lambda: dcc.Dropdown(id="c"), "values"),
    (lambda: dcc.Checklist(id="c"), "checked"),
    (lambda: dcc.Slider(id="c"), "val"),
    (lambda: dcc.Location(id="c"), "path"),
], ids=["Dropdown", "Checklist", "Slider", "Location"])
def test_a_prop_the_component_does_not_have_is_refused(make, typo):
    with pytest.raises(Exception, match=typo):
        _echo_app(make(), typo).graph


def test_unknown_keyword_prop_is_refused_at_construction():
    with pytest.raises(DependencyException, match="no prop 'valeu'"):
        dcc.Dropdown(id="c", valeu="a")


def test_r22_persistence_is_a_first_visit_the_page_starts_from_the_layout():
    # The renderer restores what an earlier visit stored; on a first visit nothing is stored.
    app = _echo_app(dcc.Dropdown(["a", "b"], "b", id="c", persistence=True), "value")
    d = Driver(app)
    d.load()
    d.settle()
    assert d.value("c.value") == "b" and d.value("out.children") == "b"


# --- pattern-matching ids ----------------------------------------------------------------

@pytest.mark.parametrize("dependency", [Input, State, Output])
def test_a_dict_id_in_a_dependency_is_a_pattern_matching_id_checked_as_dash_checks_it(dependency):
    assert dependency({"type": "field", "index": 1}, "value").key == '{"index":1,"type":"field"}.value'
    with pytest.raises(DependencyException, match="must be a string, number or boolean or MATCH"):
        dependency({"type": "field", "index": [1]}, "value")
    with pytest.raises(DependencyException, match="needs at least one key"):
        dependency({}, "value")


def test_a_dict_id_in_the_layout_holds_values_not_wildcards():
    assert dcc.Input(id={"type": "field", "index": 1}).key == '{"index":1,"type":"field"}'
    with pytest.raises(DependencyException, match="cannot hold the wildcard MATCH"):
        dcc.Input(id={"type": "field", "index": MATCH})
