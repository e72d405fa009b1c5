"""Chunks run anywhere, folded in one order: the same report on one core, local processes or Dask.

The Dask test runs a real ``dask.distributed`` LocalCluster of 2 workers
(threads, so CI needs no extra processes) and requires the same Summary
records as ``--jobs 1``, for a Monte-Carlo report and for a sweep.
"""

import pytest

import scenarios
from simulator import Config, executors, sweep
from simulator.errors import ScenarioError
from simulator.montecarlo import monte_carlo

CELLS = scenarios.cells(["naive", "patch"], ["load", "interleave"])


@pytest.fixture(scope="module")
def dask_cluster():
    pytest.importorskip("dask.distributed")
    executor = executors.DaskExecutor(jobs=2, processes=False)
    yield executor
    executor.close()


def records(summaries):
    return [s.record() for s in summaries]


def test_executors_yield_results_in_task_order_whatever_finishes_first(dask_cluster):
    tasks = list(range(40))
    assert list(executors.Serial().map(_slow_square, tasks)) == [t * t for t in tasks]
    assert list(dask_cluster.map(_slow_square, tasks)) == [t * t for t in tasks]


def _slow_square(t: int) -> int:
    import time
    time.sleep(0.001 * (t % 3))  # later tasks often finish first
    return t * t


def test_a_dask_cluster_gives_the_report_of_one_core(dask_cluster):
    seen = []
    on_dask = monte_carlo(CELLS, 250, seed=5, executor=dask_cluster, progress=seen.append)
    assert records(on_dask) == records(monte_carlo(CELLS, 250, seed=5, jobs=1))
    assert sum(seen) == 250 * len(CELLS)  # the progress bar sees every trial


def test_a_dask_cluster_gives_the_sweep_of_one_core(dask_cluster):
    axes = sweep.parse_axes(["server-delay=uniform:0:{50,400}"], ["server-delay"])
    points = sweep.build_points(axes, lambda v: (Config.make(server_delay=v["server-delay"]),
                                                 scenarios.cells(["naive"], ["load", "interleave"])))
    rows = sweep.sweep(points, 250, seed=1, executor=dask_cluster)
    assert [r.record() for r in rows] == [r.record() for r in sweep.sweep(points, 250, seed=1, jobs=1)]


def test_local_processes_give_the_report_of_one_core():
    assert records(monte_carlo(CELLS[:2], 400, seed=2, jobs=2)) == records(monte_carlo(CELLS[:2], 400, seed=2))


def test_bad_executor_options_are_one_line_errors():
    with pytest.raises(ScenarioError, match="unknown executor 'spark'"):
        executors.make("spark")
    with pytest.raises(ScenarioError, match="--scheduler needs --executor dask"):
        executors.make("local", scheduler="tcp://10.0.0.5:8786")
    with pytest.raises(ScenarioError, match="jobs must be >= 1"):
        executors.make("local", jobs=0)
