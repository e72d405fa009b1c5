"""``ctx`` / ``callback_context`` and ``no_update``, as a callback sees them."""

from __future__ import annotations

import contextvars
from typing import Any

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


def set_props(component_id: str, props: dict[str, Any]) -> None:
    """``dash.set_props``: set props of a component that is not among the callback's outputs (R21).

    As in Dash, the props are collected while the body runs and go back with
    the response as its ``sideUpdate``; a second call for one component
    merges into the first.  Only string ids are modelled: a pattern-matching
    (dict) id is refused, never ignored.
    """
    side = _side.get()
    if side is None:
        raise RuntimeError("set_props is only available inside a running callback")
    if not isinstance(component_id, str):
        raise SetPropsNotModelled(
            f"set_props({component_id!r}, ...): only string component ids are modelled "
            "(pattern-matching ids are not)")
    if not isinstance(props, dict) or not all(isinstance(k, str) for k in props):
        raise SetPropsNotModelled(f"set_props({component_id!r}, {props!r:.60}): props must be a dict of prop names")
    side[component_id] = {**side.get(component_id, {}), **props}


class SetPropsNotModelled(ScenarioError):
    """A ``set_props`` call the model cannot represent: the run stops, naming it."""


def server_time() -> float:
    """``time.time()`` for a simulated callback: the simulated clock, in seconds.

    A callback that stamps its output with the wall clock (the article's
    chained solution does) must use this instead to stay deterministic.
    """
    return _clock.get()


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
        return {key: key.rpartition(".")[0] for key in self._triggered()}

    @property
    def triggered_id(self) -> str | None:
        changed = self._triggered()
        return changed[0].rpartition(".")[0] if changed else None

    @property
    def triggered(self) -> list[dict[str, Any]]:
        changed = self._triggered()
        return [{"prop_id": key, "value": None} for key in changed] or [{"prop_id": ".", "value": None}]


ctx = callback_context = _CallbackContext()


def running(changed: tuple[str, ...], now_ms: float = 0.0, side: dict | None = None):
    """Set what ``ctx`` and :func:`server_time` report while one callback body runs.

    ``side`` collects the body's :func:`set_props` calls, ``{component_id: {prop: value}}``.
    """
    return _Running(changed, now_ms, {} if side is None else side)


class _Running:
    def __init__(self, changed: tuple[str, ...], now_ms: float, side: dict):
        self._changed = changed
        self._now = now_ms / 1000.0
        self._side = side

    def __enter__(self):
        self._tokens = (_current.set(self._changed), _clock.set(self._now), _side.set(self._side))

    def __exit__(self, *exc):
        _current.reset(self._tokens[0])
        _clock.reset(self._tokens[1])
        _side.reset(self._tokens[2])
        return False
