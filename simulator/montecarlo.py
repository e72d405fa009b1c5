"""Monte-Carlo: many seeded runs per cell, aggregated as they stream.

A *cell* is anything picklable with a ``label`` (strategy, workload) and a
``build()`` that returns an object with ``run(seed, config) -> Run``.
Trial ``k`` of every cell uses the seed ``f"{seed}/{k}"``, so strategies are
compared on the same user actions and latencies where they overlap.

Work is split into chunks of trials, run by an executor
(:mod:`simulator.executors`: this process, local processes, a Dask cluster)
and folded in a fixed order — cell by cell, chunk by chunk — so the result
is the same bit for bit whatever runs it and on how many workers.

With a ``precision``, trials run in rounds until every cell's 95 % interval
is at most that wide (or the cell reaches ``max_trials``): each round
doubles the trials of the cells still too wide.  Which cells go on depends
only on the folded figures, so this too is the same for any worker count.
"""

from __future__ import annotations

import multiprocessing
import sys
from typing import Any, Callable, Protocol, Sequence

from . import executors
from .executors import cores  # noqa: F401  (the CLI caps --jobs with it)
from .engine import Config
from .errors import ScenarioError
from .metrics import Summary

CHUNK = 200
#: ``precision`` without ``max_trials``: at most this many trials per cell.
DEFAULT_MAX_TRIALS = 1_000_000


class Cell(Protocol):
    """``build()`` gives a runner: ``run(seed, config) -> Run``, and optionally ``figures(seed, config)``,
    the same Run without its final ``layout``, which Monte-Carlo prefers.  A hashable cell with
    ``shared = True`` lets one process reuse its runner for every chunk."""

    label: tuple[str, str]

    def build(self) -> Any: ...


def trial_seed(seed: Any, k: int) -> str:
    return f"{seed}/{k}"


#: Runners built in this process for cells that allow it (``cell.shared``), most recent last.
_built: dict[Any, Any] = {}
_BUILT_MAX = 4


def _runner(cell: Cell) -> Any:
    """``cell.build()``, reused across chunks in this process when the cell says its runner may be.

    A cell whose runs do not depend on what ran before on its runner (the
    built-in scenarios: pure callbacks) sets ``shared = True``; its runner
    then keeps what it learnt between chunks (:mod:`simulator.memo`), and
    the app is built once per process instead of once per chunk.
    """
    if not getattr(cell, "shared", False):
        return cell.build()
    try:
        hash(cell)
    except TypeError:   # a cell holding a dict (a sweep point's Config with --callback-delay): build it
        return cell.build()
    runner = _built.pop(cell, None)
    if runner is None:
        runner = cell.build()
        while len(_built) >= _BUILT_MAX:
            _built.pop(next(iter(_built)))
    _built[cell] = runner
    return runner


def _run_chunk(task: tuple[int, Cell, Config, Any, int, int]) -> tuple[int, int, Summary]:
    index, cell, config, seed, start, stop = task
    runner = _runner(cell)
    run = getattr(runner, "figures", runner.run)   # figures: a Run whose layout may be left out
    summary = Summary(*cell.label)
    for k in range(start, stop):
        summary.add(run(trial_seed(seed, k), config))
    return index, start, summary


def _refuse_in_bootstrap() -> None:
    """Called again while a spawned worker imports the user's script: the call is not under a main guard.

    Each worker would start workers of its own forever; stop at once with what to add.
    """
    if getattr(multiprocessing.current_process(), "_inheriting", False) or (
            multiprocessing.parent_process() is not None and sys.modules.get("__mp_main__") is not None
            and _called_from("__mp_main__")):
        raise SystemExit(UNGUARDED)


def _called_from(module: str) -> bool:
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_globals.get("__name__") == module and frame.f_code.co_name == "<module>":
            return True
        frame = frame.f_back
    return False


UNGUARDED = ("monte_carlo(jobs > 1) was called while a worker process imported your script: put the "
             "code that runs it under  if __name__ == \"__main__\":  (worker processes re-import the script), "
             "or pass jobs=1")


def width(summary: Summary) -> float:
    """The width of the cell's 95 % Wilson interval for its desync rate."""
    low, high = summary.ci
    return high - low


def monte_carlo(cells: Sequence[Cell], trials: int, seed: Any = 0, config: Config = Config(),
                jobs: int = 1, progress: Callable[[int], None] | None = None,
                executor: Any = None, precision: float | None = None, max_trials: int | None = None,
                planned: Callable[[int], None] | None = None, scheduler: str | None = None) -> list[Summary]:
    """Run ``trials`` seeded runs of every cell; one :class:`Summary` per cell, in order.

    ``executor`` runs the chunks: ``"local"`` (the default: ``jobs`` local
    processes), ``"dask"`` (the cluster at ``scheduler``, or a local one of
    ``jobs`` workers), or an executor from :func:`simulator.executors.make`.  ``precision``: go on until every
    interval is at most this wide, ``trials`` being the first round and
    ``max_trials`` the cap per cell.  ``progress(n)`` is told of every
    ``n`` trials folded in, ``planned(total)`` of the trials planned so far.
    Chunks are created lazily, a few per worker in flight: memory does not
    grow with ``trials``.
    """
    _refuse_in_bootstrap()
    if isinstance(trials, bool) or not isinstance(trials, int) or trials < 1:
        raise ScenarioError(f"trials must be a whole number >= 1, not {trials!r}")
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ScenarioError(f"jobs must be a whole number >= 1, not {jobs!r}")
    if precision is not None and not 0 < precision < 1:
        raise ScenarioError(f"precision must be between 0 and 1 (an interval width), not {precision}")
    cap = max(trials, max_trials or (DEFAULT_MAX_TRIALS if precision is not None else trials))
    summaries = [Summary(*cell.label) for cell in cells]
    done = [0] * len(cells)
    target = [trials] * len(cells)
    own = executor is None or isinstance(executor, str)
    if own:
        kind = executor or "local"
        # No more local processes than first-round chunks; a cluster is the user's to size.
        local = min(jobs, executors.cores(), len(cells) * -(-trials // CHUNK))  # results do not depend on it
        executor = executors.make(kind, jobs if kind != "local" else local, scheduler)
    try:
        while True:
            if planned is not None:
                planned(sum(target))
            tasks = ((i, cell, config, seed, start, min(start + CHUNK, target[i]))
                     for i, cell in enumerate(cells) for start in range(done[i], target[i], CHUNK))
            for index, _start, part in executor.map(_run_chunk, tasks):  # in task order: the same sums
                summaries[index].merge(part)
                if progress is not None:
                    progress(part.trials)
            done = list(target)
            if precision is None:
                return summaries
            wide = [i for i, s in enumerate(summaries) if width(s) > precision and done[i] < cap]
            if not wide:
                return summaries
            for i in wide:
                target[i] = min(cap, 2 * done[i])
    finally:
        _built.clear()   # what ran in this process (jobs=1) is not kept past the call
        if own:
            executor.close()
