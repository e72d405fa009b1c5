"""Background callbacks (R31): the job a server runs beside it, and what each poll of it finds.

A ``background=True`` callback does not answer with its outputs.  Its first
request starts a *job* (Dash's ``DiskcacheManager`` spawns a process; Celery
sends a task) and answers at once with the job's id; the renderer then polls
every ``interval`` ms, and each poll answers with what the job left in the
cache since the last one: its latest ``set_progress`` value, its latest
``set_props`` call, and, once it has finished, its result
(``dash/_callback.py``, ``_setup_background_callback`` and
``_update_background_callback``; ``background_callback/managers/``).

Three things there lose updates, and the model keeps them:

* the cache holds **one** ``set_props`` entry per key, replaced by each call:
  a job that calls ``set_props("a", ...)`` and then ``set_props("b", ...)``
  between two polls delivers only the second (``_make_job_fn``'s
  ``_set_props`` sets the key anew; calls for one component accumulate);
* a poll pops what it found, so each value is delivered once; progress
  likewise keeps only the latest value;
* the key is the function and its arguments, so jobs on equal arguments
  share the entries (:class:`_Entries`): a poll may take another job's
  result, and the other job then finds none.

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
    if config.transport.executor is not None and graph.background:
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
    #: Jobs on the same cache key: the job whose result this poll took, or the one that had taken (its
    #: poll) or overwritten (its result) this job's result, so this one found none; by job id (the
    #: request's), None when neither.
    took: int | None = None
    lost_to: int | None = None
    #: set_props entries a later call replaced before any poll read them: props that never land.
    replaced: tuple[dict[str, Any], ...] = ()


class _Entries:
    """Dash's cache entries under one key (the function and its arguments): shared by every job on that key.

    Jobs write them as their calls come (a ``set_props`` entry, a progress
    entry, the result); a poll pops what is there.  Two jobs on equal
    arguments (two MATCH instances on equal values, a dropdown switched back)
    share them, and each one's polls may pop what the other wrote.
    """

    def __init__(self) -> None:
        self.writes: list[tuple[float, int, str, Any, "Job"]] = []   # (time, order, kind, value, job)
        self.now: dict[str, Any] = {}
        self.replaced: list[dict[str, Any]] = []   # set_props props lost to a later entry, not yet reported

    def add(self, job: "Job") -> None:
        for offset, kind, values in job.run.calls:
            self.writes.append((job.start + offset, len(self.writes), kind, values, job))
        self.writes.append((job.end, len(self.writes), "result", job, job))
        self.writes.sort(key=lambda w: (w[0], w[1]))

    def at(self, t: float) -> None:
        """Apply the writes made by ``t``: a killed job writes nothing after it was killed."""
        kept = []
        for when, order, kind, value, job in self.writes:
            if when > t:
                kept.append((when, order, kind, value, job))
            elif job.killed is None or when <= job.killed:
                before = self.now.get(kind)
                if kind == "result" and before is not None and before is not value:
                    before.lost_to = value.id   # an unread result overwritten by another job's
                if kind == "set_props" and before:   # the one entry replaced: props of other components are lost
                    lost = {k: v for k, v in before.items() if k not in value}
                    if lost:
                        self.replaced.append(lost)
                self.now[kind] = value
        self.writes = kept

    def pop(self, kind: str) -> Any:
        return self.now.pop(kind, None)


class Job:
    """One job on the server: started at ``start``, its result there at ``end`` unless killed first."""

    def __init__(self, job_id: int, key: tuple, start: float, duration: float, run: JobRun, name: str = "",
                 outputs: tuple[str, ...] = (), entries: _Entries | None = None):
        self.id, self.key, self.start, self.end, self.run = job_id, key, start, start + duration, run
        self.name, self.outputs = name, outputs
        self.killed: float | None = None
        self.lost_to: int | None = None         # the job that popped (its poll) or overwrote this one's result
        self.entries = entries if entries is not None else _Entries()
        self.entries.add(self)
        self._last_poll, self._same_instant = float("nan"), 0

    def running(self, now: float) -> bool:
        return now < self.end and self.killed is None

    def answer(self, now: float) -> tuple[Poll, int]:
        """A poll reaching the server at ``now``: what it finds, and the bytes of its answer."""
        found = self.poll(now)
        if found.final is not None:
            return found, found.final.nbytes + _size(found.progress)
        return found, len('{"multi":true}') + _size(found.side) + _size(found.progress)

    def poll(self, now: float) -> Poll:
        """A poll of this job reaching the server at ``now``, as ``_update_background_callback`` answers it:
        the progress entry popped, then the result (whichever job on this key wrote it; finding one ends
        this job), then, unless that is an error, the set_props entry."""
        self._same_instant = self._same_instant + 1 if now == self._last_poll else 0
        self._last_poll = now
        if self._same_instant >= SAME_INSTANT_POLLS:
            # interval=0 over a network and renderer that take no time: the chain never lets the clock move
            raise RunawayLoop(f"background callback {self.name} polled its job {SAME_INSTANT_POLLS} times in one "
                              "instant (interval=0 with no network or renderer time): the simulated clock stops; "
                              "give the polls an interval or the network a delay")
        entries = self.entries
        entries.at(now)
        progress = entries.pop("progress")
        progress = {} if progress is None else progress
        if isinstance(progress, BadProgress):   # this poll fails: a 500, the chain ends with it
            return Poll({}, {}, Response("error", message=progress.message, nbytes=len(progress.message)))

        writer = entries.pop("result")
        if writer is not None and self.running(now):
            self.killed = now                   # get_result terminates the job it was asked for
        if writer is not None and writer is not self:
            writer.lost_to = self.id            # its result popped by another job's poll
        side = {} if writer is not None and writer.run.outcome.kind == "error" else entries.pop("set_props") or {}
        if writer is None and self.running(now):
            replaced, entries.replaced = tuple(entries.replaced), []
            return Poll(side, progress, None, replaced=replaced)
        # The result, or for a job gone with none no_update.  A 500 (BackgroundCallbackError) or a 204
        # (nothing to update, set_props included) has no body: the progress read before it is lost with it.
        final = _with(self._result(writer) if writer is not None else Response("prevent"), side)
        took = writer.id if writer is not None and writer is not self else None
        lost_to = self.lost_to if writer is None else None
        replaced, entries.replaced = tuple(entries.replaced), []
        if final.kind != "data":
            return Poll({}, {}, final, took, lost_to, replaced)
        return Poll(side, progress, final, took, lost_to, replaced)

    def _result(self, writer: "Job") -> Response:
        """The result ``writer`` left, as this job's poll answers it: into this request's own Outputs."""
        outcome = writer.run.outcome
        if writer is self or not outcome.outputs or writer.outputs == self.outputs:
            return outcome
        to = dict(zip(writer.outputs, self.outputs))   # the same callback's instances: Output by Output
        return Response(outcome.kind, outputs={to.get(k, k): v for k, v in outcome.outputs.items()},
                        message=outcome.message, nbytes=outcome.nbytes, elapsed=outcome.elapsed)


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
        self.entries: dict[Any, _Entries] = {}

    def kill(self, job_ids: tuple[int, ...], now: float) -> None:
        """``terminate_job``: each job still running stops now."""
        for job_id in job_ids:
            job = self.by_id.get(job_id)
            if job is not None and job.running(now):
                job.killed = now

    def setup(self, req: Any, now: float, draw: Callable[[], float]) -> Job:
        """The first fetch of a background request reaches the server (``_setup_background_callback``).

        The jobs it names as ``oldJob`` are killed; the body runs on its
        arguments; the job lasts what the body slept plus one ``draw()`` of
        its server-delay law, and writes under the cache key of its function
        and arguments.
        """
        self.kill(req.old_jobs, now)
        run = req.callback.run_job(req.args, tuple(req.changed), now)
        duration = draw() + run.elapsed
        key = run.key if run.key is not None else (req.callback.chain_id,
                                                     json.dumps(req.args, sort_keys=True, default=repr))
        entries = self.entries.setdefault(key, _Entries())
        job = self.by_id[req.id] = Job(req.id, key, now, duration, run, req.name, req.node.plain_outputs, entries)
        return job


def _size(values: dict[str, Any]) -> int:
    return len(json.dumps(values, default=repr)) if values else 0


def serial_polls(run: JobRun) -> list[Poll]:
    """The job as a serial reference sees it (``check``'s oracle): polled after each call, so every
    ``set_props`` and progress value is delivered, in order, and then its answer."""
    polls = []
    for _, kind, values in run.calls:
        if isinstance(values, BadProgress):   # as in a browser: the poll that reads it fails (a 500)
            return polls + [Poll({}, {}, Response("error", message=values.message, nbytes=len(values.message)))]
        polls.append(Poll(values, {}, None) if kind == "set_props" else Poll({}, values, None))
    return polls + [Poll({}, {}, run.outcome)]

