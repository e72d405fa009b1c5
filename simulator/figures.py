"""The figures of a report that a sweep can draw: ``sweep --metric NAME``.

Each :class:`Figure` reads one number per Monte-Carlo cell from its
:class:`~simulator.metrics.Summary` (and, for the desync rate, its 95 %
Wilson interval), with the words and unit an axis is labelled with.  The
matplotlib chart (:mod:`.plots`) and the interactive page (:mod:`.pages`)
share them, and share :func:`scale`: a figure whose values span orders of
magnitude (the dict-size sweep's bytes, a rare desync next to a frequent
one) gets a logarithmic axis, symmetric-log when some values are 0 so a
strategy at 0 stays on the chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from .errors import ScenarioError
from .metrics import Summary


@dataclass(frozen=True)
class Figure:
    name: str                                   # as --metric spells it
    label: str                                  # the axis title: words and unit
    value: Callable[[Summary], float]
    band: Callable[[Summary], tuple[float, float]] | None = None   # an interval around the value
    percent: bool = False                       # 0-100: the axis stays within it


def _per_run(total: Callable[[Summary], float]) -> Callable[[Summary], float]:
    return lambda s: total(s) / s.trials if s.trials else 0.0


FIGURES = {f.name: f for f in (
    Figure("desync", "desync at quiescence (% of runs)", lambda s: 100 * s.rate,
           band=lambda s: (100 * s.ci[0], 100 * s.ci[1]), percent=True),
    Figure("requests", "requests sent per run (mean)", lambda s: s.requests.mean),
    Figure("ignored", "responses ignored per run (mean, R8 superseded)", lambda s: s.ignored.mean),
    Figure("applied", "responses applied (% of responses)", lambda s: 100 * s.applied_share, percent=True),
    Figure("settle-p50", "settle time after the last action, p50 (ms)", lambda s: s.settle.percentile(50)),
    Figure("settle-p95", "settle time after the last action, p95 (ms)", lambda s: s.settle.percentile(95)),
    Figure("time-diverged", "time the store was wrong per run (mean ms)", lambda s: s.time_diverged.mean),
    Figure("bytes-up", "JSON bytes uploaded per run (mean)", _per_run(lambda s: s.bytes_up)),
    Figure("bytes-down", "JSON bytes downloaded per run (mean)", _per_run(lambda s: s.bytes_down)),
)}


def figure(name: str) -> Figure:
    """The figure called ``name``; a clear error listing the others when there is none."""
    try:
        return FIGURES[name.strip().lower().replace("_", "-")]
    except KeyError:
        raise ScenarioError(f"--metric {name!r}: no such figure; choose from {', '.join(FIGURES)}") from None


#: Values spanning this ratio or more (largest / smallest non-zero) get a log axis.
SPAN = 50.0


def scale(values: Iterable[float]) -> str:
    """``"linear"``, ``"log"`` or ``"symlog"`` (log with 0 on the axis) for these values."""
    values = [v for v in values if v is not None]
    positive = [v for v in values if v > 0]
    if len(positive) < 2 or min(positive) <= 0 or max(positive) / min(positive) < SPAN:
        return "linear"
    return "symlog" if any(v <= 0 for v in values) else "log"


def linear_threshold(values: Iterable[float]) -> float:
    """Where a symlog axis turns linear: at the smallest non-zero value, so it sits on the log part."""
    positive = [v for v in values if v > 0]
    return min(positive) if positive else 1.0
