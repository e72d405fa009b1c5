"""Monte-Carlo trials per second per core, before and after, for every strategy x workload.

    python benchmarks/bench_trials.py [--before 52fbf6d] [--seconds 1.0] [--rounds 3]
                                      [--strategies naive] [--workloads load]

"Before" is the project at a git revision (default: the commit before the
fast clock, 52fbf6d: the simpy engine, the renderer as it was), extracted to
a temporary folder; "after" is this working tree.  Each side runs a trial as
its Monte-Carlo does: ``Scenario.figures`` where the revision has it (the
fast clock with memoised passes, :mod:`simulator.memo`), else
``Scenario.run``.  One scenario per cell serves all of a side's trials, as
one runner serves all of a worker's chunks.  Each side runs in its own single-threaded worker process, the same
trial seeds (``0/k``) on both, and the two are measured alternately, cell by
cell, for ``--rounds`` rounds: on a machine shared with other work both see
the same load.  A figure is trials / CPU seconds of that worker (one core);
the best round is kept, since interference only ever slows a round down.
Run on demand; nothing here is a test.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def worker(root: str) -> None:
    """Serve ``{"strategy", "workload", "seconds", "start"}`` lines with trials/s figures."""
    sys.path.insert(0, root)
    import scenarios
    from simulator import Config
    from simulator.errors import ScenarioError
    built: dict = {}
    for line in sys.stdin:
        task = json.loads(line)
        key = (task["strategy"], task["workload"])
        if key not in built:
            try:
                built[key] = scenarios.scenario(*key)
            except ScenarioError as exc:  # a strategy this revision does not have (side_update before R21)
                print(json.dumps({"missing": str(exc), "next": task["start"]}), flush=True)
                continue
        s, config = built[key], Config()
        run = getattr(s, "figures", s.run)   # what Monte-Carlo calls, where the revision has it
        k, start = task["start"], time.process_time()
        while time.process_time() - start < task["seconds"]:
            for _ in range(20):
                run(f"0/{k}", config)
                k += 1
        print(json.dumps({"trials_per_s": (k - task["start"]) / (time.process_time() - start), "next": k}),
              flush=True)


def extract(revision: str, into: Path) -> Path:
    done = subprocess.run(["git", "-C", str(ROOT), "archive", revision], capture_output=True)
    if done.returncode:
        sys.exit(f"--before {revision}: not a revision of this repository ({done.stderr.decode().strip()}); "
                 "give the commit to compare against, e.g. the one before simulator/fastengine.py was added")
    archive = done.stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into)
    return into


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--before", default="52fbf6d", help="git revision measured as 'before' (default: %(default)s)")
    p.add_argument("--seconds", type=float, default=1.0, help="CPU seconds per cell per side per round")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--strategies", help="comma-separated (default: all)")
    p.add_argument("--workloads", help="comma-separated (default: all)")
    args = p.parse_args()
    sys.path.insert(0, str(ROOT))
    import scenarios
    strategies = args.strategies.split(",") if args.strategies else list(scenarios.STRATEGIES)
    workloads = args.workloads.split(",") if args.workloads else list(scenarios.WORKLOADS)
    with tempfile.TemporaryDirectory() as tmp:
        before_root = extract(args.before, Path(tmp))
        sides = {name: subprocess.Popen([sys.executable, __file__, "--worker", str(root)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)
                 for name, root in (("before", before_root), ("after", ROOT))}
        best: dict = {}
        seeds: dict = {}
        for _round in range(args.rounds):
            for s in strategies:
                for w in workloads:
                    for name, proc in sides.items():
                        start = seeds.get((name, s, w), 0)
                        proc.stdin.write(json.dumps({"strategy": s, "workload": w, "seconds": args.seconds,
                                                     "start": start}) + "\n")
                        proc.stdin.flush()
                        answer = json.loads(proc.stdout.readline())
                        seeds[(name, s, w)] = answer["next"] % 10_000
                        key = (name, s, w)
                        if "missing" not in answer:
                            best[key] = max(best.get(key, 0.0), answer["trials_per_s"])
        for proc in sides.values():
            proc.stdin.close()
            proc.wait()
    print(f"trials/s per core (CPU time of one worker), best of {args.rounds} alternating rounds; "
          f"before = {args.before}, after = working tree")
    print(f"{'strategy':28s} {'workload':11s} {'before':>9s} {'after':>9s} {'speed-up':>9s}")
    for s in strategies:
        for w in workloads:
            before, after = best.get(("before", s, w)), best.get(("after", s, w))
            if before is None or after is None:  # the cell exists on one side only
                shown = [f"{x:9.0f}" if x is not None else f"{'-':>9s}" for x in (before, after)]
                print(f"{s:28s} {w:11s} {shown[0]} {shown[1]} {'-':>9s}")
                continue
            print(f"{s:28s} {w:11s} {before:9.0f} {after:9.0f} {after / before:8.1f}x")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        worker(sys.argv[2])
    else:
        main()
