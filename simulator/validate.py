"""Checking what a user hands the library, at the door, with one-line errors.

* :func:`limit` — a count option (``max_states``, ``max_schedules``, ...):
  ``None`` or a whole number between 1 and a cap.
* :func:`check_function` — a divergence check may return the wrong keys as a
  tuple, list or set, or a bool (``True``: diverged); the simulator always
  sees a sorted tuple of key names, and always calls it ``(layout, ignored)``.
"""

from __future__ import annotations

from typing import Any, Callable

from .errors import ScenarioError

#: Above this, a count option is a typo (10**18), not a plan: memory runs out first.
MAX_COUNT = 100_000_000


def limit(name: str, value: Any, cap: int = MAX_COUNT) -> int | None:
    """``None`` (no limit) or a whole number in ``[1, cap]``; anything else is a :class:`ScenarioError`."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScenarioError(f"{name} must be a whole number, not {value!r}")
    if not 1 <= value <= cap:
        raise ScenarioError(f"{name} must be between 1 and {cap:,}, not {value:,}")
    return value


def wrong_keys(answer: Any) -> tuple[str, ...]:
    """A check's answer as the tuple of wrong keys (``True``: one anonymous key, ``"diverged"``)."""
    if answer is None or answer is False:
        return ()
    if answer is True:
        return ("diverged",)
    if isinstance(answer, str):
        return (answer,)
    if isinstance(answer, (tuple, list)):
        return tuple(str(k) for k in answer)
    if isinstance(answer, (set, frozenset, dict)):
        return tuple(sorted(str(k) for k in answer))  # sorted: sets have no order across processes
    raise ScenarioError(f"the check returned {answer!r:.60}; return the wrong keys (a tuple, list or set) "
                        "or a bool (True: diverged)")


def check_function(check: Callable[..., Any]) -> Callable[..., tuple[str, ...]]:
    """Wrap ``check`` so that it always returns a tuple of wrong keys (:func:`wrong_keys`).

    The wrapper is called ``(layout, ignored=())``, ``ignored`` being the
    user changes the page ignored because their control was disabled (R26;
    :attr:`simulator.renderer.Renderer.ignored_user`).  Most checks judge
    the layout alone and are called ``check(layout)``.  A check whose
    expectation depends on which actions really happened (check's serial
    oracle: a click a callback undid and a click on a disabled button can
    leave equal layouts) says ``takes_ignored = True`` and is called
    ``check(layout, ignored)``.
    """
    if getattr(check, "_normalised", False):
        return check
    if getattr(check, "takes_ignored", False):
        def normalised(layout: dict[str, Any], ignored: tuple = ()) -> tuple[str, ...]:
            return wrong_keys(check(layout, ignored))
    else:
        def normalised(layout: dict[str, Any], ignored: tuple = ()) -> tuple[str, ...]:
            return wrong_keys(check(layout))

    normalised._normalised = True  # type: ignore[attr-defined]
    return normalised


def explore_arguments(check: Callable[[dict[str, Any]], Any], max_schedules: Any, max_depth: Any,
                      max_states: Any, request_budget: Any) -> Callable[[dict[str, Any]], tuple[str, ...]]:
    """What :func:`simulator.explore.explore` checks at its door; returns the check, normalised.

    One line there: ``check = validate.explore_arguments(check, max_schedules, max_depth, max_states,
    request_budget)``.
    """
    limit("max_schedules", max_schedules)
    limit("max_depth", max_depth)
    limit("max_states", max_states)
    if request_budget is None:
        raise ScenarioError("request_budget must be a whole number >= 1, not None")
    limit("request_budget", request_budget)
    return check_function(check)
