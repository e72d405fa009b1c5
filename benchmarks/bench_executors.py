"""Monte-Carlo throughput on each executor, and proof that they agree.

    python benchmarks/bench_executors.py [--trials 20000] [--strategies naive] [--workloads load]

Runs the same report (every strategy x workload asked for, ``--trials``
each) in this process (``--jobs 1``), on 2 local processes (``--jobs 2``)
and on a dask.distributed LocalCluster of 2 worker processes
(``--executor dask``), prints wall-clock trials/s for each (start-up
included) and checks that the three reports are identical record for
record.  Needs the dask extra.  Run on demand; nothing here is a test.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import scenarios  # noqa: E402
from simulator.montecarlo import monte_carlo  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--trials", type=int, default=20_000)
    p.add_argument("--strategies", default="naive")
    p.add_argument("--workloads", default="load")
    args = p.parse_args()
    cells = scenarios.cells(args.strategies.split(","), args.workloads.split(","))
    runs = {"--jobs 1": {"jobs": 1}, "--jobs 2": {"jobs": 2}, "--executor dask (LocalCluster, 2 workers)":
            {"jobs": 2, "executor": "dask"}}
    results = {}
    for label, options in runs.items():
        start = time.perf_counter()
        summaries = monte_carlo(cells, args.trials, seed=0, **options)
        elapsed = time.perf_counter() - start
        results[label] = [s.record() for s in summaries]
        print(f"{label:44s} {len(cells) * args.trials / elapsed:9.0f} trials/s wall ({elapsed:.1f} s)", flush=True)
    first = next(iter(results.values()))
    print("identical reports:", all(r == first for r in results.values()))


if __name__ == "__main__":
    main()
