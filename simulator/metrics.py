"""Aggregating many runs as they stream: memory stays flat in the number of runs.

Counts are exact; integer figures (requests, ignored responses) keep exact
frequency tables; continuous ones (settle time, time diverged) keep a
histogram with buckets 1 % wide, so a percentile is within 1 % of the truth.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .engine import Run

Z95 = 1.959963984540054


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for a binomial rate (95 % by default)."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # At 0 and n the exact bounds are 0 and 1; floating point would miss them.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


class Tally:
    """Exact mean and percentiles of a small-integer figure."""

    def __init__(self) -> None:
        self.counts: Counter[int] = Counter()
        self.n = 0
        self.total = 0

    def add(self, value: int) -> None:
        self.counts[value] += 1
        self.n += 1
        self.total += value

    def merge(self, other: "Tally") -> None:
        self.counts.update(other.counts)
        self.n += other.n
        self.total += other.total

    @property
    def mean(self) -> float:
        return self.total / self.n if self.n else 0.0

    def percentile(self, q: float) -> float:
        if not self.n:
            return 0.0
        rank = max(1, math.ceil(q / 100 * self.n))
        seen = 0
        for value in sorted(self.counts):
            seen += self.counts[value]
            if seen >= rank:
                return float(value)
        return float(max(self.counts))  # pragma: no cover


class Histogram(Tally):
    """Mean exact; percentiles from buckets 1 % wide (values >= 0)."""

    RATIO = math.log(1.01)

    def add(self, value: float) -> None:  # type: ignore[override]
        self.counts[int(math.log1p(max(value, 0.0)) / self.RATIO)] += 1
        self.n += 1
        self.total += value

    def percentile(self, q: float) -> float:
        bucket = super().percentile(q)
        return math.expm1((bucket + 0.5) * self.RATIO) if self.n else 0.0


class Finished:
    """What the runs' counts say: ``trials``, ``diverged``, ``runaway`` and ``unsettled`` give the rest."""

    @property
    def cut_off(self) -> int:
        """Runs that did not finish: a runaway loop or the time limit stopped them (no verdict)."""
        return self.runaway + self.unsettled

    @property
    def finished(self) -> int:
        """Runs that reached quiescence: the desync rate's denominator, and every figure's."""
        return self.trials - self.cut_off

    @property
    def rate(self) -> float:
        """Of the runs that finished, the share that diverged: what ``wilson`` brackets."""
        return self.diverged / self.finished if self.finished else 0.0


@dataclass
class Summary(Finished):
    """Everything a report says about one strategy x workload cell."""

    strategy: str
    workload: str
    trials: int = 0
    diverged: int = 0
    wrong_keys: Counter = field(default_factory=Counter)
    requests: Tally = field(default_factory=Tally)
    ignored: Tally = field(default_factory=Tally)
    settle: Histogram = field(default_factory=Histogram)
    time_diverged: Histogram = field(default_factory=Histogram)
    bytes_up: int = 0
    bytes_down: int = 0
    responses: int = 0
    applied: int = 0
    superseded: int = 0
    runaway: int = 0
    unsettled: int = 0
    errors: int = 0
    first_error: str = ""   # the first error response's message, in trial order (what a report can show)
    example_diverged_seed: Any = None

    def add(self, run: Run) -> None:
        """Fold in one run.  A run cut off (runaway loop, time limit) is counted as such and in
        nothing else: it did not finish, so it neither diverged nor stayed consistent."""
        self.trials += 1
        if run.errors and not self.first_error:
            self.first_error = run.errors[0]
        if run.runaway is not None or run.unsettled is not None:
            self.runaway += run.runaway is not None
            self.unsettled += run.unsettled is not None
            self.errors += len(run.errors)
            return
        if run.diverged:
            self.diverged += 1
            self.wrong_keys.update(run.wrong)
            if self.example_diverged_seed is None:
                self.example_diverged_seed = run.seed
        self.requests.add(run.sent)
        self.ignored.add(run.ignored)
        self.settle.add(run.settle_ms)
        self.time_diverged.add(run.time_diverged)
        self.bytes_up += run.bytes_up
        self.bytes_down += run.bytes_down
        self.responses += run.responses
        self.applied += run.applied
        self.superseded += run.superseded
        self.errors += len(run.errors)

    def merge(self, other: "Summary") -> None:
        """Fold in a summary of later trials of the same cell."""
        self.trials += other.trials
        self.diverged += other.diverged
        self.wrong_keys.update(other.wrong_keys)
        for name in ("requests", "ignored", "settle", "time_diverged"):
            getattr(self, name).merge(getattr(other, name))
        for name in ("bytes_up", "bytes_down", "responses", "applied", "superseded", "runaway", "unsettled",
                     "errors"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if self.example_diverged_seed is None:
            self.example_diverged_seed = other.example_diverged_seed
        if not self.first_error:
            self.first_error = other.first_error

    @property
    def ci(self) -> tuple[float, float]:
        return wilson(self.diverged, self.finished)

    @property
    def applied_share(self) -> float:
        return self.applied / self.responses if self.responses else 0.0

    def record(self) -> dict[str, Any]:
        """One machine-readable row (``report --json`` / ``--csv``)."""
        low, high = self.ci
        n = self.finished or 1
        known = self.finished > 0  # with no finished run there is no rate: null, not 0
        return {
            "strategy": self.strategy, "workload": self.workload, "trials": self.trials,
            "finished": self.finished, "diverged": self.diverged, "rate": self.rate if known else None,
            "ci_low": low if known else None, "ci_high": high if known else None,
            "wrong_keys": dict(sorted(self.wrong_keys.items())),
            "mean_requests": self.requests.mean, "p50_requests": self.requests.percentile(50),
            "p95_requests": self.requests.percentile(95), "max_requests": max(self.requests.counts, default=0),
            "mean_ignored": self.ignored.mean, "p95_ignored": self.ignored.percentile(95),
            "mean_settle_ms": self.settle.mean, "p50_settle_ms": self.settle.percentile(50),
            "p95_settle_ms": self.settle.percentile(95),
            "mean_time_diverged_ms": self.time_diverged.mean,
            "mean_bytes_up": self.bytes_up / n, "mean_bytes_down": self.bytes_down / n,
            "applied_share": self.applied_share, "runaway": self.runaway, "unsettled": self.unsettled,
            "mean_superseded": self.superseded / n, "errors": self.errors,
            "example_diverged_seed": self.example_diverged_seed,
        }
