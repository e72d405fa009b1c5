"""Where Monte-Carlo chunks run: this process, a pool of local processes, or a Dask cluster.

An executor has one job: ``map(fn, tasks)`` runs ``fn`` on every task and
yields the results **in task order**, whatever order they finish in, with
only a few tasks in flight per worker (tasks are produced lazily, so memory
does not grow with their number).  Folding results in task order is what
makes a Monte-Carlo result the same bit for bit on one core, on ``--jobs
8`` or on a cluster (:mod:`simulator.montecarlo`).

* :class:`Serial` — in this process (``--jobs 1``).
* :class:`Processes` — ``--jobs N`` local worker processes (spawned: the same
  on every platform).
* :class:`DaskExecutor` — ``--executor dask [--scheduler ADDRESS]``: a
  ``dask.distributed`` cluster the user already runs (the workers must be
  able to import this project), or a local one when no address is given.
  Needs the optional extra: ``pip install ".[dask]"``.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
import threading
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator

from .errors import ScenarioError

EXECUTORS = ("local", "dask")
IN_FLIGHT_PER_WORKER = 4


class Serial:
    """Run every task here, one after the other."""

    workers = 1

    def map(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        return map(fn, tasks)

    def close(self) -> None:
        pass


class Processes:
    """A pool of ``jobs`` spawned local processes.

    Workers ignore Ctrl-C: it is the parent's to handle.  On stop (an error,
    Ctrl-C) the chunks not started are dropped and each worker finishes the
    one it is on, then exits: none is left behind, and none prints a
    traceback.
    """

    def __init__(self, jobs: int):
        self.workers = jobs
        self._pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_quiet_worker)

    def map(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        tasks = iter(tasks)
        try:
            while batch := list(itertools.islice(tasks, IN_FLIGHT_PER_WORKER * self.workers)):
                with _sigint_ignored():  # workers start here: they inherit SIGINT ignored, even mid start-up
                    results = self._pool.map(fn, batch)
                yield from results
        except BrokenProcessPool:
            raise ScenarioError("a Monte-Carlo worker process died; if you ran this from a script, "
                                "check it puts its code under  if __name__ == \"__main__\":  "
                                "(workers re-import the script), or pass jobs=1") from None

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def cores() -> int:
    """CPU cores this process may use: the most local worker processes worth starting."""
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


class DaskExecutor:
    """Tasks as ``dask.distributed`` futures, a few per worker in flight, results in task order."""

    def __init__(self, scheduler: str | None = None, jobs: int = 1, processes: bool = True):
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise ScenarioError("--executor dask needs dask.distributed: pip install \".[dask]\" "
                                "(or pip install dask distributed)") from None
        self._cluster = None
        if scheduler:
            try:
                self._client = Client(scheduler, timeout=10)
            except (OSError, TimeoutError, ValueError) as exc:
                raise ScenarioError(f"--scheduler {scheduler}: cannot reach a Dask scheduler there ({exc})") from None
        else:
            self._cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=processes,
                                         dashboard_address=None)
            self._client = Client(self._cluster)
        self.workers = max(1, len(self._client.scheduler_info().get("workers", {})))

    def map(self, fn: Callable[[Any], Any], tasks: Iterable[Any]) -> Iterator[Any]:
        window: deque = deque()
        limit = IN_FLIGHT_PER_WORKER * self.workers
        for task in tasks:
            window.append(self._client.submit(fn, task, pure=False))
            if len(window) >= limit:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make(kind: str = "local", jobs: int = 1, scheduler: str | None = None):
    """The executor the CLI's ``--executor``, ``--jobs`` and ``--scheduler`` ask for."""
    if jobs < 1:
        raise ScenarioError(f"jobs must be >= 1, not {jobs}")
    if kind == "dask":
        return DaskExecutor(scheduler, jobs)
    if kind != "local":
        raise ScenarioError(f"unknown executor {kind!r}; use one of: {', '.join(EXECUTORS)}")
    if scheduler:
        raise ScenarioError("--scheduler needs --executor dask")
    return Processes(jobs) if jobs > 1 else Serial()
