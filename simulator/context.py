"""``ctx`` / ``callback_context`` and ``no_update``, as a callback sees them."""

from __future__ import annotations

import contextvars
from typing import Any


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


def running(changed: tuple[str, ...]):
    """Set what ``ctx`` reports while one callback body runs."""
    return _Running(changed)


class _Running:
    def __init__(self, changed: tuple[str, ...]):
        self._changed = changed

    def __enter__(self):
        self._token = _current.set(self._changed)

    def __exit__(self, *exc):
        _current.reset(self._token)
        return False
