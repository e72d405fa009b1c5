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
import os
import signal
import sys
import threading
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Iterator, Protocol, Sequence

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


def cores() -> int:
    """CPU cores this process may use: the most worker processes worth starting."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _quiet_worker() -> None:
    """In a worker: Ctrl-C is the parent's to handle (it stops the pool), not every worker's traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    """While worker processes may be started: a Ctrl-C then would hit one still importing, as a traceback."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


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


def monte_carlo(cells: Sequence[Cell], trials: int, seed: Any = 0, config: Config = Config(),
                jobs: int = 1, progress: Callable[[int], None] | None = None) -> list[Summary]:
    """Run ``trials`` seeded runs of every cell; one :class:`Summary` per cell, in order.

    Chunks are created lazily and folded in as they finish, in task order, a
    few per worker at a time: memory does not grow with ``trials``.  At most
    :func:`cores` workers start, whatever ``jobs`` asks (results do not
    depend on it).
    """
    _refuse_in_bootstrap()
    if isinstance(trials, bool) or not isinstance(trials, int) or trials < 1:
        raise ScenarioError(f"trials must be a whole number >= 1, not {trials!r}")
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ScenarioError(f"jobs must be a whole number >= 1, not {jobs!r}")
    tasks = ((i, cell, config, seed, start, min(start + CHUNK, trials))
             for i, cell in enumerate(cells) for start in range(0, trials, CHUNK))
    summaries = [Summary(*cell.label) for cell in cells]

    def fold(results) -> None:
        for index, _start, part in results:  # in task order: the same sums whatever ``jobs`` is
            summaries[index].merge(part)
            if progress is not None:
                progress(part.trials)

    workers = min(jobs, cores(), len(cells) * -(-trials // CHUNK))
    if workers > 1:
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_quiet_worker)
        try:
            while batch := list(itertools.islice(tasks, 4 * workers)):
                with _sigint_ignored():  # workers start here: they inherit SIGINT ignored, even mid start-up
                    results = pool.map(_run_chunk, batch)
                fold(results)
        except BrokenProcessPool:
            raise ScenarioError("a Monte-Carlo worker process died; if you ran this from a script, "
                                "check it puts its code under  if __name__ == \"__main__\":  "
                                "(workers re-import the script), or pass jobs=1") from None
        finally:
            _stop(pool)
    else:
        fold(map(_run_chunk, tasks))
    return summaries


def _stop(pool: ProcessPoolExecutor) -> None:
    """Shut the pool down, dropping the chunks not started: after an error or Ctrl-C (which workers
    ignore) each worker finishes the chunk it is on and exits; none is left behind."""
    pool.shutdown(wait=True, cancel_futures=True)
