"""Memoised passes (simulator/memo.py) give the fast clock's figures, bit for bit, for less work.

The memo takes a pass's result from an earlier trial with the same history.
That is right only where no pass depends on the clock, so each test here
compares, trial by trial, the memo's figures with a plain run's, on every
strategy x workload and under timings with ties, queues, the runaway guard
and the time limit -- with the trials of one cell sharing one tree, as they
do in Monte-Carlo, so that later trials follow what earlier ones recorded.
"""

import dataclasses

import pytest

import scenarios
from simulator import (Config, Dash, Input, Output, Plan, State, click, dcc, fastengine, html, memo, server_time,
                       type_into)
from simulator.montecarlo import monte_carlo
from tests.test_fastengine import CONFIGS

CELLS = [(s, w) for s in scenarios.STRATEGIES for w in scenarios.WORKLOADS]


def figures(run) -> dict:
    """Every Run field the memo promises (all but the final layout and the trace)."""
    out = dataclasses.asdict(run)
    out.pop("trace")
    out.pop("layout")
    return out


def compare(s: scenarios.Scenario, config: Config, trials: int, tag: str = "") -> list:
    """Each trial's figures with and without the memo (one tree for all of them); the memo's trees."""
    for k in range(trials):
        seed = f"{tag}{k}"
        plain = figures(s.run(seed, config))
        assert figures(s.figures(seed, config)) == plain, f"trial {seed}"
    return list(s._passes.values())


@pytest.mark.parametrize("strategy,workload", CELLS)
def test_memoised_trials_give_the_plain_runs_figures(strategy, workload):
    s = scenarios.scenario(strategy, workload)
    tree, = compare(s, Config(), 40)
    if strategy != "chained_modified_timestamp" and workload in ("load", "storm"):
        assert tree.off is None or "reads the clock" in tree.off
        if tree.off is None:   # the memo did the work: most trials never ran the renderer
            assert tree.replays < 20, f"{tree.replays} of 40 trials left the tree"


@pytest.mark.parametrize("name", sorted(CONFIGS))
@pytest.mark.parametrize("strategy", ["naive", "circular", "patch", "side_update", "intermediary_stores"])
def test_memo_under_ties_queues_runaways_and_time_limits(strategy, name):
    config = CONFIGS[name]
    if strategy == "side_update" and config.transport.name.startswith("websocket"):
        pytest.skip("set_props over the WebSocket transport is refused (R21), with or without the memo")
    for workload in ("load", "interleave"):
        compare(scenarios.scenario(strategy, workload, keys=3), config, 25)


def test_a_callback_that_reads_the_clock_switches_the_memo_off_and_the_figures_stay_right():
    # chained stamps user_data with server_time(): its answers depend on when it runs.
    s = scenarios.scenario("chained", "interleave")
    tree, = compare(s, Config(), 30)
    assert tree.off is not None and "reads the clock" in tree.off


def test_what_keeps_the_memo_off_is_named():
    s = scenarios.scenario("chained_modified_timestamp", "load")
    assert figures(s.figures(0)) == figures(s.run(0))
    tree, = s._passes.values()
    assert "reads user_data.modified_timestamp" in tree.off   # R4 writes it at the pass's time

    app = Dash("clicks")
    app.layout = [html.Button(id="b"), html.Div(id="out")]

    @app.callback(Output("out", "children"), Input("b", "n_clicks"), State("b", "n_clicks_timestamp"))
    def stamp(n, when):
        return f"{n}@{when}"
    assert "reads b.n_clicks_timestamp" in memo.refusal(app.graph, frozenset())

    app = Dash("clientside")
    app.layout = [dcc.Input(id="a"), html.Div(id="out")]
    app.clientside_callback("function (a) { return a; }", Output("out", "children"), Input("a", "value"))
    assert "clientside" in memo.refusal(app.graph, frozenset())

    assert "the check reads" in memo.refusal(scenarios.scenario("naive").graph,
                                              frozenset({"user_data.modified_timestamp"}))


def test_histories_that_never_repeat_switch_the_memo_off():
    # interval: twenty ticks racing their responses, a new history nearly every trial
    s = scenarios.scenario("naive", "interval")
    tree, = compare(s, Config(), memo.WARM_UP + 5)
    assert tree.off is not None and "had been run before by an earlier trial" in tree.off
    # typing: each trial new in places, but most of its passes were run before
    s = scenarios.scenario("naive", "typing")
    tree, = compare(s, Config(), memo.WARM_UP + 5)
    assert tree.off is None and tree.followed > tree.ran


def test_server_time_is_what_gives_it_away():
    """The premise the memo checks as bodies run: a body that reads server_time() is noticed."""
    app = Dash("clock")
    app.layout = [dcc.Input(id="a"), html.Div(id="out")]

    @app.callback(Output("out", "children"), Input("a", "value"))
    def when(a):
        return f"{a} at {server_time()}"
    cb = app.graph.callbacks[0]
    from simulator import context
    before = context.clock_reads
    cb.execute(["x"], ("a.value",), 5.0)
    assert context.clock_reads == before + 1


def test_monte_carlo_is_the_same_with_the_memo_for_any_worker_count():
    cells = scenarios.cells(["naive", "circular", "chained"], ["load", "typing"])

    class Plain:
        """The same cell without figures(): Monte-Carlo runs its plain runs."""

        def __init__(self, cell):
            self.cell, self.label = cell, cell.label

        def build(self):
            s = self.cell.build()
            return type("Runner", (), {"run": staticmethod(s.run)})()

    plain = monte_carlo([Plain(c) for c in cells], 300, seed="memo")
    assert [s.record() for s in monte_carlo(cells, 300, seed="memo")] == [s.record() for s in plain]
    assert [s.record() for s in monte_carlo(cells, 300, seed="memo", jobs=2)] == [s.record() for s in plain]


# --- a small app: trials of different plans share one tree ------------------------------------

def store_app() -> Dash:
    """Two writers of one Store (the naive design), and a third callback that raises on 'boom'."""
    app = Dash("memo")
    app.layout = [dcc.Input(id="a"), dcc.Input(id="b"), dcc.Store(id="s", data={}), html.Button(id="go"),
                  html.Div(id="echo")]
    for key in ("a", "b"):
        @app.callback(Output("s", "data", allow_duplicate=True), Input(key, "value"), State("s", "data"),
                      prevent_initial_call=True)
        def write(value, data, key=key):
            return {**(data or {}), key: value}

    @app.callback(Output("echo", "children"), Input("go", "n_clicks"), State("a", "value"), prevent_initial_call=True)
    def echo(n, a):
        if a == "boom":
            raise ValueError("boom")
        return f"{n}:{a}"
    return app


def store_check(layout):
    data = layout["s.data"] or {}
    return tuple(k for k in ("a", "b") if (layout[f"{k}.value"] or None) != data.get(k))


def plain_and_memoised(plans, config=Config(), trials=60):
    """Trial k runs plans[k % len(plans)], on one tree; each trial's figures both ways."""
    graph = store_app().graph
    passes = memo.Passes(graph, store_check, config)
    for k in range(trials):
        plan = plans[k % len(plans)]
        plain = fastengine.simulate(graph, plan, store_check, config, seed=k)
        yield figures(passes.simulate(plan, config, k)), figures(plain)


def test_the_same_action_measured_or_not_is_two_histories():
    # Each click waits for the page to settle: the first click's pass is alike in both plans but for
    # whether it is measured, which decides what its figures count.
    measured = Plan((type_into("a", "x"), type_into("b", "y"), click("go", wait_settle=True, measure=True),
                     click("go", wait_settle=True)))
    not_yet = Plan((type_into("a", "x"), type_into("b", "y"), click("go", wait_settle=True),
                    click("go", wait_settle=True, measure=True)))
    for memoised, plain in plain_and_memoised([measured, not_yet]):
        assert memoised == plain


def test_the_value_typed_is_part_of_the_history():
    plans = [Plan((type_into("a", text, measure=True), type_into("b", text.upper())))
             for text in ("ann", "bob", "cy")]
    for memoised, plain in plain_and_memoised(plans):
        assert memoised == plain


def test_error_responses_are_counted_when_the_pass_is_taken_from_the_tree():
    plan = Plan((type_into("a", "boom"), click("go", measure=True), click("go")))
    results = list(plain_and_memoised([plan]))
    assert results[-1][0]["errors"], "the raising callback's errors are in the figures"
    for memoised, plain in results:
        assert memoised == plain


# --- what a review found: each once gave figures other than the plain run's, or crashed ----------

def test_a_check_that_reads_ignored_actions_keeps_the_memo_off():
    """Such a check's answer changes without the layout changing (R26); the engines ask it again only when
    the layout changes, which depends on timing, so its passes cannot be shared."""
    app = Dash("disabled")
    app.layout = [html.Button(id="b", disabled=True), html.Div(id="out"), dcc.Input(id="t"), html.Div(id="o2")]

    @app.callback(Output("out", "children"), Input("b", "n_clicks"), prevent_initial_call=True)
    def clicked(n):
        return n

    @app.callback(Output("o2", "children"), Input("t", "value"), prevent_initial_call=True)
    def typed(v):
        return v

    def check(layout, ignored):
        return bool(ignored)
    check.takes_ignored = True
    plan = Plan((click("b", measure=True, wait_settle=True), type_into("t", "x", delay=100)))
    passes = memo.Passes(app.graph, check, Config())
    assert "ignored" in passes.off
    for k in range(5):
        assert figures(passes.simulate(plan, Config(), k)) == figures(
            fastengine.simulate(app.graph, plan, check, Config(), seed=k))


def test_values_equal_in_python_but_not_on_the_wire_are_different_histories():
    app = Dash("values")
    app.layout = [dcc.Input(id="a"), html.Div(id="out")]

    @app.callback(Output("out", "children"), Input("a", "value"), prevent_initial_call=True)
    def shown(v):
        return repr(v)

    def check(layout):
        return layout["out.children"] in ("-0.0", "True", "[True]")
    graph = app.graph
    for values in ((0.0, -0.0), (1, True), ([1], [True])):
        passes = memo.Passes(graph, check, Config())
        for k, value in enumerate(values * 2):
            plan = Plan((type_into("a", value, measure=True),))
            assert figures(passes.simulate(plan, Config(), k)) == figures(
                fastengine.simulate(graph, plan, check, Config(), seed=k)), value


def test_the_check_is_asked_only_where_a_trial_measures():
    """A check may assume the page is set up: the engines ask it once measuring starts, and so does the memo."""
    app = Dash("setup")
    app.layout = [dcc.Input(id="a"), dcc.Store(id="s")]

    @app.callback(Output("s", "data"), Input("a", "value"), prevent_initial_call=True)
    def store(v):
        return {"a": v}

    def check(layout):
        return layout["s.data"]["a"] != layout["a.value"]   # None["a"] before the first write
    plan = Plan((type_into("a", "x", wait_settle=True), type_into("a", "y", wait_settle=True, measure=True)))
    passes = memo.Passes(app.graph, check, Config())
    for k in range(5):
        assert figures(passes.simulate(plan, Config(), k)) == figures(
            fastengine.simulate(app.graph, plan, check, Config(), seed=k))


def test_a_sweep_with_a_callback_delay_runs():
    """A sweep point's Config may hold a dict (callback_delays): its cell cannot be hashed, so it is built per chunk."""
    from simulator import sweep
    config = Config.make(callback_delays={"load_data": Config().server_delay})
    rows = sweep.sweep([sweep.Point({"network": "10"}, config, scenarios.cells(["naive"], ["load"]))], 20)
    assert rows[0].summary.trials == 20


def test_responses_are_kept_only_for_the_requests_the_tree_sends(monkeypatch):
    monkeypatch.setattr(memo, "MAX_NODES", 60)
    monkeypatch.setattr(memo, "WARM_UP", 10**9)   # stays on, its tree full: trials go on leaving it
    s = scenarios.scenario("circular", "typing")
    for k in range(300):
        s.figures(k)
    tree, = s._passes.values()
    assert tree.off is None and tree.nodes == 60
    sent = {req for node in _nodes(tree.root) for edge in node.edges.values() for req in edge.sent}
    assert set(tree.responses) <= sent


def _nodes(node):
    yield node
    for edge in node.edges.values():
        yield from _nodes(edge.node)
