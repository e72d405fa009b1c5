"""Scenarios: an app (a strategy), what the user does (a workload), and a check.

``scenario("naive", "load")`` builds everything one run needs::

    s = scenario("naive", "load", keys=2)
    run = s.run(seed=1, trace=True)
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from simulator import Config, Dash, Plan, Run, fastengine, memo, simulate
from simulator.errors import ScenarioError

from .user_data import KEYS, MAX_KEYS, STRATEGIES, Strategy, check, checked_props, keys_for, pad_user_data
from .workloads import WORKLOADS, Params, Workload


def _lookup(table: dict, name: str, what: str):
    try:
        return table[name]
    except KeyError:
        raise ScenarioError(f"unknown {what} {name!r}; choose from: {', '.join(table)}") from None


def strategy(name: str) -> Strategy:
    return _lookup(STRATEGIES, name, "strategy")


def workload(name: str) -> Workload:
    return _lookup(WORKLOADS, name, "workload")


class _Watched(random.Random):
    """A workload's random source that notes whether anything was drawn from it."""

    used = False

    def random(self) -> float:
        self.used = True
        return super().random()

    def getrandbits(self, k: int) -> int:
        self.used = True
        return super().getrandbits(k)


@dataclass
class Scenario:
    """A strategy's app under a workload, ready to run."""

    strategy: Strategy
    workload: Workload
    keys: tuple[str, ...]
    params: Params = field(default_factory=Params)

    def __post_init__(self):
        self.app: Dash = self.strategy.build(self.keys)
        if self.params.dict_size:
            pad_user_data(self.app, self.params.dict_size)
        if self.workload.extend_app is not None:
            self.workload.extend_app(self.app, self.keys)
        self.graph = self.app.graph  # validate and precompute once
        self.check = check(self.keys)
        self._fixed_plan: Plan | None = None
        self._passes: dict[tuple, memo.Passes] = {}

    def plan(self, seed: Any) -> Plan:
        """The user's actions for ``seed``; built once when the workload draws nothing (load, storm, interval)."""
        if self._fixed_plan is not None:
            return self._fixed_plan
        rng = _Watched(f"{seed}/workload")
        plan = self.workload.plan(self.keys, rng, self.params)
        if not rng.used:
            # A plan is a function of keys, params and its draws: with no draw, every seed gives this one.
            self._fixed_plan = plan
        return plan

    def run(self, seed: Any = 0, config: Config = Config(), trace: bool = False) -> Run:
        """One seeded run: on the fast clock when it can (the same Run), else on simpy with its trace."""
        if not trace and fastengine.supports(config):
            return fastengine.simulate(self.graph, self.plan(seed), self.check, config, seed=seed)
        return simulate(self.graph, self.plan(seed), self.check, config, seed=seed, trace=trace)

    def figures(self, seed: Any = 0, config: Config = Config()) -> Run:
        """:meth:`run`'s figures, its ``layout`` left empty: what Monte-Carlo tallies.

        Where it can (:func:`simulator.memo.refusal` says why not), the
        renderer's passes are shared between this scenario's trials
        (:mod:`simulator.memo`): the same figures, bit for bit, for a fraction
        of the work.
        """
        if fastengine.supports(config):
            key = memo.renderer_key(config)
            passes = self._passes.get(key)
            if passes is None:
                passes = self._passes[key] = memo.Passes(self.graph, self.check, config, checked_props(self.keys))
            return passes.simulate(self.plan(seed), config, seed)
        run = self.run(seed, config)
        run.layout = {}
        return run

    def explore(self, seed: Any = 0, **kw: Any):
        """Every schedule the model allows (:func:`simulator.explore.explore`; ``kw`` are its options).

        Plans differ between seeds only in their delays, which exploration abstracts.
        """
        from simulator.explore import explore
        return explore(self.graph, self.plan(seed), self.check, **kw)


def scenario(strategy_name: str, workload_name: str = "load", keys: int = 2,
             params: Params | None = None) -> Scenario:
    return Scenario(strategy(strategy_name), workload(workload_name), keys_for(keys), params or Params())


__all__ = ["Cell", "cells", "KEYS", "MAX_KEYS", "STRATEGIES", "WORKLOADS", "Params", "Scenario", "Strategy", "Workload",
           "scenario", "strategy", "workload"]


@dataclass(frozen=True)
class Cell:
    """A picklable recipe for one Monte-Carlo cell (see :mod:`simulator.montecarlo`)."""

    #: Its scenario's runs do not depend on what ran before on it: a worker may build it once.
    shared = True

    strategy: str
    workload: str
    keys: int = 2
    params: Params = field(default_factory=Params)

    @property
    def label(self) -> tuple[str, str]:
        return self.strategy, self.workload

    def build(self) -> Scenario:
        return scenario(self.strategy, self.workload, self.keys, self.params)


def cells(strategies=None, workloads=None, keys: int = 2, params: Params | None = None) -> list[Cell]:
    """Every strategy x workload cell, validated; ``None`` means all."""
    names_s = list(strategies or STRATEGIES)
    names_w = list(workloads or WORKLOADS)
    for name in names_s:
        strategy(name)
    for name in names_w:
        workload(name)
    keys_for(keys)
    return [Cell(s, w, keys, params or Params()) for s in names_s for w in names_w]
