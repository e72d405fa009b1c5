"""Runs that did not finish are shown and never counted as desyncs; loops are told from long workloads."""

import csv
import io
import json

from conftest import Sequence, fixed_config, run_engine
from rich.console import Console

import cli
from simulator import Action, Dash, Input, Output, State, dcc, html
from simulator.engine import Run
from simulator.metrics import Summary
from simulator.report import summary_table, write_csv, write_json


def _render(table) -> str:
    """As a library user prints it: a Console with markup and emoji on (rich's defaults)."""
    out = io.StringIO()
    Console(file=out, width=250).print(table)
    return out.getvalue()


def _summary(*runs):
    s = Summary("naive", "load")
    for run in runs:
        s.add(run)
    return s


def test_a_cut_off_run_is_not_a_desync_and_is_shown_in_its_own_column(tmp_path):
    finished_ok = Run(seed=1)
    cut = Run(seed=2, diverged=True, wrong=("first_name",), unsettled="did not settle")
    loop = Run(seed=3, diverged=True, wrong=("last_name",), runaway="a loop")
    s = _summary(finished_ok, cut, loop)
    assert (s.trials, s.finished, s.diverged, s.rate) == (3, 1, 0, 0.0)
    assert not s.wrong_keys
    text = _render(summary_table([s]))
    assert "cut off" in text and "1 runaway loop, 1 time limit" in text
    assert "0/1 0.0%" in text
    record = s.record()
    assert (record["finished"], record["runaway"], record["unsettled"], record["diverged"]) == (1, 1, 1, 0)
    write_csv(tmp_path / "r.csv", [s])
    row = next(csv.DictReader(open(tmp_path / "r.csv")))
    assert (row["finished"], row["runaway"], row["unsettled"], row["diverged"]) == ("1", "1", "1", "0")


def test_a_cell_where_no_run_finished_has_no_rate_not_a_zero(tmp_path):
    s = _summary(Run(seed=1, unsettled="did not settle"))
    assert s.record()["rate"] is None and s.record()["ci_low"] is None
    write_json(tmp_path / "r.json", [s], {})
    assert json.loads((tmp_path / "r.json").read_text())["results"][0]["rate"] is None
    assert "0/0 -" in _render(summary_table([s]))


def test_the_cli_report_shows_time_limited_runs_apart(capsys):
    # lognormal:10:1000 draws either ~0 or a simulated day: every run hits the hour's time limit.
    assert cli.main(["report", "--strategies", "naive", "--workloads", "load", "--trials", "3", "--jobs", "1",
                     "--quiet", "--server-delay", "lognormal:10:1000"]) == 0
    out = capsys.readouterr().out
    assert "3 time limit" in out and "0/0 -" in out and "66.7" not in out


def _loop_app():
    """A callback fed by its own Store's modified_timestamp (R4): a loop while time moves on."""
    app = Dash()
    app.layout = [dcc.Input(id="x"), dcc.Store(id="s", data=0)]

    @app.callback(Output("s", "data"), Input("x", "value"), Input("s", "modified_timestamp"),
                  State("s", "data"), prevent_initial_call=True)
    def bump(x, ts, data):
        return (data or 0) + 1

    return app


def test_a_callback_loop_is_stopped_by_the_request_budget_per_user_action():
    run = run_engine(_loop_app(), [Action({"x.value": "a"})],
                     config=fixed_config(server_delay=1, request_budget=50))
    assert run.runaway and "more than 50 requests since the last user action" in run.runaway


def test_a_long_workload_of_cheap_actions_is_not_called_a_loop():
    app = Dash()
    app.layout = [dcc.Input(id="x"), html.Div(id="out")]

    @app.callback(Output("out", "children"), Input("x", "value"), prevent_initial_call=True)
    def echo(x):
        return x

    actions = [Action({"x.value": n}, delay=10) for n in range(1, 101)]   # 100 requests, one per action
    run = run_engine(app, actions, config=fixed_config(server_delay=1, request_budget=5))
    assert run.runaway is None and run.sent == 100


def test_the_cli_names_the_budget_and_interval_1700_is_not_a_runaway(capsys):
    assert cli.main(["run", "naive", "--workload", "interval", "--interval-ticks", "1700",
                     "--client-overhead", "0"]) == 0
    out = capsys.readouterr().out
    assert "RUNAWAY" not in out and "consistent at quiescence" in out
    assert cli.main(["run", "circular", "--workload", "storm", "--request-budget", "1"]) == 0
    assert "RUNAWAY: more than 1 requests since the last user action" in capsys.readouterr().out


def test_measured_counters_leave_out_setup_requests_superseded_in_flight():
    app = Dash()
    app.layout = [dcc.Input(id="x"), html.Div(id="out"), html.Button(id="go"), html.Div(id="clicked")]

    @app.callback(Output("out", "children"), Input("x", "value"), prevent_initial_call=True)
    def echo(x):
        return x

    @app.callback(Output("clicked", "children"), Input("go", "n_clicks"), prevent_initial_call=True)
    def go(n):
        return n

    # Setup: x changes twice; the first request is slow and superseded in flight (R8), so the page
    # settles while it is still on the wire, and the measured click comes before it is back.
    actions = [Action({"x.value": "a"}), Action({"x.value": "b"}, delay=1),
               Action({"go.n_clicks": 1}, wait_settle=True, measure=True)]
    run = run_engine(app, actions, config=fixed_config(server_delay=Sequence(500, 10, 10)))
    assert run.sent == 1 and run.responses == 1 and run.ignored == 0 and run.superseded == 0
