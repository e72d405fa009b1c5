"""--precision: trials until every 95 % interval is narrow enough, the same on any number of workers."""

import pytest

import scenarios
from simulator import executors
from simulator.errors import ScenarioError
from simulator.montecarlo import CHUNK, monte_carlo, width

# naive x interleave diverges about a third of the time: its interval narrows slowly.
CELLS = scenarios.cells(["naive", "patch"], ["interleave", "load"])


def test_every_cell_ends_at_most_as_wide_as_asked():
    summaries = monte_carlo(CELLS, 200, seed=0, precision=0.1)
    assert all(width(s) <= 0.1 for s in summaries)
    trials = {(s.strategy, s.workload): s.trials for s in summaries}
    assert trials[("naive", "interleave")] > 200    # it needed more rounds
    assert trials[("patch", "load")] == 200         # a rate of 0 was narrow at once


def test_rounds_double_a_cell_and_stop_at_the_cap():
    [cell] = monte_carlo(CELLS[:1], CHUNK, seed=0, precision=0.001, max_trials=4 * CHUNK)
    assert cell.trials == 4 * CHUNK                 # 200 -> 400 -> 800, capped: still too wide
    assert width(cell) > 0.001


def test_a_precision_run_equals_a_plain_run_of_the_trials_it_reached():
    [cell] = monte_carlo(CELLS[:1], CHUNK, seed=3, precision=0.1)
    assert cell.trials > CHUNK
    assert cell.record() == monte_carlo(CELLS[:1], cell.trials, seed=3)[0].record()


def test_the_same_cells_stop_at_the_same_counts_on_any_executor():
    pytest.importorskip("dask.distributed")
    one_core = monte_carlo(CELLS, 200, seed=1, precision=0.1)
    dask = executors.DaskExecutor(jobs=2, processes=False)
    try:
        on_dask = monte_carlo(CELLS, 200, seed=1, precision=0.1, executor=dask)
    finally:
        dask.close()
    assert [s.record() for s in on_dask] == [s.record() for s in one_core]


def test_the_progress_total_follows_the_rounds():
    totals = []
    monte_carlo(CELLS[:1], CHUNK, seed=0, precision=0.001, max_trials=4 * CHUNK, planned=totals.append)
    assert totals == [CHUNK, 2 * CHUNK, 4 * CHUNK]


def test_a_precision_outside_0_1_is_refused():
    with pytest.raises(ScenarioError, match="precision must be between 0 and 1"):
        monte_carlo(CELLS, 10, precision=5)


def test_the_cli_records_the_precision_and_refuses_a_cap_without_it(tmp_path, capsys):
    import json

    import cli
    out = tmp_path / "report.json"
    assert cli.main(["report", "--strategies", "naive", "--workloads", "interleave", "--trials", "200",
                     "--precision", "0.1", "--jobs", "1", "--quiet", "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["settings"]["precision"] == 0.1 and data["settings"]["max_trials"] == 1_000_000
    [row] = data["results"]
    assert row["trials"] > 200 and row["ci_high"] - row["ci_low"] <= 0.1
    assert cli.main(["report", "--trials", "5", "--max-trials", "10", "--quiet"]) == 2
    assert "--max-trials needs --precision" in capsys.readouterr().err
    assert cli.main(["report", "--trials", "5", "--scheduler", "tcp://10.0.0.5:8786", "--quiet"]) == 2
    assert "--scheduler needs --executor dask" in capsys.readouterr().err
