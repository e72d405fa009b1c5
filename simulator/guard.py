"""Running a callback's body: what may escape from it, and what may not.

A Dash server turns whatever a callback raises into an error response (R18),
so the simulator must too — including what Python does not call an
``Exception``: ``sys.exit()`` (``SystemExit``), a ``KeyboardInterrupt`` or
``GeneratorExit`` raised by the body itself.  Three things do escape:

* a **real Ctrl-C** from the user.  The SIGINT handler Python installs is
  replaced (once, and only while it is still Python's default) by one that
  does the same thing and also notes that the interrupt is real, so a
  ``KeyboardInterrupt`` the body raised itself can be told from the user's.
  Where the handler is someone else's we cannot tell, and a
  ``KeyboardInterrupt`` stops the program, as it would without us;
* :class:`Stop`: the command line asks to stop (SIGTERM);
* :class:`CallbackTimeout`, a body that runs longer than
  :data:`TIMEOUT_S` seconds of wall-clock time.  It is not a modelled
  response (that would make a result depend on the machine's speed): the
  run stops with an error naming the callback.  The bound needs SIGALRM,
  so it holds in the main thread of a POSIX process whose SIGALRM nobody
  else uses (the CLI, pytest, Monte-Carlo workers); elsewhere a body that
  never returns hangs, as it would in Dash's server.
"""

from __future__ import annotations

import signal
import threading
from typing import Any, Callable

from .errors import ScenarioError

#: Wall-clock seconds a callback body may run before the run is stopped.
TIMEOUT_S = 30.0


class Stop(BaseException):
    """The user asked the program to stop (SIGTERM in the CLI): never a callback's error."""


class CallbackTimeout(ScenarioError):
    """A callback's body ran longer than :data:`TIMEOUT_S` seconds: the run stops."""


class _Alarm(BaseException):
    """Raised inside the body by SIGALRM; becomes :class:`CallbackTimeout`."""


_real_interrupts = 0
_watching = False


def _interrupt(signum, frame):
    global _real_interrupts
    _real_interrupts += 1
    raise KeyboardInterrupt


def _watch_interrupts() -> None:
    global _watching
    if _watching or threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _interrupt)
    _watching = True


def _user_interrupted(before: int) -> bool:
    """Was the KeyboardInterrupt just caught the user's Ctrl-C (and not raised by the body)?"""
    handler = signal.getsignal(signal.SIGINT)
    if handler is _interrupt:
        return _real_interrupts != before
    return handler is not signal.SIG_IGN  # not ours: cannot tell, so stop (a worker ignores SIGINT)


def _on_alarm(signum, frame):
    raise _Alarm


_alarm_ours: bool | None = None   # decided once per process, in its main thread


def _arm() -> bool:
    """Start the wall-clock bound if this process's SIGALRM is ours to use (one cheap call each time)."""
    global _alarm_ours
    if threading.current_thread() is not threading.main_thread():
        return False
    if _alarm_ours is None:
        _alarm_ours = hasattr(signal, "setitimer") and signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
        if _alarm_ours:
            signal.signal(signal.SIGALRM, _on_alarm)
    if _alarm_ours:
        signal.setitimer(signal.ITIMER_REAL, TIMEOUT_S)
    return bool(_alarm_ours)


def describe(exc: BaseException) -> str:
    """``Type: message`` even when the exception's ``__str__`` itself raises."""
    try:
        text = str(exc)
    except BaseException:  # noqa: BLE001 - a broken __str__ must not escape either
        text = f"<unprintable {type(exc).__name__} object>"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def run(name: str, body: Callable[[], Any]) -> tuple[Any, BaseException | None]:
    """Run a callback body: ``(its result, None)`` or ``(None, what it raised)``.

    Real interrupts, :class:`Stop` and the time limit are raised instead
    (see the module docstring).  This runs once per simulated request, so it
    costs two ``setitimer`` calls and nothing else.
    """
    if not _watching:
        _watch_interrupts()
    before = _real_interrupts
    armed = _arm()
    try:
        return body(), None
    except _Alarm:
        raise CallbackTimeout(f"callback {name} did not return within {TIMEOUT_S:g} s of wall-clock time; "
                              "a callback that never returns is not modelled") from None
    except Stop:
        raise
    except KeyboardInterrupt as exc:
        if _user_interrupted(before):
            raise
        return None, exc
    except BaseException as exc:  # noqa: BLE001 - R18: anything the body raises is an error response
        return None, exc
    finally:
        if armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
