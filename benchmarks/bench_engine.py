"""Engine throughput on a simple two-callback app, and on the seed scenario.

    python benchmarks/bench_engine.py [--seconds 5]

Reports trials per second and renderer events per second (every request
created, merged, superseded, prioritized, dispatched, applied or ignored and
every prop change), with and without the R20 client-time model.  Run on
demand; nothing here is a test.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import scenarios  # noqa: E402
from simulator import Config, Dash, Input, Output, Plan, PreventUpdate, dcc, html, type_into  # noqa: E402
from simulator.engine import Simulation  # noqa: E402
from simulator.latency import Fixed  # noqa: E402


class Counting(Simulation):
    events = 0

    def _on_event(self, kind, now, **fields):
        Counting.events += 1
        super()._on_event(kind, now, **fields)


def two_callback_app() -> Dash:
    app = Dash("two")
    app.layout = [dcc.Input(id="a"), html.Div(id="b"), html.Div(id="c")]

    @app.callback(Output("b", "children"), Input("a", "value"), prevent_initial_call=True)
    def first(a):
        if a is None:
            raise PreventUpdate
        return a.upper()

    @app.callback(Output("c", "children"), Input("b", "children"), prevent_initial_call=True)
    def second(b):
        return f"<{b}>"
    return app


def measure(label: str, make_run, seconds: float) -> None:
    Counting.events = 0
    trials, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        make_run(trials)
        trials += 1
    elapsed = time.perf_counter() - start
    print(f"{label:58s} {trials / elapsed:9.0f} trials/s {Counting.events / elapsed:11.0f} events/s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    graph = two_callback_app().graph
    plan = Plan(tuple(type_into("a", "x" * (i + 1), delay=40.0, measure=i == 0) for i in range(10)))
    for name, config in (("client overhead 0", Config(client_overhead=Fixed(0))), ("default (R20)", Config())):
        measure(f"two callbacks, 10 keystrokes, {name}",
                lambda k: Counting(graph, plan, lambda layout: (), config, seed=k).run(), args.seconds)
    for strategy, workload in (("naive", "load"), ("chained_modified_timestamp", "interleave"),
                               ("circular", "typing")):
        s = scenarios.scenario(strategy, workload)
        measure(f"seed scenario {strategy} x {workload}, default",
                lambda k: Counting(s.graph, s.plan(k), s.check, Config(), seed=k).run(), args.seconds)


if __name__ == "__main__":
    main()
