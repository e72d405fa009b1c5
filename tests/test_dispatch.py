"""R12-R15: dispatch (observers/prioritizedCallbacks.ts, actions/callbacks.ts)."""

import dataclasses

from conftest import Driver, fixed_config, run_engine, trace_of

from simulator import Dash, Input, Output, PreventUpdate, State, dcc, html, type_into
from simulator.renderer import CONCURRENCY_CAP


def _fan_out_app(n, calls=None):
    """``n`` callbacks, c00..c{n-1}, each with Input(x.value) and its own output."""
    app = Dash()
    app.layout = [dcc.Input(id="x", value=0)] + [html.Div(id=f"o{i:02d}") for i in range(n)]
    for i in range(n):
        def body(x, i=i):
            if calls is not None:
                calls(f"c{i:02d}", x)
            return x + i
        body.__name__ = f"c{i:02d}"
        app.callback(Output(f"o{i:02d}", "children"), Input("x", "value"), prevent_initial_call=True)(body)
    return app


# --- R12: concurrency cap -------------------------------------------------------

def test_r12_at_most_twelve_requests_are_in_flight_the_rest_wait(calls):
    assert CONCURRENCY_CAP == 12
    d = Driver(_fan_out_app(14, calls))
    d.load()
    sent = d.change({"x.value": 1})
    assert len(sent) == 12 and len(d.in_flight) == 12
    assert d.respond(sent[0]) == "applied"
    assert len(d.sent) == 13 and len(d.in_flight) == 12      # one slot freed, one more left
    d.settle()
    assert len(d.sent) == 14
    assert [d.value(f"o{i:02d}.children") for i in range(14)] == [1 + i for i in range(14)]


def test_r12_superseded_requests_free_their_slots_though_their_responses_are_still_due():
    d = Driver(_fan_out_app(14))
    d.load()
    old = d.change({"x.value": 1})
    new = d.change({"x.value": 2})                 # supersedes all twelve in flight (R8)
    assert len(new) == 12 and all(r.status == "superseded" for r in old)
    assert all(d.respond(r) == "ignored" for r in old)
    d.settle()
    assert [d.value(f"o{i:02d}.children") for i in range(14)] == [2 + i for i in range(14)]


# --- R13: order ------------------------------------------------------------------

def test_r13_equal_priorities_dispatch_in_the_order_requests_became_ready():
    """getPriority keeps only callbacks it has already seen, so every priority is "0"
    (dependencies_ts.ts); the sort then leaves prioritized requests in arrival order."""
    app = _fan_out_app(14)
    assert {n.priority for n in app.graph.nodes} == {"0"}
    d = Driver(app)
    d.load()
    sent = d.change({"x.value": 1})
    assert d.names(sent) == [f"c{i:02d}" for i in range(12)]
    d.respond(sent[5])
    d.respond(sent[0])
    assert d.names(d.sent[12:]) == ["c12", "c13"]


def test_r13_prioritized_requests_are_sorted_larger_priority_string_first():
    app = _fan_out_app(14)
    graph = app.graph
    # What the sort would do if getPriority returned different strings.
    graph.nodes[12] = dataclasses.replace(graph.nodes[12], priority="2")
    graph.nodes[13] = dataclasses.replace(graph.nodes[13], priority="11")
    d = Driver(app)
    d.load()
    sent = d.change({"x.value": 1})
    assert d.names(sent[:2]) == ["c12", "c13"]              # "2" > "11" > "0" as strings
    assert d.names(sent[2:]) == [f"c{i:02d}" for i in range(10)]


# --- R14: values are read at dispatch --------------------------------------------

def _waiting_reader_app(calls):
    app = Dash()
    app.layout = [dcc.Input(id="a", value=0), dcc.Input(id="s", value="s0"), html.Div(id="b"), html.Div(id="out")]

    @app.callback(Output("b", "children"), Input("a", "value"), prevent_initial_call=True)
    def upstream(a):
        raise PreventUpdate            # updates nothing: the waiting reader is not requested anew

    @app.callback(Output("out", "children"), Input("a", "value"), Input("b", "children"), State("s", "value"),
                  prevent_initial_call=True)
    def reader(a, b, s):
        calls("reader", a, b, s)
        return f"{a}/{b}/{s}"

    return app


def test_r14_values_are_read_at_dispatch_not_when_requested(calls):
    d = Driver(_waiting_reader_app(calls))
    d.load()
    (upstream,) = d.change({"a.value": 1})         # reader requested now, but waits (R9)
    (waiting,) = d.requested
    d.change({"s.value": "s1"})                   # a State changes while it waits
    assert d.respond(upstream) == "prevented"
    assert d.in_flight == [waiting]               # the request made while s was s0 ...
    assert d.read(waiting) == {"a.value": 1, "b.children": None, "s.value": "s1"}   # ... reads s1
    d.settle()
    assert calls.of("reader") == [(1, None, "s1")]


def test_r14_values_are_read_at_dispatch_not_when_the_response_arrives(calls):
    app = Dash()
    app.layout = [dcc.Input(id="a", value=0), dcc.Input(id="s", value="s0"), html.Div(id="out")]

    @app.callback(Output("out", "children"), Input("a", "value"), State("s", "value"), prevent_initial_call=True)
    def reader(a, s):
        calls("reader", a, s)
        return f"{a}/{s}"

    d = Driver(app)
    d.load()
    (req,) = d.change({"a.value": 1})
    d.change({"s.value": "s1"})                     # changes while the request is in flight
    d.respond(req)
    assert calls.of("reader") == [(1, "s0")]
    assert d.value("out.children") == "1/s0"


def test_r14_two_state_readers_dispatched_in_one_pass_read_the_same_dict(calls):
    app = Dash()
    app.layout = [dcc.Input(id="first"), dcc.Input(id="last"), dcc.Store(id="user_data", data={"n": 0})]
    for key in ("first", "last"):
        def update(value, user_data, key=key):
            calls(key, dict(user_data))
            return dict(user_data, **{key: value})
        update.__name__ = f"update_{key}"
        app.callback(Output("user_data", "data", allow_duplicate=True), Input(key, "value"),
                     State("user_data", "data"), prevent_initial_call=True)(update)

    d = Driver(app)
    d.load()
    sent = d.change({"first.value": "john", "last.value": "doe"})
    assert d.names(sent) == ["update_first", "update_last"]
    assert [d.read(r)["user_data.data"] for r in sent] == [{"n": 0}, {"n": 0}]


def test_r14_values_are_the_layout_after_every_response_of_the_pass():
    """The engine applies the responses of one pass before it dispatches (R20 batches them)."""
    app = Dash()
    app.layout = [dcc.Input(id="a", value=0), html.Div(id="b1"), html.Div(id="b2"), html.Div(id="out")]

    @app.callback(Output("b1", "children"), Input("a", "value"), prevent_initial_call=True)
    def one(a):
        return f"one{a}"

    @app.callback(Output("b2", "children"), Input("a", "value"), prevent_initial_call=True)
    def two(a):
        return f"two{a}"

    @app.callback(Output("out", "children"), Input("b1", "children"), State("b2", "children"),
                  prevent_initial_call=True)
    def reader(b1, b2):
        return f"{b1}+{b2}"

    run = run_engine(app, [type_into("a", 1, delay=5)], config=fixed_config(server_delay=100))
    (dispatch,) = trace_of(run, "dispatched", "reader")
    assert dispatch["read"] == {"b1.children": "one1", "b2.children": "two1"}
    assert run.layout["out.children"] == "one1+two1"


# --- R15: clientside callbacks ----------------------------------------------------

def _mixed_app(calls):
    app = Dash()
    app.layout = [dcc.Input(id="x", value=0), html.Div(id="y"), html.Div(id="z"), html.Div(id="srv"),
                  html.Div(id="both")]

    def double(x):
        calls("double", x)
        return x * 2

    def plus_one(y):
        calls("plus_one", y)
        return y + 1

    def both(x, srv):
        calls("both", x, srv)
        return f"{x}|{srv}"

    app.clientside_callback(double, Output("y", "children"), Input("x", "value"), prevent_initial_call=True)
    app.clientside_callback(plus_one, Output("z", "children"), Input("y", "children"), prevent_initial_call=True)
    app.clientside_callback(both, Output("both", "children"), Input("x", "value"), Input("srv", "children"),
                            prevent_initial_call=True)

    @app.callback(Output("srv", "children"), Input("x", "value"), prevent_initial_call=True)
    def server(x):
        calls("server", x)
        return f"srv{x}"

    return app


def test_r15_clientside_callbacks_have_no_http_round_trip(calls):
    run = run_engine(_mixed_app(calls), [type_into("x", 3, delay=10)],
                     config=fixed_config(server_delay=100, network=50))
    applied = {e["callback"]: e["t"] for e in trace_of(run, "applied")}
    assert applied["double"] == 10 and applied["plus_one"] == 10      # same instant, chained
    assert applied["server"] == 10 + 50 + 100 + 50
    assert run.layout["z.children"] == 7


def test_r15_clientside_callbacks_go_through_the_same_lists_and_rules(calls):
    run = run_engine(_mixed_app(calls), [type_into("x", 3, delay=10)],
                     config=fixed_config(server_delay=100, network=50))
    (dispatch,) = trace_of(run, "dispatched", "both")       # waited for the server callback (R9)
    assert dispatch["t"] == 210
    assert dispatch["read"] == {"x.value": 3, "srv.children": "srv3"}
    assert calls.of("both") == [(3, "srv3")]

    d = Driver(_mixed_app(calls))                            # superseded like any request (R8)
    d.load()
    first = [r for r in d.change({"x.value": 4}) if r.name == "double"][0]
    second = [r for r in d.change({"x.value": 5}) if r.name == "double"][0]
    assert first.callback.clientside and first.status == "superseded"
    assert d.respond(second) == "applied" and d.respond(first) == "ignored"
    assert d.value("y.children") == 10
