"""Monte-Carlo: many seeded runs per cell, aggregated as they stream.

A *cell* is anything picklable with a ``label`` (strategy, workload) and a
``build()`` that returns an object with ``run(seed, config) -> Run``.
Trial ``k`` of every cell uses the seed ``f"{seed}/{k}"``, so strategies are
compared on the same user actions and latencies where they overlap.

Work is split into chunks of trials; with ``jobs > 1`` chunks run in worker
processes.  Chunks are merged in a fixed order, so the result is the same
bit for bit whatever ``jobs`` is.
"""

from __future__ import annotations

import itertools
import multiprocessing
from typing import Any, Callable, Protocol, Sequence

from .engine import Config
from .errors import ScenarioError
from .metrics import Summary

CHUNK = 200


class Cell(Protocol):
    label: tuple[str, str]

    def build(self) -> Any: ...


def trial_seed(seed: Any, k: int) -> str:
    return f"{seed}/{k}"


def _run_chunk(task: tuple[int, Cell, Config, Any, int, int]) -> tuple[int, int, Summary]:
    index, cell, config, seed, start, stop = task
    runner = cell.build()
    summary = Summary(*cell.label)
    for k in range(start, stop):
        summary.add(runner.run(trial_seed(seed, k), config))
    return index, start, summary


def monte_carlo(cells: Sequence[Cell], trials: int, seed: Any = 0, config: Config = Config(),
                jobs: int = 1, progress: Callable[[int], None] | None = None) -> list[Summary]:
    """Run ``trials`` seeded runs of every cell; one :class:`Summary` per cell, in order.

    Chunks are created lazily and folded in as they finish, in task order, a
    few per worker at a time: memory does not grow with ``trials``.
    """
    if trials < 1:
        raise ScenarioError(f"trials must be >= 1, not {trials}")
    if jobs < 1:
        raise ScenarioError(f"jobs must be >= 1, not {jobs}")
    tasks = ((i, cell, config, seed, start, min(start + CHUNK, trials))
             for i, cell in enumerate(cells) for start in range(0, trials, CHUNK))
    summaries = [Summary(*cell.label) for cell in cells]

    def fold(results) -> None:
        for index, _start, part in results:  # in task order: the same sums whatever ``jobs`` is
            summaries[index].merge(part)
            if progress is not None:
                progress(part.trials)

    workers = min(jobs, len(cells) * -(-trials // CHUNK))
    if workers > 1:
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            while batch := list(itertools.islice(tasks, 4 * workers)):
                fold(pool.imap(_run_chunk, batch))
    else:
        fold(map(_run_chunk, tasks))
    return summaries
