"""``ctx`` / ``callback_context`` and ``no_update``, as a callback sees them."""

from __future__ import annotations

import contextvars
import json
from typing import Any, Callable

from .errors import ScenarioError


class _NoUpdate:
    """Return it for an output to leave that output alone (applies nothing, R2)."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "no_update"

    def __reduce__(self):
        return "no_update"


no_update = _NoUpdate()

_current: contextvars.ContextVar[tuple[str, ...] | None] = contextvars.ContextVar("callback_race_ctx", default=None)
_clock: contextvars.ContextVar[float] = contextvars.ContextVar("callback_race_clock", default=0.0)
_side: contextvars.ContextVar[dict[str, dict[str, Any]] | None] = contextvars.ContextVar(
    "callback_race_side", default=None)
_lists: contextvars.ContextVar[Callable[[], dict[str, list]] | None] = contextvars.ContextVar(
    "callback_race_lists", default=None)
#: ms the running body has slept (:func:`sleep`), in a one-item list the body's calls share.
_slept: contextvars.ContextVar[list[float] | None] = contextvars.ContextVar("callback_race_slept", default=None)


class AttributeDict(dict):
    """A dict id as Dash hands it to a callback: ``ctx.triggered_id.index`` works as ``["index"]`` does."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def _component_id(key: str) -> Any:
    """The component id of a prop key: a string, or for ``{"index":2,...}.value`` the dict (R25)."""
    cid = key.rpartition(".")[0]
    return AttributeDict(json.loads(cid)) if cid.startswith("{") else cid


def set_props(component_id: str, props: dict[str, Any]) -> None:
    """``dash.set_props``: set props of a component that is not among the callback's outputs (R21).

    As in Dash, the props are collected while the body runs and go back with
    the response as its ``sideUpdate``; a second call for one component
    merges into the first.  A dict id names one component (R25); an id
    with a wildcard in it is refused, as Dash refuses it.
    """
    side = _side.get()
    if side is None:
        raise RuntimeError("set_props is only available inside a running callback")
    if isinstance(component_id, dict):
        from .wildcards import Wildcard, id_key
        if any(isinstance(v, Wildcard) for v in component_id.values()):
            raise SetPropsNotModelled(f"set_props({component_id!r}, ...): a wildcard names no one component")
        component_id = id_key(component_id)
    elif not isinstance(component_id, str):
        raise SetPropsNotModelled(f"set_props({component_id!r}, ...): a component id is a string or a dict")
    if not isinstance(props, dict) or not all(isinstance(k, str) for k in props):
        raise SetPropsNotModelled(f"set_props({component_id!r}, {props!r:.60}): props must be a dict of prop names")
    side[component_id] = {**side.get(component_id, {}), **props}


class SetPropsNotModelled(ScenarioError):
    """A ``set_props`` call the model cannot represent: the run stops, naming it."""


#: How many times callback bodies in this process have read the simulated clock
#: (:func:`server_time`, :func:`current_call`): :mod:`simulator.memo` shares a
#: response between runs only when its body did not read it.
clock_reads = 0


def current_call() -> tuple[tuple[str, ...], dict[str, Any], float]:
    """What the running body was called with: its triggers, ctx's lists, and the simulated time in seconds."""
    global clock_reads
    changed = _current.get()
    if changed is None:
        raise RuntimeError("only inside a running callback")
    clock_reads += 1
    return changed, _lists.get()(), _clock.get()


def server_time() -> float:
    """``time.time()`` for a simulated callback: the simulated clock, in seconds.

    A callback that stamps its output with the wall clock (the article's
    chained solution does) must use this instead to stay deterministic.
    """
    global clock_reads
    clock_reads += 1
    slept = _slept.get()
    return _clock.get() + (slept[0] / 1000.0 if slept else 0.0)


def sleep(seconds: float) -> None:
    """``time.sleep`` for a simulated callback: no real wait, ``seconds`` more of simulated server time.

    The engine spends what a body slept on the server before its response
    leaves (after the server-delay law's draw); :func:`server_time` moves on
    by it; in a background job (R31) each ``set_props`` and progress call is
    stamped with the time slept so far.
    """
    slept = _slept.get()
    if slept is None:
        raise RuntimeError("sleep is only available inside a running callback")
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"sleep({seconds!r}): a number of seconds")
    if not 0 <= seconds < float("inf"):
        raise ValueError(f"sleep({seconds!r}): a finite number of seconds >= 0")
    slept[0] += seconds * 1000.0


def slept_ms() -> float:
    """What the running body has slept so far (ms)."""
    slept = _slept.get()
    return slept[0] if slept else 0.0


class _CallbackContext:
    """What the running callback was triggered by (``changedPropIds``)."""

    @staticmethod
    def _triggered() -> tuple[str, ...]:
        changed = _current.get()
        if changed is None:
            raise RuntimeError("ctx is only available inside a running callback")
        return changed

    @property
    def triggered_prop_ids(self) -> dict[str, str]:
        """``{"first_name.value": "first_name", ...}``; empty on the initial call."""
        return {key: _component_id(key) for key in self._triggered()}

    @property
    def triggered_id(self) -> str | dict | None:
        """The first trigger's component id: a string, a dict for a pattern-matching id (R25), or None."""
        changed = self._triggered()
        return _component_id(changed[0]) if changed else None

    def _list(self, name: str) -> list:
        self._triggered()
        return _lists.get()()[name]

    @property
    def inputs_list(self) -> list:
        """Each Input as ``{"id", "property", "value"}``, a list of them for an ALL/ALLSMALLER one (R25)."""
        return self._list("inputs_list")

    @property
    def states_list(self) -> list:
        return self._list("states_list")

    @property
    def outputs_list(self) -> list | dict:
        """Each Output as ``{"id", "property"}`` (a list for ALL); one Output alone is not in a list, as in Dash."""
        return self._list("outputs_list")

    @property
    def triggered(self) -> list[dict[str, Any]]:
        changed = self._triggered()
        return [{"prop_id": key, "value": None} for key in changed] or [{"prop_id": ".", "value": None}]


ctx = callback_context = _CallbackContext()


def running(changed: tuple[str, ...], now_ms: float = 0.0, side: dict | None = None,
            lists: Callable[[], dict[str, list]] | None = None, slept: list[float] | None = None):
    """Set what ``ctx`` and :func:`server_time` report while one callback body runs.

    ``side`` collects the body's :func:`set_props` calls, ``{component_id: {prop: value}}``;
    ``lists`` gives ``ctx.inputs_list`` and the others when the body asks;
    ``slept`` (a one-item list) adds up what the body sleeps (:func:`sleep`).
    """
    return _Running(changed, now_ms, {} if side is None else side, lists, [0.0] if slept is None else slept)


class _Running:
    def __init__(self, changed: tuple[str, ...], now_ms: float, side: dict, lists, slept: list[float]):
        self._changed = changed
        self._now = now_ms / 1000.0
        self._side = side
        self._lists = lists
        self._slept = slept

    def __enter__(self):
        self._tokens = (_current.set(self._changed), _clock.set(self._now), _side.set(self._side),
                        _lists.set(self._lists), _slept.set(self._slept))

    def __exit__(self, *exc):
        _current.reset(self._tokens[0])
        _clock.reset(self._tokens[1])
        _side.reset(self._tokens[2])
        _lists.reset(self._tokens[3])
        _slept.reset(self._tokens[4])
        return False
