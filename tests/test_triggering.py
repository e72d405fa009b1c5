"""R1-R5: what requests a callback (docs/renderer-model.md, "Triggering")."""

from conftest import EPOCH_MS, Driver

from simulator import Dash, Input, Output, PreventUpdate, State, dcc, html, no_update


# --- R1: who triggers --------------------------------------------------------

def test_r1_component_change_requests_every_callback_with_that_prop_as_input_but_not_state(calls):
    app = Dash()
    app.layout = [dcc.Input(id="a", value="a0"), dcc.Input(id="b", value="b0"),
                  html.Div(id="o1"), html.Div(id="o2"), html.Div(id="o3")]

    @app.callback(Output("o1", "children"), Input("a", "value"), prevent_initial_call=True)
    def one(a):
        calls("one", a)
        return f"one:{a}"

    @app.callback(Output("o2", "children"), Input("b", "value"), Input("a", "value"), prevent_initial_call=True)
    def two(b, a):
        calls("two", b, a)
        return f"two:{b}:{a}"

    @app.callback(Output("o3", "children"), Input("b", "value"), State("a", "value"), prevent_initial_call=True)
    def three(b, a):
        calls("three", b, a)
        return f"three:{b}:{a}"

    d = Driver(app)
    assert d.load() == []
    sent = d.change({"a.value": "a1"})
    assert sorted(d.names(sent)) == ["one", "two"]
    d.settle()
    assert d.value("o1.children") == "one:a1"
    assert d.value("o2.children") == "two:b0:a1"
    assert d.value("o3.children") is None      # a is only its State: never triggers it
    assert calls.count("three") == 0


def test_r1_applied_response_triggers_callbacks_with_that_prop_as_input_but_not_state(calls):
    app = Dash()
    app.layout = [dcc.Input(id="a", value=1), html.Div(id="b"), html.Div(id="c"), html.Div(id="by_state"),
                  dcc.Input(id="other", value="o")]

    @app.callback(Output("b", "children"), Input("a", "value"), prevent_initial_call=True)
    def double(a):
        return a * 2

    @app.callback(Output("c", "children"), Input("b", "children"), prevent_initial_call=True)
    def plus_one(b):
        calls("plus_one", b)
        return b + 1

    @app.callback(Output("by_state", "children"), Input("other", "value"), State("b", "children"),
                  prevent_initial_call=True)
    def reads_b(other, b):
        calls("reads_b", other, b)
        return b

    d = Driver(app)
    d.load()
    d.change({"a.value": 5})
    d.settle()
    assert d.value("b.children") == 10
    assert d.value("c.children") == 11            # triggered by the applied response
    assert calls.of("plus_one") == [(10,)]
    assert calls.count("reads_b") == 0            # State(b) is not a trigger


# --- R2: applied outputs always trigger ----------------------------------------

def _constant_chain(calls):
    app = Dash()
    app.layout = [dcc.Input(id="src", value=0), html.Div(id="mid", value="same"), html.Div(id="out")]

    @app.callback(Output("mid", "value"), Input("src", "value"), prevent_initial_call=True)
    def constant(src):
        return "same"

    @app.callback(Output("out", "children"), Input("mid", "value"), prevent_initial_call=True)
    def downstream(mid):
        calls("downstream", mid)
        return f"ran {len(calls.of('downstream'))}"

    return app


def test_r2_applied_response_with_an_equal_value_still_triggers_its_dependents(calls):
    d = Driver(_constant_chain(calls))
    d.load()
    d.change({"src.value": 1})
    d.settle()
    assert d.value("mid.value") == "same"
    assert calls.of("downstream") == [("same",)]
    d.change({"src.value": 2})
    d.settle()
    assert d.value("out.children") == "ran 2"


def test_r2_no_update_and_prevent_update_apply_nothing_and_trigger_nothing(calls):
    app = Dash()
    app.layout = [dcc.Input(id="src", value=0), html.Div(id="left", value="L"),
                  html.Div(id="right", value="R"), html.Div(id="after_left"), html.Div(id="after_right")]

    @app.callback([Output("left", "value"), Output("right", "value")], Input("src", "value"),
                  prevent_initial_call=True)
    def split(src):
        if src == "prevent":
            raise PreventUpdate
        return [no_update, f"R{src}"]

    @app.callback(Output("after_left", "children"), Input("left", "value"), prevent_initial_call=True)
    def after_left(left):
        calls("after_left", left)
        return left

    @app.callback(Output("after_right", "children"), Input("right", "value"), prevent_initial_call=True)
    def after_right(right):
        calls("after_right", right)
        return right

    d = Driver(app)
    d.load()
    (req,) = d.change({"src.value": 1})
    assert d.respond(req) == "applied"
    d.settle()
    assert d.value("left.value") == "L"          # no_update: left alone
    assert calls.count("after_left") == 0           # ... and nothing triggered by it
    assert calls.of("after_right") == [("R1",)]

    (req,) = d.change({"src.value": "prevent"})
    assert d.respond(req) == "prevented"           # HTTP 204
    assert d.in_flight == [] and d.requested == []
    assert (d.value("left.value"), d.value("right.value")) == ("L", "R1")
    assert calls.count("after_right") == 1


# --- R3: predecessors ----------------------------------------------------------

def test_r3_request_triggered_by_a_response_carries_the_chain_of_predecessors():
    app = Dash()
    app.layout = [dcc.Input(id="a", value=0), html.Div(id="b"), html.Div(id="c"), html.Div(id="d")]

    @app.callback(Output("b", "children"), Input("a", "value"), prevent_initial_call=True)
    def first(a):
        return a

    @app.callback(Output("c", "children"), Input("b", "children"), prevent_initial_call=True)
    def second(b):
        return b

    @app.callback(Output("d", "children"), Input("c", "children"), prevent_initial_call=True)
    def third(c):
        return c

    d = Driver(app)
    d.load()
    d.change({"a.value": 1})
    d.settle()
    index = {cb.name: cb.index for cb in app.callbacks}
    chains = {r.name: r.predecessors for r in d.sent}
    assert chains == {"first": (),                                   # a user change: none
                      "second": (index["first"],),
                      "third": (index["first"], index["second"])}
    assert d.value("d.children") == 1


# --- R4: component changes and derived props -----------------------------------

def test_r4_component_change_to_an_equal_value_triggers_nothing(calls):
    app = Dash()
    app.layout = [dcc.Input(id="a", value="same"), html.Div(id="nested", data={"k": [1, {"x": 2}]}),
                  html.Div(id="out")]

    @app.callback(Output("out", "children"), Input("a", "value"), Input("nested", "data"),
                  prevent_initial_call=True)
    def show(a, nested):
        calls("show", a, nested)
        return a

    d = Driver(app)
    d.load()
    assert d.change({"a.value": "same"}) == []
    assert d.change({"nested.data": {"k": [1, {"x": 2}]}}) == []      # deep-equal: no change
    assert d.requested_names() == []
    assert d.change({"a.value": "new"}) != []                         # a real change does trigger
    d.settle()
    assert calls.of("show") == [("new", {"k": [1, {"x": 2}]})]


def _store_app(calls):
    app = Dash()
    app.layout = [dcc.Input(id="x", value=None), dcc.Store(id="s", data={"k": 0}),
                  html.Div(id="by_ts"), html.Div(id="by_data")]

    @app.callback(Output("s", "data"), Input("x", "value"), prevent_initial_call=True)
    def write(x):
        return {"k": x}

    @app.callback(Output("by_ts", "children"), Input("s", "modified_timestamp"), prevent_initial_call=True)
    def on_timestamp(ts):
        calls("on_timestamp", ts)
        return ts

    @app.callback(Output("by_data", "children"), Input("s", "data"), prevent_initial_call=True)
    def on_data(data):
        calls("on_data", data)
        return data["k"]

    return app


def _write(d, x, at):
    (req,) = d.change({"x.value": x}, at=at)
    assert d.respond(req, at=at) == "applied"
    d.settle()


def test_r4_store_modified_timestamp_changes_only_when_data_changes_unlike_r2(calls):
    d = Driver(_store_app(calls))
    d.load()
    d.settle()
    assert d.value("s.modified_timestamp") == EPOCH_MS   # set once on mount: data is not null
    mount_calls = calls.count("on_timestamp")

    _write(d, 0, at=10.0)                              # {"k": 0}: deep-equal to what it holds
    assert d.value("s.modified_timestamp") == EPOCH_MS
    assert calls.count("on_timestamp") == mount_calls
    assert calls.of("on_data")[-1] == ({"k": 0},)      # R2: the applied data still triggers

    _write(d, 1, at=20.0)
    assert d.value("s.modified_timestamp") == EPOCH_MS + 20
    assert calls.of("on_timestamp")[-1] == (EPOCH_MS + 20,)
    assert calls.count("on_timestamp") == mount_calls + 1


def test_r4_store_timestamp_is_integer_ms_and_two_writes_in_one_ms_trigger_once(calls):
    d = Driver(_store_app(calls))
    d.load()
    d.settle()
    before = calls.count("on_timestamp")
    _write(d, 1, at=20.2)
    assert d.value("s.modified_timestamp") == EPOCH_MS + 20            # Date.now(): whole ms
    _write(d, 2, at=20.7)                                             # new data, same millisecond
    assert d.value("s.data") == {"k": 2}
    assert d.value("s.modified_timestamp") == EPOCH_MS + 20
    assert calls.count("on_timestamp") == before + 1                   # equal timestamp: no trigger
    _write(d, 3, at=21.0)
    assert d.value("s.modified_timestamp") == EPOCH_MS + 21
    assert calls.count("on_timestamp") == before + 2


def test_r4_store_sets_timestamp_on_mount_only_when_initial_data_is_not_null():
    app = Dash()
    app.layout = [dcc.Store(id="full", data={"a": 1}), dcc.Store(id="empty")]
    d = Driver(app)
    d.now = 7.0
    d.load()
    assert d.value("full.modified_timestamp") == EPOCH_MS + 7
    # the layout holds no modified_timestamp until the Store stamps one: a callback reads None (Chromium, Dash 4.4.1)
    assert d.value("empty.modified_timestamp") is None


# --- R5: initial call ------------------------------------------------------------

def test_r5_initial_call_requests_callbacks_without_prevent_initial_call_in_one_group(calls):
    app = Dash()
    app.layout = [dcc.Input(id="a", value=1), html.Div(id="o1"), html.Div(id="o2"), html.Div(id="o3")]

    @app.callback(Output("o1", "children"), Input("a", "value"))
    def first(a):
        calls("first", a)
        return a + 1

    @app.callback(Output("o2", "children"), Input("o1", "children"))
    def second(o1):
        calls("second", o1)
        return o1 * 10

    @app.callback(Output("o3", "children"), Input("a", "value"), prevent_initial_call=True)
    def not_initial(a):
        calls("not_initial", a)
        return a

    d = Driver(app)
    d.load(schedule=False)
    initial = [f["request"] for f in d.kinds("requested")]
    assert [r.name for r in initial] == ["first", "second"]
    assert all(r.initial for r in initial)
    assert len({r.group for r in initial}) == 1 and initial[0].group is not None
    d.settle()
    assert d.value("o2.children") == 20
    assert calls.log == [("first", (1,)), ("second", (2,))]   # second ran once, after first
    assert d.value("o3.children") is None


def _stamp_watcher(initial_data):
    app = Dash()
    app.layout = [dcc.Input(id="a"), dcc.Store(id="s", data=initial_data), html.Div(id="seen")]

    @app.callback(Output("s", "data"), Input("a", "value"), prevent_initial_call=True)
    def write(v):
        return v

    @app.callback(Output("seen", "children"), Input("s", "modified_timestamp"), prevent_initial_call=True)
    def stamp(ts):
        return ts
    return app


def test_r4_a_store_without_data_has_empty_memory_so_its_first_write_even_of_null_is_a_change():
    # Store.react.js: the memory store starts empty (undefined); equals(undefined, null) is false.
    d = Driver(_stamp_watcher(None))
    d.load()
    assert d.value("s.modified_timestamp") is None  # nothing written on mount
    d.change({"a.value": None}, at=5.0)  # equal to the current value: no change, no request (R4)
    assert not d.sent
    d.change({"a.value": "x"}, at=10.0)
    d.change({"a.value": None}, at=20.0)  # supersedes the "x" request in flight (R8)
    d.settle()
    assert d.value("s.data") is None
    assert d.value("s.modified_timestamp") == EPOCH_MS + 20  # null written to an empty memory: a change
    assert len(d.sent_by("stamp")) == 1


def test_r4_equality_is_the_renderers_true_is_not_1():
    # Python says True == 1; the renderer's deep equality does not: a change from 1 to True triggers.
    app = Dash()
    app.layout = [dcc.Input(id="a", value=1), html.Div(id="out")]

    @app.callback(Output("out", "children"), Input("a", "value"), prevent_initial_call=True)
    def echo(v):
        return repr(v)

    d = Driver(app)
    d.load()
    d.change({"a.value": True})
    d.change({"a.value": {"k": [True]}})
    d.change({"a.value": {"k": [1]}})
    d.change({"a.value": {"k": [1.0]}})  # 1 and 1.0 are one JSON number: no change
    assert len(d.sent) == 3
