"""Latency distributions, in milliseconds, drawn from a seeded ``random.Random``.

Each distribution is a small object with ``draw(rng)``; :func:`parse` reads
the compact form the CLI takes (``uniform:0:300``).  The random source is
always passed in, never global, so one seed gives one bit-identical run.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from pathlib import Path

from .errors import ScenarioError


#: A draw is capped here (a simulated day): heavy tails must not overflow a float.
MAX_DRAW_MS = 86_400_000.0


class Distribution:
    spec: str = ""

    def _require(self, **values: float) -> None:
        """Refuse parameters that are not finite numbers >= 0: a latency is never negative."""
        for name, v in values.items():
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
                raise ScenarioError(f"{type(self).__name__} {name} must be a finite number >= 0, not {v!r}")

    def draw(self, rng: random.Random) -> float:  # pragma: no cover - interface
        raise NotImplementedError

    @property
    def floor(self) -> float:
        """The least a draw can be (ms): what the explorer may count on (a round trip's lower bound)."""
        return 0.0

    def __str__(self) -> str:
        return self.spec


@dataclass(frozen=True)
class Fixed(Distribution):
    value: float

    def __post_init__(self):
        self._require(value=self.value)

    def draw(self, rng: random.Random) -> float:
        return self.value

    @property
    def floor(self) -> float:
        return self.value

    @property
    def spec(self) -> str:
        return f"fixed:{self.value:g}"


@dataclass(frozen=True)
class Uniform(Distribution):
    low: float
    high: float

    def __post_init__(self):
        self._require(low=self.low, high=self.high)
        if self.high < self.low:
            raise ScenarioError(f"Uniform high must be >= low, not {self.low!r}..{self.high!r}")

    def draw(self, rng: random.Random) -> float:
        return rng.uniform(self.low, self.high)

    @property
    def floor(self) -> float:
        return self.low

    @property
    def spec(self) -> str:
        return f"uniform:{self.low:g}:{self.high:g}"


@dataclass(frozen=True)
class Exponential(Distribution):
    mean: float

    def __post_init__(self):
        self._require(mean=self.mean)

    def draw(self, rng: random.Random) -> float:
        return rng.expovariate(1.0 / self.mean) if self.mean > 0 else 0.0

    @property
    def spec(self) -> str:
        return f"exp:{self.mean:g}"


@dataclass(frozen=True)
class LogNormal(Distribution):
    """Median ``median`` ms, ``sigma`` the standard deviation of the log."""

    median: float
    sigma: float

    def __post_init__(self):
        self._require(median=self.median, sigma=self.sigma)
        if self.median <= 0:
            raise ScenarioError(f"LogNormal median must be > 0, not {self.median!r}")

    def draw(self, rng: random.Random) -> float:
        try:
            return min(rng.lognormvariate(math.log(self.median), self.sigma), MAX_DRAW_MS)
        except OverflowError:
            return MAX_DRAW_MS

    @property
    def spec(self) -> str:
        return f"lognormal:{self.median:g}:{self.sigma:g}"


@dataclass(frozen=True)
class Pareto(Distribution):
    """Heavy tail: at least ``scale`` ms, tail index ``alpha`` (smaller: heavier)."""

    scale: float
    alpha: float

    def __post_init__(self):
        self._require(scale=self.scale, alpha=self.alpha)
        if self.alpha <= 0:
            raise ScenarioError(f"Pareto alpha must be > 0, not {self.alpha!r}")

    def draw(self, rng: random.Random) -> float:
        try:
            return min(self.scale * rng.paretovariate(self.alpha), MAX_DRAW_MS)
        except (OverflowError, ZeroDivisionError):
            return MAX_DRAW_MS

    @property
    def floor(self) -> float:
        return self.scale

    @property
    def spec(self) -> str:
        return f"pareto:{self.scale:g}:{self.alpha:g}"


@dataclass(frozen=True)
class Empirical(Distribution):
    """Resample measured milliseconds (one number per line of a file)."""

    path: str
    samples: tuple[float, ...]

    def draw(self, rng: random.Random) -> float:
        return self.samples[rng.randrange(len(self.samples))]

    @property
    def floor(self) -> float:
        return min(self.samples)

    @property
    def spec(self) -> str:
        return f"empirical:{self.path}"


def _numbers(spec: str, parts: list[str], count: int, names: str) -> list[float]:
    if len(parts) != count:
        raise ScenarioError(f"distribution {spec!r}: expected {names}")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise ScenarioError(f"distribution {spec!r}: {names} must be numbers") from None
    if any(v < 0 or math.isnan(v) or math.isinf(v) for v in values):
        raise ScenarioError(f"distribution {spec!r}: values must be finite and >= 0")
    return values


def _empirical(spec: str, path: str) -> Empirical:
    try:
        lines = Path(path).read_text().split()
    except OSError as exc:
        raise ScenarioError(f"distribution {spec!r}: cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"distribution {spec!r}: {path} is not a text file of numbers") from None
    samples = []
    for i, token in enumerate(lines, 1):
        try:
            value = float(token.strip(","))
        except ValueError:
            raise ScenarioError(f"distribution {spec!r}: {path} item {i} is not a number: {token!r}") from None
        if value < 0 or math.isnan(value) or math.isinf(value):
            raise ScenarioError(f"distribution {spec!r}: {path} item {i} must be a finite number >= 0")
        samples.append(value)
    if not samples:
        raise ScenarioError(f"distribution {spec!r}: {path} holds no numbers")
    return Empirical(path, tuple(samples))


KINDS = {
    "fixed": "fixed:MS",
    "uniform": "uniform:LOW:HIGH",
    "exp": "exp:MEAN",
    "lognormal": "lognormal:MEDIAN:SIGMA",
    "pareto": "pareto:SCALE:ALPHA",
    "empirical": "empirical:FILE",
}


def parse(spec: str | float | Distribution) -> Distribution:
    """``"uniform:0:300"`` -> :class:`Uniform`; a bare number is fixed."""
    if isinstance(spec, Distribution):
        return spec
    if isinstance(spec, (int, float)):
        return Fixed(float(spec))
    text = str(spec).strip()
    try:
        return Fixed(_numbers(text, [text], 1, "a number")[0])
    except ScenarioError:
        pass
    kind, _, rest = text.partition(":")
    kind = {"exponential": "exp"}.get(kind, kind)
    if kind == "empirical":
        return _empirical(text, rest)
    parts = rest.split(":") if rest else []
    if kind == "fixed":
        return Fixed(*_numbers(text, parts, 1, "fixed:MS"))
    if kind == "uniform":
        low, high = _numbers(text, parts, 2, "uniform:LOW:HIGH")
        if high < low:
            raise ScenarioError(f"distribution {text!r}: HIGH must be >= LOW")
        return Uniform(low, high)
    if kind == "exp":
        return Exponential(*_numbers(text, parts, 1, "exp:MEAN"))
    if kind == "lognormal":
        median, sigma = _numbers(text, parts, 2, "lognormal:MEDIAN:SIGMA")
        if median <= 0:
            raise ScenarioError(f"distribution {text!r}: MEDIAN must be > 0")
        return LogNormal(median, sigma)
    if kind == "pareto":
        scale, alpha = _numbers(text, parts, 2, "pareto:SCALE:ALPHA")
        if alpha <= 0:
            raise ScenarioError(f"distribution {text!r}: ALPHA must be > 0")
        return Pareto(scale, alpha)
    raise ScenarioError(
        f"unknown distribution {text!r}; use one of: {', '.join(KINDS.values())}, or a number of ms")
