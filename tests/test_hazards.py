"""The static lint (simulator/hazards.py) and how `graph` shows it: legend, State apart from Output, red patterns."""

import re
import shutil
import subprocess

import pytest

import cli
import scenarios
from simulator import Config, Dash, Input, Output, State, callback_context, ctx, dcc
from simulator.graph import Graph
from simulator.hazards import hazards
from simulator.montecarlo import monte_carlo
from simulator.report import graph_dot, graph_text


def _kinds(strategy):
    return [h.kind for h in hazards(scenarios.scenario(strategy, "load").graph)]


@pytest.mark.parametrize("strategy, expected", [
    ("naive", ["stale writers"]),
    ("circular", ["stale writers"]),
    ("chained", ["stale writers"]),
    ("chained_modified_timestamp", ["stale writers", "timestamp chain"]),
    ("merged", ["trigger filter"]),
    ("merged_unfiltered", []),
    ("intermediary_stores", []),
    ("patch", []),
])
def test_each_seed_strategy_has_the_patterns_its_design_has(strategy, expected):
    assert _kinds(strategy) == expected


def test_stale_writers_names_the_prop_its_writers_and_the_rules():
    (h,) = hazards(scenarios.scenario("naive", "load").graph)
    assert h.props == ("user_data.data",) and h.callbacks == ("update_first_name", "update_last_name")
    assert h.rules == ("R14", "R16", "R11")
    assert "read by update_first_name as State, update_last_name as State" in h.text
    assert "(R14 read at dispatch)" in h.text and "(R16 full replace)" in h.text


def test_a_trigger_filter_is_found_however_ctx_is_spelled_and_wherever_it_is_read():
    app = Dash("app")
    app.layout = [dcc.Input(id="a"), dcc.Input(id="b"), dcc.Store(id="s", data={})]

    @app.callback(Output("s", "data"), Input("a", "value"), Input("b", "value"), State("s", "data"))
    def combine(a, b, s):
        def which():
            return callback_context.triggered_id   # a nested function, the long name
        return {**s, which(): a or b}

    (h,) = hazards(Graph(app))
    assert h.kind == "trigger filter" and h.callbacks == ("combine",) and "ctx.triggered_id" in h.text


def test_one_input_callbacks_reading_the_trigger_are_not_flagged():
    app = Dash("app")
    app.layout = [dcc.Input(id="a"), dcc.Store(id="s")]

    @app.callback(Output("s", "data"), Input("a", "value"))
    def one(a):
        return ctx.triggered_id

    assert hazards(Graph(app)) == []


@pytest.mark.parametrize("strategy", ["merged_unfiltered", "intermediary_stores", "patch"])
def test_strategies_without_a_pattern_never_diverge_in_any_workload(strategy):
    # The lint's "none found" agrees with simulation on the seed scenario (a sample, not a proof).
    cells = scenarios.cells([strategy])
    assert all(s.diverged == 0 for s in monte_carlo(cells, 20, seed=0, config=Config(), jobs=1))


def test_graph_text_has_a_legend_marks_the_callbacks_and_lists_the_patterns(capsys):
    assert cli.main(["graph", "chained_modified_timestamp"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("legend:") and ".. State: read when the request is sent, never triggers" in out
    assert "!! update_last_name  [prevent_initial_call, !! stale writers, !! timestamp chain]" in out
    assert "race-prone patterns: 2" in out
    assert "2. timestamp chain: update_last_name is triggered by user_data.modified_timestamp" in out
    assert "race-prone patterns: none found" in graph_text(scenarios.scenario("patch", "load").graph)


def test_graph_text_fits_100_columns():
    text = graph_text(scenarios.scenario("chained_modified_timestamp", "load").graph)
    assert max(len(line) for line in text.splitlines()) <= 100


def _edges(dot):
    return re.findall(r'^\s*"([^"]+)" -> "([^"]+)" \[(.*)\];$', dot, re.M)


def test_dot_draws_state_edges_apart_from_the_output_edge_of_the_same_prop():
    dot = graph_dot(scenarios.scenario("naive", "load").graph)
    edges = _edges(dot)
    state = [a for u, v, a in edges if u == "user_data.data" and v == "cb:update_first_name"]
    output = [a for u, v, a in edges if u == "cb:update_first_name" and v == "user_data.data"]
    assert len(state) == 1 and len(output) == 1
    assert "dashed" in state[0] and "headport=s" in state[0] and "constraint=false" in state[0]
    assert "bold" in output[0] and "tailport=e" in output[0] and "allow_duplicate" in output[0]


def test_dot_has_a_legend_and_the_patterns_in_red():
    dot = graph_dot(scenarios.scenario("merged", "load").graph)
    assert "subgraph cluster_legend" in dot and 'label="State"' in dot and 'label="Input"' in dot
    assert re.search(r'"cb:update_user_data" \[.*!! trigger filter.*color="#c62828"', dot)
    assert '"race-prone patterns" [shape=note' in dot


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("strategy", ["naive", "merged", "chained_modified_timestamp", "patch"])
def test_dot_output_is_valid_graphviz(strategy, tmp_path):
    path = tmp_path / "g.dot"
    path.write_text(graph_dot(scenarios.scenario(strategy, "load").graph))
    done = subprocess.run(["dot", "-Tsvg", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
