"""The workloads: what the user does to the seed scenario's app.

Each workload turns a seeded ``random.Random`` and its parameters into a
:class:`~simulator.Plan`.  Setup actions (typing the first values and
waiting for the page to settle) are simulated but not measured; the
measured phase starts at the first action marked ``measure``.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Callable

from simulator import Action, Dash, Input, Output, Plan, PreventUpdate, click, dcc, type_into
from simulator.errors import ScenarioError

from .user_data import LOADED, TYPED


MAX_DICT_SIZE = 50_000_000  # 50 MB of JSON: far past what a dcc.Store should hold
MAX_INTERVAL_TICKS = 100_000  # a day of 1 s ticks; each is an action held in memory


@dataclass(frozen=True)
class Params:
    """Workload parameters (milliseconds)."""

    interleave_window: float = 300.0   # interleave: second change at U[0, window]
    typing_interval: float = 150.0     # typing: mean time between key strokes
    field_switch: float = 600.0        # typing: mean pause moving to the next field
    interval_period: float = 100.0     # interval: dcc.Interval period
    interval_ticks: int = 20           # interval: ticks before it stops
    dict_size: int = 0                 # bytes of JSON user_data starts with (0: {}); see user_data.pad_user_data

    def __post_init__(self):
        for name in ("interleave_window", "typing_interval", "field_switch", "interval_period"):
            value = getattr(self, name)
            if not math.isfinite(value) or value < 0:
                raise ScenarioError(f"{name.replace('_', '-')} must be a finite number >= 0, not {value}")
        if not 1 <= self.interval_ticks <= MAX_INTERVAL_TICKS:
            raise ScenarioError(f"interval-ticks must be between 1 and {MAX_INTERVAL_TICKS:,}, "
                                f"not {self.interval_ticks:,}")
        if not 0 <= self.dict_size <= MAX_DICT_SIZE:
            raise ScenarioError(f"dict-size must be >= 0 and <= {MAX_DICT_SIZE} bytes, not {self.dict_size}")


def _type_all(keys, values=TYPED) -> list[Action]:
    """Type each key's value, waiting for the page to settle after each."""
    return [type_into(k, v, wait_settle=True) for k, v in zip(keys, values)]


def load(keys, rng: random.Random, p: Params) -> Plan:
    """Type "john", settle, type "doe", settle, then click load_data (the article's demo)."""
    return Plan(tuple(_type_all(keys) + [click("load_data", wait_settle=True, measure=True)]))


def interleave(keys, rng: random.Random, p: Params) -> Plan:
    """From the settled john/doe state, change first_name at t=0 and last_name at U[0, window]."""
    times = sorted(rng.uniform(0, p.interleave_window) for _ in keys[1:])
    actions = [type_into(keys[0], LOADED[0], wait_settle=True, measure=True)]
    previous = 0.0
    for key, value, t in zip(keys[1:], LOADED[1:], times):
        actions.append(type_into(key, value, delay=t - previous))
        previous = t
    return Plan(tuple(_type_all(keys) + actions), notes={"offsets_ms": [0.0] + times})


def typing(keys, rng: random.Random, p: Params) -> Plan:
    """Type every name one character at a time (each keystroke a change), at human speed."""
    actions: list[Action] = []
    for i, (key, word) in enumerate(zip(keys, TYPED)):
        for j in range(1, len(word) + 1):
            if not actions:
                delay = 0.0
            elif j == 1:
                delay = rng.uniform(0.5, 1.5) * p.field_switch
            else:
                delay = rng.uniform(0.5, 1.5) * p.typing_interval
            first = not actions  # the user starts once the page has loaded and settled
            actions.append(type_into(key, word[:j], delay=delay, measure=first, wait_settle=first,
                                     label=f"type {word[:j]!r} into {key}"))
    return Plan(tuple(actions))


def storm(keys, rng: random.Random, p: Params) -> Plan:
    """From a settled state, change one input once; the figure is the requests it costs."""
    return Plan(tuple(_type_all(keys) + [type_into(keys[0], "jane", wait_settle=True, measure=True)]))


def interval(keys, rng: random.Random, p: Params) -> Plan:
    """A dcc.Interval writes first_name every period, faster than the round trip; share applied."""
    ticks = [Action({"ticker.n_intervals": n}, delay=p.interval_period if n > 1 else 0.0,
                    wait_settle=n == 1, measure=n == 1, label=f"ticker tick {n}")
             for n in range(1, p.interval_ticks + 1)]
    return Plan(tuple(_type_all(keys) + ticks))


def add_ticker(app: Dash, keys) -> None:
    """The interval workload's app extra: a dcc.Interval whose callback sets first_name."""
    app.layout = list(app.layout) + [dcc.Interval(id="ticker", interval=100)]

    @app.callback(Output(keys[0], "value", allow_duplicate=True), Input("ticker", "n_intervals"),
                  prevent_initial_call=True)
    def tick(n_intervals):
        if n_intervals:
            return f"tick-{n_intervals}"
        raise PreventUpdate


@dataclass(frozen=True)
class Workload:
    name: str
    plan: Callable[[tuple[str, ...], random.Random, Params], Plan]
    extend_app: Callable[[Dash, tuple[str, ...]], None] | None = None
    figure: str = "desync rate"

    @property
    def description(self) -> str:
        return (self.plan.__doc__ or "").strip().splitlines()[0]


WORKLOADS: dict[str, Workload] = {w.name: w for w in (
    Workload("load", load),
    Workload("interleave", interleave),
    Workload("typing", typing),
    Workload("storm", storm, figure="requests per change"),
    Workload("interval", interval, extend_app=add_ticker, figure="share of responses applied"),
)}
