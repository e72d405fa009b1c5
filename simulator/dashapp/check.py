"""``check``: the whole pipeline on a target, in a process of its own.

Dash keeps callbacks in process-global maps (``dash.callback``), so each
target is imported in a fresh process (multiprocessing's ``spawn``), which
loads, converts, lints and analyses it and sends back plain data
(:class:`~simulator.dashapp.analyse.CheckResult`).  ``in_process=True``
skips the extra process (tests, or an app object already imported).
"""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass
from typing import Any

from ..engine import Config
from .analyse import EXPLORE_STATES, CheckResult, analyse
from .convert import convert
from .expect import parse as parse_expect
from .load import load, read
from .workloads import Params, read_values


@dataclass(frozen=True)
class Options:
    trials: int = 200
    seed: Any = 0
    config: Config = Config()
    values: str | None = None          # --values FILE
    impure: bool = False
    flask: bool = False                # answer through Flask's test client
    params: Params = Params()
    explore_states: int = EXPLORE_STATES
    workloads: tuple[str, ...] = ()    # only workloads whose name contains one of these
    expect: str | None = None          # --expect STORE.PROP:KEY=COMPONENT.PROP,... (see .expect)
    url: str | None = None             # --url: the address the page opens at (R22)
    assume_user_only: tuple[str, ...] = ()   # --assume-user-only: unknown types vouched for (R23)


def _keep(options: Options):
    if not options.workloads:
        return None
    parts = (options.workloads,) if isinstance(options.workloads, str) else tuple(options.workloads)
    return lambda w: any(part in w.name for part in parts)   # a string is one part, not its letters


def check_loaded(spec_or_app: Any, options: Options = Options(), target: str = "app") -> CheckResult:
    """Check an app in this process: a :class:`~.load.Spec`, or a ``dash.Dash`` object."""
    spec = spec_or_app if hasattr(spec_or_app, "dependencies") else read(spec_or_app, target)
    fresh = None
    if options.impure and spec.target and spec.target != "app":
        def fresh():   # --impure: the app's module state is re-created per trial
            return convert(load(spec.target), flask=options.flask, impure=True, url=options.url,
                           assume_user_only=options.assume_user_only)
    conv = convert(spec, flask=options.flask, impure=options.impure, url=options.url,
                   assume_user_only=options.assume_user_only)
    invariant = parse_expect(options.expect) if options.expect else None
    return analyse(conv, options.config, options.trials, options.seed, read_values(options.values),
                   options.params, options.explore_states, invariant=invariant, workload_filter=_keep(options),
                   fresh=fresh)


def _child(target: str, options: Options) -> CheckResult:
    return check_loaded(load(target), options, target)


def check(target: str, options: Options = Options(), in_process: bool = False) -> CheckResult:
    """Load ``target`` (``path/app.py[:attr]`` or ``module[:attr]``) and check it."""
    if in_process:
        return _child(target, options)
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_child, (target, options))
