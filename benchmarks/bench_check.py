"""Trials per second of ``check`` with real callbacks, memoised and not, against the built-in model.

    python benchmarks/bench_check.py [--trials 300] [--app naive]

The same app and the same plan (the generated ``alone load_data.n_clicks``:
click load_data on a fresh page, both names race), four ways:

* ``built-in``: the seed strategy written with the simulator's API (scenarios/user_data.py);
* ``real, memoised``: tests/apps/<app>.py, its real Dash callbacks answered through
  Dash's dispatch, each distinct payload once (the default);
* ``real, --impure``: every request answered by Dash again (no memo);
* ``real, Flask``: every request through ``app.server.test_client()``, no memo.

Each is Monte-Carlo only (simulate(), the serial oracle as the check), so
the figures compare the cost of running real callbacks, not the explorer.
Run on demand; nothing here is a test.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import scenarios  # noqa: E402
from simulator import Config, simulate  # noqa: E402
from simulator.dashapp.analyse import clock_props  # noqa: E402
from simulator.dashapp.convert import convert  # noqa: E402
from simulator.dashapp.load import load  # noqa: E402
from simulator.dashapp.oracle import Oracle  # noqa: E402
from simulator.dashapp.workloads import generate, inputs  # noqa: E402


def rate(graph, plan_of, check, trials: int) -> float:
    started = time.perf_counter()
    for k in range(trials):
        seed = f"bench/{k}"
        simulate(graph, plan_of(seed), check, Config(), seed=seed)
    return trials / (time.perf_counter() - started)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--trials", type=int, default=300)
    p.add_argument("--app", default="naive", help="a seed strategy that has a tests/apps/ twin (default: naive)")
    args = p.parse_args()

    builtin = scenarios.scenario(args.app, "load", keys=2)
    rows = []
    for label, flask, impure in (("real, memoised", False, False), ("real, --impure", False, True),
                                 ("real, Flask test client", True, True)):
        conv = convert(load(str(ROOT / "tests" / "apps" / f"{args.app}.py")), flask=flask, impure=impure)
        found, _ = inputs(conv.app.graph)
        w = next(w for w in generate(found) if w.name == "alone load_data.n_clicks")
        oracle = Oracle(conv.app.graph, w.plan(0), clock_props(conv))
        if not rows:   # the built-in model on the same plan, with its hand-written check
            rows.append(("built-in", rate(builtin.graph, w.plan, builtin.check, args.trials)))
        rows.append((label, rate(conv.app.graph, w.plan, oracle.check, args.trials)))
    base = rows[0][1]
    print(f"{args.app}, load, {args.trials} trials each (Monte-Carlo, default Config)")
    for label, r in rows:
        print(f"  {label:26s} {r:8.0f} trials/s   ({r / base:.2f}x built-in)")


if __name__ == "__main__":
    main()
