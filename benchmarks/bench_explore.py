"""Exhaustive exploration: schedules explored and wall time for ``naive`` under ``load``.

    python benchmarks/bench_explore.py                 # naive, load: 2, 4, 6, 8 keys
    python benchmarks/bench_explore.py --strategy patch  # commuting Patch responses
    python benchmarks/bench_explore.py --strategy circular --keys 2,3,4 --plain-limit 20000

Three settings per key count:

* ``reduction``    -- partial-order reduction + state hashing (the default of ``explore``);
* ``no reduction`` -- state hashing only (``--no-reduction``);
* ``plain``        -- neither: depth-first enumeration of every schedule one by one,
                      bounded by ``--plain-limit`` schedules (reported as partial when cut).

The goal: 8 keys under load completes in under 10 seconds on a 2-core machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import scenarios  # noqa: E402


def bench(strategy: str, workload: str, keys: int, setting: str, plain_limit: int):
    s = scenarios.scenario(strategy, workload, keys)
    kw = {"reduction": {"reduction": True},
          "no reduction": {"reduction": False},
          "plain": {"reduction": False, "hashing": False, "max_schedules": plain_limit}}[setting]
    started = time.perf_counter()
    result = s.explore(**kw)
    return result, time.perf_counter() - started


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--strategy", default="naive")
    p.add_argument("--workload", default="load")
    p.add_argument("--keys", default="2,4,6,8", help="comma-separated key counts (default: %(default)s)")
    p.add_argument("--plain-limit", type=int, default=100_000,
                   help="bound on schedules for the plain enumeration (default: %(default)s)")
    p.add_argument("--settings", default="reduction,no reduction,plain")
    args = p.parse_args(argv)
    header = (f"{'keys':>4}  {'setting':<12}  {'schedules':>14}  {'states':>8}  {'transitions':>11}  "
              f"{'end states':>10}  {'diverging':>9}  {'complete':<28}  {'seconds':>8}")
    print(f"{args.strategy} under {args.workload}: exhaustive exploration (python {sys.version.split()[0]})")
    print(header)
    print("-" * len(header))
    for keys in (int(k) for k in args.keys.split(",")):
        for setting in args.settings.split(","):
            r, seconds = bench(args.strategy, args.workload, keys, setting, args.plain_limit)
            complete = "yes" if r.complete else f"partial ({r.bound})"
            print(f"{keys:>4}  {setting:<12}  {r.schedules:>14,}  {r.states:>8,}  {r.transitions:>11,}  "
                  f"{len(r.end_states):>10}  {r.diverging:>9}  {complete:<28}  {seconds:>8.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
