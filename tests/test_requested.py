"""R6-R11 and R19: the requested-list pass (observers/requestedCallbacks.ts)."""

import itertools

import pytest
from conftest import Driver, Sequence, fixed_config, run_engine, trace_of

from simulator import Action, Dash, Input, Output, PreventUpdate, State, click, ctx, dcc, html


# --- R6: circular pruning ------------------------------------------------------

def test_r6_a_to_b_to_a_loop_is_pruned_when_it_comes_back_to_its_first_callback(calls):
    app = Dash()
    app.layout = [dcc.Input(id="x", value=0), dcc.Input(id="y", value=0)]

    @app.callback(Output("y", "value"), Input("x", "value"), prevent_initial_call=True)
    def a(x):
        calls("a", x)
        return x + 1

    @app.callback(Output("x", "value"), Input("y", "value"), prevent_initial_call=True)
    def b(y):
        calls("b", y)
        return y + 1

    d = Driver(app)
    d.load()
    d.change({"x.value": 10})
    d.settle(limit=50)
    assert calls.log == [("a", (10,)), ("b", (11,))]   # each ran once: the loop stopped
    assert (d.value("x.value"), d.value("y.value")) == (12, 11)
    (pruned,) = [f["request"] for f in d.kinds("pruned")]
    assert pruned.name == "a" and pruned.status == "pruned"


def test_r6_callback_writing_its_own_input_runs_once(calls):
    app = Dash()
    app.layout = [dcc.Input(id="x", value="")]

    @app.callback(Output("x", "value"), Input("x", "value"), prevent_initial_call=True)
    def normalize(x):
        calls("normalize", x)
        return x.strip().lower()

    d = Driver(app)
    d.load()
    d.change({"x.value": "  Hello "})
    d.settle(limit=50)
    assert d.value("x.value") == "hello"
    assert calls.count("normalize") == 1


# --- R7: merge duplicates --------------------------------------------------------

def _two_input_app(calls, prevent_initial_call=True):
    app = Dash()
    app.layout = [dcc.Input(id="a", value=0), dcc.Input(id="b", value=0), html.Div(id="out")]

    @app.callback(Output("out", "children"), Input("a", "value"), Input("b", "value"),
                  prevent_initial_call=prevent_initial_call)
    def combine(a, b):
        triggered = sorted(ctx.triggered_prop_ids)
        calls("combine", a, b, triggered)
        return f"{a}/{b} by {','.join(triggered) or 'initial call'}"

    return app


def test_r7_requests_of_one_callback_merge_into_one_with_united_triggers(calls):
    d = Driver(_two_input_app(calls))
    d.load()
    d.change({"a.value": 1}, schedule=False)
    d.change({"b.value": 2}, schedule=False)
    assert d.requested_names() == ["combine", "combine"]
    sent = d.schedule()
    assert d.names(sent) == ["combine"]
    assert set(sent[0].changed) == {"a.value", "b.value"}
    d.settle()
    assert calls.of("combine") == [(1, 2, ["a.value", "b.value"])]
    assert d.value("out.children") == "1/2 by a.value,b.value"


def test_r7_initial_call_request_is_dropped_when_a_triggered_one_joins_its_group(calls):
    d = Driver(_two_input_app(calls, prevent_initial_call=False))
    d.load(schedule=False)
    d.change({"a.value": 1}, schedule=False)
    (sent,) = d.schedule()
    assert not sent.initial
    d.settle()
    assert calls.of("combine") == [(1, 0, ["a.value"])]   # not an initial call (triggered is a)


# --- R8: the newest supersedes the in-flight ---------------------------------------

def _button_app(calls):
    """Dash's test_cbmt001_called_multiple_times_and_out_of_order, as a simulator app."""
    app = Dash()
    app.layout = [html.Button(id="input", n_clicks=0, title="Click"), html.Div(id="output")]

    @app.callback(Output("output", "children"), Input("input", "n_clicks"))
    def update_output(n_clicks):
        calls("update_output", n_clicks)
        return n_clicks

    return app


def test_r8_newest_request_supersedes_in_flight_and_its_response_is_ignored(calls):
    d = Driver(_button_app(calls))
    (initial,) = d.load()
    d.respond(initial)
    (first,) = d.change({"input.n_clicks": 1})
    (second,) = d.change({"input.n_clicks": 2})
    assert first.status == "superseded" and first.superseded_by == second.id
    assert d.in_flight == [second]
    assert d.respond(second) == "applied"
    assert d.value("output.children") == 2
    assert d.respond(first) == "ignored"        # the server did the work; the client drops it
    assert d.value("output.children") == 2
    assert calls.of("update_output") == [(0,), (2,), (1,)]


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_r8_button_clicked_three_times_runs_four_times_and_ends_at_the_latest_click(calls, order):
    """Dash integration test cbmt001, with every arrival order of the three clicks' responses."""
    d = Driver(_button_app(calls))
    (initial,) = d.load()
    d.respond(initial)
    clicks = [d.change({"input.n_clicks": n})[0] for n in (1, 2, 3)]
    assert d.in_flight == [clicks[2]]             # each click superseded the one before
    statuses = {i: d.respond(clicks[i]) for i in order}
    assert statuses == {0: "ignored", 1: "ignored", 2: "applied"}
    assert d.value("output.children") == 3
    assert calls.count("update_output") == 4     # initial call + 3 clicks reach the server
    assert d.r.idle


def test_r8_button_clicked_three_times_with_slow_first_response_in_the_engine(calls):
    """cbmt001 on the simpy engine: the first click's response takes 1 s, the rest are instant."""
    delays = Sequence(0, 1000, 0, 0)       # server time of: initial call, click 1, click 2, click 3
    # A last, unrelated action at t=2030 keeps the run going until the slow response is back:
    # a run otherwise ends at quiescence, when only superseded requests are still on the wire.
    actions = [click("input", delay=10) for _ in range(3)] + [Action({"input.title": "later"}, delay=2000)]
    run = run_engine(_button_app(calls), actions, config=fixed_config(server_delay=delays))
    assert run.layout["output.children"] == 3
    assert calls.of("update_output") == [(0,), (1,), (2,), (3,)]
    assert run.sent == 4 and run.applied == 3 and run.ignored == 1
    (ignored,) = trace_of(run, "ignored")
    assert ignored["t"] == 1010                   # the slow response came back last ...
    assert [e["values"] for e in trace_of(run, "applied")][-1] == {"output.children": 3}  # ... and was dropped


def test_r8_supersedes_in_flight_even_while_the_new_request_still_waits(calls):
    app = Dash()
    app.layout = [dcc.Input(id="x", value=0), dcc.Input(id="b", value=0), html.Div(id="out")]

    @app.callback(Output("b", "value"), Input("x", "value"), prevent_initial_call=True)
    def upstream(x):
        return x * 10

    @app.callback(Output("out", "children"), Input("x", "value"), Input("b", "value"), prevent_initial_call=True)
    def show(x, b):
        calls("show", x, b)
        return f"{x}/{b}"

    d = Driver(app)
    d.load()
    (old,) = d.change({"b.value": 5})                  # show in flight, reading x=0, b=5
    sent = d.change({"x.value": 1})
    assert d.names(sent) == ["upstream"]              # the new show waits for upstream (R9) ...
    assert d.names(d.requested) == ["show"]
    assert old.status == "superseded"                 # ... yet already superseded the old one
    assert d.respond(old) == "ignored"
    assert d.value("out.children") is None
    d.settle()
    assert d.value("out.children") == "1/10"
    assert calls.of("show") == [(0, 5), (1, 10)]


def test_r8_superseding_request_keeps_only_its_own_triggers_so_a_ctx_filter_loses_an_update(calls):
    """The article's merged solution writes only ctx.triggered keys: R8 drops first_name."""
    app = Dash()
    app.layout = [dcc.Input(id="first_name"), dcc.Input(id="last_name"), dcc.Store(id="user_data", data={})]

    @app.callback(Output("user_data", "data"), Input("first_name", "value"), Input("last_name", "value"),
                  State("user_data", "data"), prevent_initial_call=True)
    def merged(first_name, last_name, user_data):
        values = {"first_name": first_name, "last_name": last_name}
        for key in ctx.triggered_prop_ids.values():
            user_data[key] = values[key]
        return user_data

    d = Driver(app)
    d.load()
    (first,) = d.change({"first_name.value": "john"})
    (second,) = d.change({"last_name.value": "doe"})
    assert set(second.changed) == {"last_name.value"}   # first_name's trigger is lost with `first`
    d.respond(second)
    d.respond(first)
    assert d.value("user_data.data") == {"last_name": "doe"}


# --- R9: readiness -------------------------------------------------------------------

def test_r9_request_waits_while_an_input_may_still_change_downstream_of_a_pending_one(calls):
    app = Dash()
    app.layout = [dcc.Input(id="a", value=0), html.Div(id="b"), html.Div(id="c"), html.Div(id="out")]

    @app.callback(Output("b", "children"), Input("a", "value"), prevent_initial_call=True)
    def step_b(a):
        return a + 1

    @app.callback(Output("c", "children"), Input("b", "children"), prevent_initial_call=True)
    def step_c(b):
        return b * 10

    @app.callback(Output("out", "children"), Input("a", "value"), Input("c", "children"), prevent_initial_call=True)
    def final(a, c):
        calls("final", a, c)
        return f"{a}/{c}"

    d = Driver(app)
    d.load()
    assert d.names(d.change({"a.value": 1})) == ["step_b"]   # final waits: c is downstream of step_b
    d.respond(d.in_flight[0])
    assert d.names(d.in_flight) == ["step_c"]
    d.respond(d.in_flight[0])
    (final_request,) = d.in_flight
    assert d.read(final_request) == {"a.value": 1, "c.children": 20}
    d.settle()
    assert calls.of("final") == [(1, 20)]            # ran once, on the settled values
    assert d.value("out.children") == "1/20"


def test_r9_own_outputs_and_states_do_not_block(calls):
    app = Dash()
    app.layout = [dcc.Input(id="u", value=0), html.Div(id="b", value="b0"), dcc.Input(id="x", value=""),
                  dcc.Input(id="y", value=0), html.Div(id="by_state")]

    @app.callback(Output("b", "value"), Input("u", "value"), prevent_initial_call=True)
    def slow(u):
        return f"b{u}"

    @app.callback(Output("x", "value"), Input("x", "value"), Input("y", "value"), prevent_initial_call=True)
    def own(x, y):
        calls("own", x, y)
        return f"{x}+{y}"

    @app.callback(Output("by_state", "children"), Input("y", "value"), State("b", "value"),
                  prevent_initial_call=True)
    def with_state(y, b):
        calls("with_state", y, b)
        return b

    d = Driver(app)
    d.load()
    (in_flight,) = d.change({"u.value": 1})      # keeps something pending, so R10 cannot kick in
    sent = d.change({"y.value": 1})
    assert sorted(d.names(sent)) == ["own", "with_state"]   # neither waits for `slow`
    assert d.read(sent[d.names(sent).index("with_state")])["b.value"] == "b0"
    d.settle()
    assert d.value("x.value") == "+1"
    assert d.value("b.value") == "b1"


# --- R10: deadlock breaker -----------------------------------------------------------

def test_r10_deadlock_of_two_callbacks_inputs_of_each_other_is_broken_by_taking_the_first(calls):
    app = Dash()
    app.layout = [dcc.Input(id="x", value=0), dcc.Input(id="a", value="a0"), dcc.Input(id="b", value="b0")]

    @app.callback(Output("a", "value"), Input("x", "value"), Input("b", "value"), prevent_initial_call=True)
    def make_a(x, b):
        calls("make_a", x, b)
        return f"A({x},{b})"

    @app.callback(Output("b", "value"), Input("x", "value"), Input("a", "value"), prevent_initial_call=True)
    def make_b(x, a):
        calls("make_b", x, a)
        return f"B({x},{a})"

    d = Driver(app)
    d.load()
    sent = d.change({"x.value": 1})
    assert d.names(sent) == ["make_a"]               # the first one is assumed ready ...
    assert d.names(d.requested) == ["make_b"]        # ... and the one it feeds waits for it
    assert [f["requests"] for f in d.kinds("deadlock")][0] == [sent[0]]
    d.settle(limit=20)
    assert calls.log == [("make_a", (1, "b0")), ("make_b", (1, "A(1,b0)"))]
    assert d.value("b.value") == "B(1,A(1,b0))"
    assert d.r.idle


# --- R11: allow_duplicate quirk --------------------------------------------------------

def _writer_reader_app(calls, allow_duplicate):
    app = Dash()
    app.layout = [dcc.Input(id="x"), dcc.Input(id="y"), dcc.Store(id="user_data", data={}), html.Div(id="out")]

    @app.callback(Output("user_data", "data", allow_duplicate=allow_duplicate), Input("x", "value"),
                  State("user_data", "data"), prevent_initial_call=True)
    def writer(x, user_data):
        return dict(user_data, x=x)

    @app.callback(Output("out", "children"), Input("user_data", "data"), Input("y", "value"),
                  prevent_initial_call=True)
    def reader(user_data, y):
        calls("reader", user_data, y)
        return f"{user_data}/{y}"

    return app


def test_r11_in_flight_allow_duplicate_writer_does_not_block_a_reader_of_the_plain_prop(calls):
    d = Driver(_writer_reader_app(calls, allow_duplicate=True))
    d.load()
    (writer,) = d.change({"x.value": "X"})
    (reader,) = d.change({"y.value": "Y"})           # dispatched while the writer is in flight
    assert d.read(reader)["user_data.data"] == {}
    d.respond(writer)                                # applied: the suffix is stripped, R1 triggers
    assert reader.status == "superseded"
    d.settle()
    assert calls.of("reader")[-1] == ({"x": "X"}, "Y")
    assert d.value("out.children") == "{'x': 'X'}/Y"


def test_r11_in_flight_plain_writer_blocks_a_reader_of_the_prop(calls):
    d = Driver(_writer_reader_app(calls, allow_duplicate=False))
    d.load()
    (writer,) = d.change({"x.value": "X"})
    assert d.change({"y.value": "Y"}) == []          # the reader waits for the writer
    d.respond(writer)
    d.settle()
    assert calls.of("reader") == [({"x": "X"}, "Y")]  # ran once, on the written data


# --- R19: execution groups ----------------------------------------------------------------

def _initial_chain(calls, upstream_does):
    app = Dash()
    app.layout = [dcc.Input(id="src", value="s"), html.Div(id="mid", value="m0"), dcc.Input(id="side", value=0),
                  html.Div(id="out", value="o0"), html.Div(id="out2", value="p0")]

    @app.callback(Output("mid", "value"), Input("src", "value"))
    def upstream(src):
        calls("upstream", src)
        if upstream_does == "prevent":
            raise PreventUpdate
        if upstream_does == "raise":
            raise RuntimeError("boom")
        return f"mid({src})"

    @app.callback(Output("out", "value"), Input("mid", "value"))
    def downstream(mid):
        calls("downstream", mid)
        return f"out({mid})"

    @app.callback(Output("out2", "value"), Input("mid", "value"), Input("side", "value"))
    def downstream_with_other_input(mid, side):
        calls("downstream_with_other_input", mid, side)
        return f"out2({mid},{side})"

    return app


@pytest.mark.parametrize("upstream_does", ["prevent", "raise"])
def test_r19_initial_downstream_is_dropped_when_the_upstream_initial_call_updates_nothing(calls, upstream_does):
    d = Driver(_initial_chain(calls, upstream_does))
    assert d.names(d.load()) == ["upstream"]
    d.settle()
    assert calls.count("downstream") == 0             # all its inputs only potentially updated: dropped
    assert d.value("out.value") == "o0"
    assert [f["request"].name for f in d.kinds("dropped")] == ["downstream"]
    # an Input outside what the group may update keeps the request alive
    assert calls.of("downstream_with_other_input") == [("m0", 0)]


def test_r19_initial_downstream_runs_once_when_the_upstream_updates(calls):
    d = Driver(_initial_chain(calls, "update"))
    d.load()
    d.settle()
    assert calls.of("downstream") == [("mid(s)",)]
    assert d.value("out.value") == "out(mid(s))"
    assert d.kinds("dropped") == []
