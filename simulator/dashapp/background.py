"""A real app's background callbacks (R31), run by Dash's own server code on a simulated job manager.

Dash hands a background callback's work to a *manager* (``DiskcacheManager``
spawns a process, ``CeleryManager`` sends a task).  ``check`` swaps the app's
manager for :class:`SimulatedManager`, which runs the job at once, in this
process, on the simulated clock, and records it; everything else is Dash's:

* the first request goes through Dash's dispatch as the renderer sends it:
  Dash works out the job's arguments (and ``set_progress`` first when the
  callback has ``progress``), its context and its cache key, and calls the
  manager's ``call_job_fn``; the job function runs the user's function with
  Dash's ``ProxySetProps`` as ``ctx.updated_props``, as ``_make_job_fn``
  does, each ``set_props`` and ``set_progress`` call stamped with the time the
  function has slept so far (``time.sleep`` is simulated, :mod:`.clock`);
* the result is then asked for with a poll through Dash's dispatch, so Dash
  itself turns it into the answer (its outputs, no_update, PreventUpdate, an
  error: ``BackgroundCallbackError`` or the ``on_error`` handler's answer).

When each poll finds what is :mod:`simulator.jobs`' part, shared with the
Dash-like API: a :class:`~simulator.jobs.JobRun` is what this module gives it.
"""

from __future__ import annotations

import contextvars
import json
import traceback
from typing import Any

from .. import guard
from ..jobs import JobRun, progress_values
from ..wildcards import id_key
from .clock import Clock
from .errors import Unsupported

try:   # the manager's base class and Dash's own set_props proxy: what a real job runs with
    from dash.background_callback._proxy_set_props import ProxySetProps
    from dash.background_callback.managers import BaseBackgroundCallbackManager
except ImportError:   # dash not installed: check cannot load a real app anyway
    BaseBackgroundCallbackManager = object
    ProxySetProps = None


def _key(cid: str) -> str:
    return id_key(json.loads(cid)) if isinstance(cid, str) and cid.startswith("{") else str(cid)


def _wire(value: Any) -> Any:
    """A value as the browser receives it (Dash's JSON encoder, then JSON.parse)."""
    from dash._utils import to_json
    return json.loads(to_json(value))


class _Job:
    """What one job did: its timed calls, its result as Dash's cache holds it, what it slept."""

    def __init__(self, key: str):
        self.key = key
        self.calls: list[tuple[float, str, dict[str, Any]]] = []
        self.result: Any = BaseBackgroundCallbackManager.UNDEFINED if ProxySetProps else None
        self.slept = 0.0
        self.read_clock = False


class SimulatedManager(BaseBackgroundCallbackManager):
    """A background-callback manager whose jobs run at once on the simulated clock and are recorded.

    Dash's server asks it what a poll finds only when ``check`` asks for a
    job's result, right after the job has run: then nothing is left but the
    result.  What polls find along the way is :class:`simulator.jobs.Job`'s,
    from the recorded calls.
    """

    def __init__(self, progress_outputs: dict[str, tuple[str, ...]]):
        super().__init__(None)
        BaseBackgroundCallbackManager.managers.remove(self)   # registered for this check only
        self.progress_outputs = progress_outputs                # by function registry key
        self.jobs: dict[int, _Job] = {}
        self.by_key: dict[str, _Job] = {}
        self.now = 0.0
        self.last: _Job | None = None

    # --- starting a job (call_job_fn), as DiskcacheManager's job_fn runs it -----------------------
    def make_job_fn(self, fn, progress, key=None):
        manager = self

        def job_fn(result_key, progress_key, user_callback_args, context):
            from dash._callback_context import context_value
            from dash._utils import AttributeDict
            from dash.exceptions import PreventUpdate
            job = manager.by_key[result_key] = _Job(result_key)
            manager.last = job
            clock = Clock(manager.now)

            def set_progress(value):   # _make_job_fn's: a list, stored whole; the poll reads it
                values = list(value) if isinstance(value, (list, tuple)) else [value]
                keys = manager.progress_outputs.get(key, ())
                job.calls.append((clock.slept_ms, "progress", progress_values(getattr(fn, "__name__", "job"), keys,
                                                                              values, _wire)))

            def set_props(cid, props):   # the job's one cache entry, replaced by each call
                job.calls.append((clock.slept_ms, "set_props",
                                  {f"{_key(cid)}.{prop}": _wire(v) for prop, v in props.items()}))

            def run():
                c = AttributeDict(**context)
                c.ignore_register_page = False
                c.updated_props = ProxySetProps(set_props)
                context_value.set(c)
                first = [set_progress] if progress else []
                def call():
                    if isinstance(user_callback_args, dict):
                        return fn(*first, **user_callback_args)
                    if isinstance(user_callback_args, (list, tuple)):
                        return fn(*first, *user_callback_args)
                    return fn(*first, user_callback_args)
                with clock.patch([getattr(fn, "__globals__", {})]):   # the wall-clock limit, as for any body
                    result, raised = guard.run(getattr(fn, "__name__", "job"), call)
                if raised is None:
                    job.result = result
                elif isinstance(raised, PreventUpdate):
                    job.result = {"_dash_no_update": "_dash_no_update"}
                else:   # what Dash's job_fn stores, for the poll to raise as BackgroundCallbackError
                    tb = "".join(traceback.format_exception(type(raised), raised, raised.__traceback__))
                    job.result = {"background_callback_error": {"msg": str(raised), "tb": tb}}
                job.slept, job.read_clock = clock.slept_ms, clock.read
            contextvars.copy_context().run(run)
        return job_fn

    def call_job_fn(self, key, job_fn, args, context):
        job_fn(key, self._make_progress_key(key), args, context)
        job_id = len(self.jobs) + 1
        self.jobs[job_id] = self.by_key[key]
        return job_id

    # --- what a poll finds: asked only for the result, once the job is over --------------------
    def job_running(self, job):
        return False

    def terminate_job(self, job):
        pass   # the engine kills jobs at simulated times (simulator.jobs.Jobs.kill)

    def terminate_unhealthy_job(self, job):
        return False

    def get_progress(self, key):
        return None

    def result_ready(self, key):
        return key in self.by_key

    def get_result(self, key, job):
        found = self.by_key.get(key)
        return found.result if found is not None else self.UNDEFINED

    def get_updated_props(self, key):
        return {}


def install(dash_app: Any, callback_map: dict[str, dict[str, Any]], where: dict[str, str]) -> SimulatedManager | None:
    """Put a :class:`SimulatedManager` in place of the app's managers; None when no callback runs in the background.

    ``where``: each background callback's output id -> how to name it in a refusal.
    """
    progress: dict[str, tuple[str, ...]] = {}
    background = {out: entry for out, entry in callback_map.items() if entry.get("background")}
    if not background:
        return None
    for out, entry in background.items():
        spec = entry["background"]
        manager = spec.get("manager") or entry.get("manager") or getattr(dash_app, "_background_manager", None)
        if manager is None:
            raise Unsupported(f"callback {where[out]}: background=True with no background callback manager: Dash "
                              "answers every call of it with an error (MissingLongCallbackManagerError)")
        if getattr(manager, "cache_by", None) is not None:
            raise Unsupported(f"callback {where[out]}: its manager caches results across jobs (cache_by), which "
                              "is not modelled")
    sim = SimulatedManager(progress)
    for out, entry in background.items():
        spec = entry["background"]
        func = getattr(entry.get("callback"), "__wrapped__", None)
        if func is not None:   # the key Dash registered the job function by (register_func)
            key = BaseBackgroundCallbackManager.hash_function(func, out)
            progress[key] = tuple(dep_key(o) for o in spec.get("progress") or ())
            # this app's function: Dash's registry is global, and another app of the same source shares a key
            sim.func_registry[key] = sim.make_job_fn(func, bool(spec.get("progress")), key)
        if "manager" in spec:
            spec["manager"] = sim
        if entry.get("manager") is not None:
            entry["manager"] = sim
    dash_app._background_manager = sim
    return sim


def dep_key(dep: Any) -> str:
    """An Output or a ``{"id", "property"}`` dict as the model's prop key."""
    if isinstance(dep, dict):
        cid, prop = dep["id"], dep["property"]
    else:
        cid, prop = dep.component_id, dep.component_property
    return f"{id_key(cid) if isinstance(cid, dict) else cid}.{prop}"


def spec_of(entry: dict[str, Any]):
    """The model's :class:`~simulator.jobs.Background` for a callback_map entry (R31)."""
    from ..jobs import DEFAULT_INTERVAL, Background
    spec = entry["background"]
    progress = tuple(dep_key(o) for o in spec.get("progress") or ())
    default = spec.get("progressDefault")
    return Background(float(spec.get("interval", DEFAULT_INTERVAL)), progress,
                      tuple(default) if default else None,
                      tuple(dep_key(c) for c in spec.get("cancel") or ()))


def run_job(server: Any, manager: SimulatedManager, body: dict[str, Any], now: float, name: str,
            answer_of) -> JobRun:
    """The first fetch through Dash (the job runs), then its result asked for through Dash."""
    manager.now = now
    manager.last = None
    setup = server.answer_raw(body, now)
    job = manager.last
    if setup.status != 200 or job is None:
        raise Unsupported(f"callback {name}: its background job did not start (HTTP {setup.status}: "
                          f"{setup.text[:200]})")
    handles = {"cacheKey": setup.body["cacheKey"], "job": setup.body["job"]}
    # The answer as Dash makes it once the job is over; its sideUpdate, if any, is an on_error handler's
    # set_props, which the job's own entry replaces when a poll finds one (simulator.jobs._with).
    outcome: Response = answer_of(server.answer_raw(body, now, query=handles))
    return JobRun(outcome, list(job.calls), job.slept, key=job.key, read_clock=job.read_clock)
