"""Background callbacks (R31): the job a server runs beside it, and what each poll of it finds.

A ``background=True`` callback does not answer with its outputs.  Its first
request starts a *job* (Dash's ``DiskcacheManager`` spawns a process; Celery
sends a task) and answers at once with the job's id; the renderer then polls
every ``interval`` ms, and each poll answers with what the job left in the
cache since the last one: its latest ``set_progress`` value, its latest
``set_props`` call, and, once it has finished, its result
(``dash/_callback.py``, ``_setup_background_callback`` and
``_update_background_callback``; ``background_callback/managers/``).

Two things there lose updates, and the model keeps both:

* the cache holds **one** ``set_props`` entry per job, replaced by each call:
  a job that calls ``set_props("a", ...)`` and then ``set_props("b", ...)``
  between two polls delivers only the second (``_make_job_fn``'s
  ``_set_props`` sets the key anew; calls for one component accumulate);
* a poll pops what it found, so each value is delivered once; progress
  likewise keeps only the latest value.

When things happen inside a job: the body runs once, when the job starts,
on the arguments the first request carried; each ``set_props`` and
``set_progress`` call is stamped with the simulated time the body has slept
so far (:func:`simulator.sleep`, a real app's ``time.sleep``), and the
result is there when the job ends: its start, plus what the body slept, plus
the callback's server-delay law (the work the body does without sleeping).

A job is killed by ``oldJob`` (a newer request of the same outputs, R31) or
``cancelJob`` (a request of its ``cancel`` Input) reaching the server: from
then on it calls nothing and leaves no result, unless it had already
finished.  A poll of a killed job with nothing left answers as Dash does with
no output: 204, PreventUpdate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable

from .app import Response
from .errors import NotModelled
from .renderer import RunawayLoop

#: Dash's default ``interval`` for a background callback's polls (ms).
DEFAULT_INTERVAL = 1000.0
#: What :meth:`Renderer.poll` says of a poll after which the job is polled again.
POLLING = "polling"
#: Polls of one job in one simulated instant that mean the clock has stopped (R31, interval=0).
SAME_INSTANT_POLLS = 1000
#: Bytes of the first fetch's answer: ``{"cacheKey": <64 hex>, "job": "<pid>"}``.
SETUP_BYTES = len('{"cacheKey":"","job":""}') + 64 + 6


class BadProgress(dict):
    """A progress entry with fewer values than the callback has progress outputs: the poll that reads it
    fails (``_progress_background_callback`` indexes ``progress[i]``: IndexError, a 500)."""

    message = ""


def progress_values(name: str, outputs: tuple[str, ...], values: list[Any], wire: Callable[[Any], Any]) -> dict:
    """One ``set_progress`` call as the poll that reads it lands it: output -> value, extra values dropped."""
    if len(values) < len(outputs):
        bad = BadProgress()
        bad.message = (f"Callback error in {name}: HTTP 500: IndexError: set_progress gave {len(values)} "
                       f"value(s) for {len(outputs)} progress outputs")
        return bad
    return {k: wire(v) for k, v in zip(outputs, values)}


def refusal(graph: Any, config: Any) -> str | None:
    """Why a run of ``graph`` under ``config`` cannot model its background callbacks, or None."""
    if config.transport.executor is not None and any(cb.background is not None for cb in graph.callbacks):
        return ("background callbacks (R31) poll over HTTP even when the WebSocket transport carries the other "
                "callbacks; mixing the two transports is not modelled (use --transport http1 or http2)")
    return None


@dataclass(frozen=True)
class Background:
    """How a callback runs as a background job: ``background=True`` and its options, as prop keys."""

    interval: float = DEFAULT_INTERVAL
    progress: tuple[str, ...] = ()                  # Outputs set_progress writes, in order
    progress_default: tuple[Any, ...] | None = None  # what completeJob sets them back to (None: left as they are)
    cancel: tuple[str, ...] = ()                    # Inputs whose change kills the job


@dataclass
class JobRun:
    """What one run of a background body did: its outcome and its timed calls.

    ``calls`` holds ``(ms since the job started, kind, values)``: kind
    ``"set_props"`` with the delivered entry as prop key -> value (as received),
    or ``"progress"`` with the progress props -> value.
    """

    outcome: Response                     # data / prevent / error, without side updates
    calls: list[tuple[float, str, dict[str, Any]]] = field(default_factory=list)
    elapsed: float = 0.0                  # ms the body slept
    key: Any = None                       # Dash's cache key, when Dash made one (a real app's job)
    read_clock: bool = False              # the body read the clock: its run cannot be reused


@dataclass(frozen=True)
class Poll:
    """What one poll brings back: the latest set_props entry and progress, and the result once there is one."""

    side: dict[str, Any]
    progress: dict[str, Any]
    final: Response | None                # None: the job still runs; poll again after the interval


class Job:
    """One job on the server: started at ``start``, its result there at ``end`` unless killed first."""

    def __init__(self, job_id: int, key: tuple, start: float, duration: float, run: JobRun, name: str = ""):
        self.id, self.key, self.start, self.end, self.run = job_id, key, start, start + duration, run
        self.name = name
        self.killed: float | None = None
        self._popped = {"set_props": float("-inf"), "progress": float("-inf")}
        self._last_poll, self._same_instant = float("nan"), 0
        #: The renderer has taken its chain's last answer: no poll of it will come again (the engines set it).
        self.chain_over = False

    def running(self, now: float) -> bool:
        return now < self.end and self.killed is None

    def leaves_nothing(self) -> bool:
        """Nothing of it is, or will be, in the cache: its chain is over, and it had stopped (ended, its
        result popped, or been killed) by its last poll."""
        stopped = self.end if self.killed is None else min(self.end, self.killed)
        return self.chain_over and stopped <= self._last_poll

    def answer(self, now: float) -> tuple[Poll, int]:
        """A poll reaching the server at ``now``: what it finds, and the bytes of its answer."""
        found = self.poll(now)
        if found.final is not None:
            return found, found.final.nbytes + _size(found.progress)
        return found, len('{"multi":true}') + _size(found.side) + _size(found.progress)

    def poll(self, now: float) -> Poll:
        """What a poll reaching the server at ``now`` finds, popping it (``get_progress``, ``get_updated_props``)."""
        self._same_instant = self._same_instant + 1 if now == self._last_poll else 0
        self._last_poll = now
        if self._same_instant >= SAME_INSTANT_POLLS:
            # interval=0 over a network and renderer that take no time: the chain never lets the clock move
            raise RunawayLoop(f"background callback {self.name} polled its job {SAME_INSTANT_POLLS} times in one "
                              "instant (interval=0 with no network or renderer time): the simulated clock stops; "
                              "give the polls an interval or the network a delay")
        until = now if self.killed is None else min(now, self.killed)
        found: dict[str, dict[str, Any]] = {"set_props": {}, "progress": {}}
        for kind in found:
            latest = None
            for offset, what, values in self.run.calls:
                t = self.start + offset
                if what == kind and self._popped[kind] < t <= until:
                    latest = values          # each call replaces the cache entry
            if latest is not None:
                found[kind] = latest
                self._popped[kind] = until
        if isinstance(found["progress"], BadProgress):   # this poll fails: a 500, the chain ends with it
            message = found["progress"].message
            return Poll({}, {}, Response("error", message=message, nbytes=len(message)))
        done = self.end <= now and (self.killed is None or self.end <= self.killed)
        if not done and self.killed is None:
            return Poll(found["set_props"], found["progress"], None)
        # The result, or for a killed job no_update.  A 500 (BackgroundCallbackError) or a 204 (nothing to
        # update, set_props included) has no body: the progress read before it is lost with it.
        final = _with(self.run.outcome if done else Response("prevent"), found["set_props"])
        if final.kind != "data":
            return Poll({}, {}, final)
        return Poll(found["set_props"], found["progress"], final)


def serial_polls(run: JobRun) -> list[Poll]:
    """The job as a serial reference sees it (``check``'s oracle): polled after each call, so every
    ``set_props`` and progress value is delivered, in order, and then its answer."""
    polls = []
    for _, kind, values in run.calls:
        if isinstance(values, BadProgress):   # as in a browser: the poll that reads it fails (a 500)
            return polls + [Poll({}, {}, Response("error", message=values.message, nbytes=len(values.message)))]
        polls.append(Poll(values, {}, None) if kind == "set_props" else Poll({}, values, None))
    return polls + [Poll({}, {}, run.outcome)]


def _with(outcome: Response, side: dict[str, Any]) -> Response:
    """The final answer: the job's result, with the set_props entry the poll found (R21).

    An error keeps none: Dash raises before it reads the entry.  The entry
    replaces any sideUpdate the answer had (an ``on_error`` handler's set_props).
    """
    if not side or outcome.kind == "error":
        return outcome
    if outcome.kind == "prevent":   # PreventUpdate / no_update with set_props: a 200 of side updates alone
        return Response("data", nbytes=outcome.nbytes, side=side)
    return Response(outcome.kind, outputs=outcome.outputs, message=outcome.message, nbytes=outcome.nbytes,
                    elapsed=outcome.elapsed, side=side)


class Jobs:
    """The background-callback manager of one run: jobs by id, started and killed as requests reach the server."""

    def __init__(self) -> None:
        self.by_id: dict[int, Job] = {}

    def kill(self, job_ids: tuple[int, ...], now: float) -> None:
        """``terminate_job``: each job still running stops now."""
        for job_id in job_ids:
            job = self.by_id.get(job_id)
            if job is not None and job.running(now):
                job.killed = now

    def start(self, job_id: int, key: tuple, now: float, duration: float, run: JobRun, name: str) -> Job:
        for other in self.by_id.values():
            if other.key == key and not other.leaves_nothing():
                # Dash keys the cache by the function and its arguments: two jobs on equal arguments share
                # one result, one progress and one set_props entry, which outlive the job until a poll pops
                # them, and each job's polls (an outdated chain's too) may pop the other's.
                raise NotModelled(
                    f"background callback {name}: a job on the same arguments as an earlier one started while "
                    "the earlier one's cache entries may still be there (it runs, or its chain still polls, or "
                    "it wrote after its last poll); they share Dash's cache entry, which is not modelled")
        job = self.by_id[job_id] = Job(job_id, key, now, duration, run, name)
        return job

    def setup(self, req: Any, now: float, draw: Callable[[], float]) -> Job:
        """The first fetch of a background request reaches the server (``_setup_background_callback``).

        The jobs it names as ``oldJob`` are killed; the body runs on its
        arguments; the job lasts what the body slept plus one ``draw()`` of
        its server-delay law.
        """
        self.kill(req.old_jobs, now)
        run = req.callback.run_job(req.args, tuple(req.changed), now)
        duration = draw() + run.elapsed
        key = run.key if run.key is not None else (req.callback.chain_id,
                                                     json.dumps(req.args, sort_keys=True, default=repr))
        return self.start(req.id, key, now, duration, run, req.name)


def _size(values: dict[str, Any]) -> int:
    return len(json.dumps(values, default=repr)) if values else 0
