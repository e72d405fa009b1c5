"""Parameter sweeps: Monte-Carlo over a grid of settings.

A sweep names one or more *axes*, each a parameter and the values it takes
(``--param 'server-delay=uniform:0:{50,100,200,400}'``, quoted so that the
shell leaves the braces alone); the grid is their cartesian
product, first axis slowest.  Each *point* of the grid is a full set of
settings — a :class:`~simulator.engine.Config` and the Monte-Carlo cells
(strategy x workload, with their workload parameters) to run under it.
What a parameter name means is the caller's business: the CLI maps its own
option names (``callback-race sweep``), so any option can be swept.

Values are written as the CLI takes them, with shell-like braces (quote the
whole ``--param`` on a command line, or bash expands them first):

* ``uniform:0:{50,100,200}`` -> ``uniform:0:50``, ``uniform:0:100``, ``uniform:0:200``
* ``{0..400..100}`` -> ``0``, ``100``, ``200``, ``300``, ``400`` (``{1..4}``: step 1)
* ``http1,http2,websocket`` -> three values (commas outside braces separate)
* several brace groups in one value multiply: ``uniform:{0,50}:{100,200}`` is four

Every point runs ``trials`` seeded trials per cell with the same trial seeds
(``f"{seed}/{k}"``), so the points differ only in the swept settings.  The
whole grid goes to :func:`~simulator.montecarlo.monte_carlo` as one job list:
one progress count, one worker pool, the same numbers whatever ``jobs`` is.
"""

from __future__ import annotations

import difflib
import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from rich.table import Table

from .engine import Config, Run
from .errors import ScenarioError
from .metrics import Summary
from .montecarlo import monte_carlo
from .report import label, summary_table, write_records_csv

MAX_POINTS = 10_000


# --- axes and the grid ----------------------------------------------------------

@dataclass(frozen=True)
class Axis:
    """One swept parameter: its name (as the CLI spells it) and its values."""

    name: str
    values: tuple[str, ...]

    @property
    def column(self) -> str:
        """The CSV/JSON column: the name with ``_`` for ``-`` (``server_delay``)."""
        return column(self.name)


def column(name: str) -> str:
    return name.replace("-", "_")


def _split_top(text: str) -> list[str]:
    """Split at commas that are not inside braces."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                raise ScenarioError(f"{text!r}: '}}' without a matching '{{'")
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    if depth:
        raise ScenarioError(f"{text!r}: '{{' without a matching '}}'")
    parts.append(text[start:])
    return parts


_RANGE = re.compile(r"(-?\d+(?:\.\d+)?)\.\.(-?\d+(?:\.\d+)?)(?:\.\.(-?\d+(?:\.\d+)?))?")


def _range(body: str, text: str) -> list[str] | None:
    match = _RANGE.fullmatch(body.strip())
    if not match:
        return None
    low, high, step = match.group(1), match.group(2), match.group(3)
    decimals = any("." in g for g in (low, high, step) if g)
    lo, hi = float(low), float(high)
    st = float(step) if step else 1.0
    if st <= 0:
        raise ScenarioError(f"{text!r}: the step of {{{body}}} must be > 0")
    sign = 1 if hi >= lo else -1
    count = int(abs(hi - lo) / st + 1e-9) + 1
    if count > MAX_POINTS:
        raise ScenarioError(f"{text!r}: {{{body}}} has more than {MAX_POINTS} values")
    values = [lo + sign * i * st for i in range(count)]
    return [f"{v:g}" if decimals else str(int(round(v))) for v in values]


def expand(text: str) -> list[str]:
    """Brace expansion of one ``--param`` value list (see the module docstring)."""
    out: list[str] = []
    for part in _split_top(text):
        out.extend(_expand_one(part, text))
    if not out or any(not v.strip() for v in out):
        raise ScenarioError(f"{text!r}: empty value (check the commas)")
    seen: dict[str, None] = {}
    for v in out:
        seen.setdefault(v.strip(), None)
    return list(seen)


def _expand_one(part: str, text: str) -> list[str]:
    start = part.find("{")
    if start < 0:
        return [part]
    depth = 0
    for end in range(start, len(part)):
        depth += {"{": 1, "}": -1}.get(part[end], 0)
        if depth == 0:
            break
    body, head, tail = part[start + 1:end], part[:start], part[end + 1:]
    choices = _range(body, text)
    if choices is None:
        choices = [v for alt in _split_top(body) for v in _expand_one(alt, text)]
    tails = _expand_one(tail, text)
    if len(choices) * len(tails) > MAX_POINTS:  # checked before building: {1..9999}{1..9999}
        raise ScenarioError(f"{text!r}: more than {MAX_POINTS} values")
    return [head + c + t for c in choices for t in tails]


def parse_axis(spec: str, known: Iterable[str]) -> Axis:
    """``NAME=VALUES`` -> :class:`Axis`; ``known`` lists the names that can be swept."""
    known = list(known)
    name, sep, values = spec.partition("=")
    name = name.strip().lstrip("-")
    if not sep or not name:
        raise ScenarioError(f"--param {spec!r}: write NAME=VALUES, e.g. "
                            "'server-delay=uniform:0:{{50,100,200}}' (quoted)")
    if column(name) not in {column(k) for k in known}:
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ScenarioError(f"--param {spec!r}: {name!r} is not a parameter that can be swept{hint}; "
                            f"choose from: {', '.join(known)}")
    name = next(k for k in known if column(k) == column(name))
    if not values.strip():
        raise ScenarioError(f"--param {spec!r}: no values after '='")
    try:
        return Axis(name, tuple(expand(values)))
    except ScenarioError as exc:
        raise ScenarioError(f"--param {name}: {exc}") from None


def parse_axes(specs: Sequence[str], known: Iterable[str]) -> list[Axis]:
    known = list(known)
    axes = [parse_axis(s, known) for s in specs]
    if not axes:
        raise ScenarioError("give at least one --param NAME=VALUES to sweep")
    names = [a.name for a in axes]
    for name in names:
        if names.count(name) > 1:
            raise ScenarioError(f"--param {name} is given twice; list all its values in one --param")
    size = 1
    for a in axes:
        size *= len(a.values)
    if size > MAX_POINTS:
        raise ScenarioError(f"the grid has {size} points; at most {MAX_POINTS}")
    return axes


def grid(axes: Sequence[Axis]) -> list[dict[str, str]]:
    """The cartesian product of the axes, first axis slowest: ``[{name: value}, ...]``."""
    return [dict(zip((a.name for a in axes), combo)) for combo in itertools.product(*(a.values for a in axes))]


# --- points: what runs at each grid point -----------------------------------------

@dataclass
class Point:
    """One grid point: the swept values, the Config, and the cells to run under it."""

    values: dict[str, str]
    config: Config
    cells: list[Any]


Build = Callable[[dict[str, str]], "tuple[Config, list[Any]]"]


def build_points(axes: Sequence[Axis], build: Build) -> list[Point]:
    """Turn the grid into points with ``build(values) -> (config, cells)``.

    Each value is first checked on its own, so a bad one is reported with its
    parameter's name before anything runs.
    """
    for axis in axes:
        for value in axis.values:
            _build(build, {axis.name: value}, f"--param {axis.name}={value}")
    points = []
    for values in grid(axes):
        config, cells = _build(build, values, ", ".join(f"{k}={v}" for k, v in values.items()))
        points.append(Point(values, config, list(cells)))
    return points


def _build(build: Build, values: dict[str, str], where: str):
    try:
        return build(values)
    except ScenarioError as exc:
        raise ScenarioError(f"{where}: {exc}") from None
    except (ValueError, TypeError) as exc:
        raise ScenarioError(f"{where}: not a valid value ({exc})") from None


# --- running ------------------------------------------------------------------------

@dataclass(frozen=True)
class _Bound:
    """A cell with its own Config: lets one Monte-Carlo job list span the grid."""

    cell: Any
    config: Config

    @property
    def label(self) -> tuple[str, str]:
        return self.cell.label

    @property
    def shared(self) -> bool:
        return getattr(self.cell, "shared", False)

    def build(self) -> "_BoundRunner":
        return _BoundRunner(self.cell.build(), self.config)


class _BoundRunner:
    def __init__(self, runner: Any, config: Config):
        self.runner, self.config = runner, config

    def run(self, seed: Any, config: Config | None = None) -> Run:
        return self.runner.run(seed, self.config)

    def figures(self, seed: Any, config: Config | None = None) -> Run:
        return getattr(self.runner, "figures", self.runner.run)(seed, self.config)


@dataclass
class SweepRow:
    """One grid point x strategy x workload."""

    values: dict[str, str]
    summary: Summary
    config: Config = field(repr=False, default=None)  # type: ignore[assignment]

    def record(self) -> dict[str, Any]:
        return {**{column(k): v for k, v in self.values.items()}, **self.summary.record()}


def total_runs(points: Sequence[Point], trials: int) -> int:
    return sum(len(p.cells) for p in points) * trials


def sweep(points: Sequence[Point], trials: int, seed: Any = 0, jobs: int = 1,
          progress: Callable[[int], None] | None = None, **options: Any) -> list[SweepRow]:
    """Run every point's cells; rows grouped by strategy, workload, then grid order.

    ``options`` go to :func:`~simulator.montecarlo.monte_carlo`: ``executor``,
    ``precision``, ``max_trials``, ``planned``.
    """
    if trials < 1:
        raise ScenarioError("--trials must be >= 1")
    bound, owners = [], []
    for p in points:
        for cell in p.cells:
            bound.append(_Bound(cell, p.config))
            owners.append(p)
    summaries = monte_carlo(bound, trials, seed, jobs=jobs, progress=progress, **options)
    rows = [SweepRow(p.values, s, p.config) for p, s in zip(owners, summaries)]
    order_s = {s: i for i, s in enumerate(dict.fromkeys(r.summary.strategy for r in rows))}
    order_w = {w: i for i, w in enumerate(dict.fromkeys(r.summary.workload for r in rows))}
    index = {id(r): i for i, r in enumerate(rows)}
    rows.sort(key=lambda r: (order_s[r.summary.strategy], order_w[r.summary.workload], index[id(r)]))
    return rows


# --- output ---------------------------------------------------------------------------

def sweep_table(rows: Sequence[SweepRow], axes: Sequence[Axis], title: str = "") -> Table:
    """The report table with the swept parameters as extra columns."""
    return summary_table([r.summary for r in rows], title, extra=[label(a.name) for a in axes],
                         extra_values=[[r.values[a.name] for a in axes] for r in rows])


def write_csv(path: str | Path, rows: Sequence[SweepRow], axes: Sequence[Axis]) -> None:
    """One row per grid point x strategy x workload; the swept values come first."""
    write_records_csv(path, (r.record() for r in rows), [a.column for a in axes])


def write_json(path: str | Path, rows: Sequence[SweepRow], axes: Sequence[Axis], settings: dict[str, Any]) -> None:
    data = {
        "settings": settings,
        "axes": {a.column: list(a.values) for a in axes},
        "results": [{**r.record(), "config": r.config.describe() if r.config is not None else None} for r in rows],
    }
    Path(path).write_text(json.dumps(data, indent=2, default=str) + "\n")
