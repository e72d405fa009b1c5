"""The simulated clock a real callback reads while it runs.

Around one callback call (and only then) ``time.time()``, ``time.sleep()``,
``time.monotonic()``, ``time.perf_counter()``, ``datetime.datetime.now()`` /
``utcnow()`` / ``today()`` and ``datetime.date.today()`` read the simulated
server clock: the request's simulated time plus what the callback has slept
so far.  ``time.sleep(s)`` does not wait: it adds ``s`` to the request's
simulated server time (:attr:`Clock.slept_ms`), which the engine spends on
the server before the response leaves.  The callback's module globals are
patched too, for ``from time import sleep`` and ``from datetime import
datetime``.
"""

from __future__ import annotations

import datetime as _dt
import time as _time
from typing import Any

from ..renderer import EPOCH_MS

_REAL = {name: getattr(_time, name) for name in ("time", "sleep", "monotonic", "perf_counter", "time_ns")}
_REAL_DATETIME = _dt.datetime
_REAL_DATE = _dt.date


class Clock:
    """One request's clock: started at ``now_ms`` (simulated), advanced by sleeps."""

    def __init__(self, now_ms: float):
        self.start = now_ms
        self.slept_ms = 0.0
        self.read = False           # the callback looked at the clock: its output may depend on it

    def seconds(self) -> float:
        self.read = True
        return (EPOCH_MS + self.start + self.slept_ms) / 1000.0

    def sleep(self, seconds: float) -> None:
        self.slept_ms += max(0.0, float(seconds)) * 1000.0

    # --- patching -------------------------------------------------------
    def _fakes(self) -> dict[str, Any]:
        clock = self

        class FakeDatetime(_REAL_DATETIME):
            @classmethod
            def now(cls, tz=None):
                return _REAL_DATETIME.fromtimestamp(clock.seconds(), tz)

            @classmethod
            def utcnow(cls):
                return _REAL_DATETIME.utcfromtimestamp(clock.seconds())

            @classmethod
            def today(cls):
                return cls.now()

        class FakeDate(_REAL_DATE):
            @classmethod
            def today(cls):
                return _REAL_DATE.fromtimestamp(clock.seconds())

        return {
            "time": self.seconds, "sleep": self.sleep, "monotonic": self.seconds,
            "perf_counter": self.seconds, "time_ns": lambda: int(self.seconds() * 1e9),
            "datetime": FakeDatetime, "date": FakeDate,
        }

    def patch(self, namespaces: list[dict[str, Any]]):
        return _Patched(self._fakes(), namespaces)


class _Patched:
    """Swap the clock functions in, around one call, and put the real ones back."""

    def __init__(self, fakes: dict[str, Any], namespaces: list[dict[str, Any]]):
        self.fakes = fakes
        self.namespaces = namespaces
        self.undo: list[tuple[Any, str, Any]] = []

    def __enter__(self):
        for name in _REAL:
            self._swap(_time, name, self.fakes[name], is_module=True)
        self._swap(_dt, "datetime", self.fakes["datetime"], is_module=True)
        self._swap(_dt, "date", self.fakes["date"], is_module=True)
        reals = {id(v): k for k, v in _REAL.items()}
        reals[id(_REAL_DATETIME)] = "datetime"
        reals[id(_REAL_DATE)] = "date"
        for ns in self.namespaces:           # from time import sleep / from datetime import datetime
            for key, value in list(ns.items()):
                which = reals.get(id(value))
                if which is not None:
                    self.undo.append((ns, key, value))
                    ns[key] = self.fakes[which]
        return self

    def _swap(self, module, name, fake, is_module):
        self.undo.append((module, name, getattr(module, name)))
        setattr(module, name, fake)

    def __exit__(self, *exc):
        for owner, key, value in reversed(self.undo):
            if isinstance(owner, dict):
                owner[key] = value
            else:
                setattr(owner, key, value)
        self.undo.clear()
        return False
