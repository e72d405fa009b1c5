"""callback-race's command line: parse arguments, call the library, print.

    callback-race report                # Monte-Carlo desync table, seed scenario
    callback-race run naive --workload load --seed 3
    callback-race graph chained --dot chained.dot
    callback-race list
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import asdict
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

import scenarios
from simulator import Config, DashException, ScenarioError
from simulator.engine import DEFAULT_CLIENT_OVERHEAD
from simulator.montecarlo import monte_carlo
from simulator.report import graph_dot, graph_text, summary_table, timeline, verdict, write_csv, write_json

DEFAULTS = {"trials": 1000, "seed": 0, "keys": 2, "server_delay": "uniform:0:300",
            "network": "uniform:5:25", "client_overhead": str(DEFAULT_CLIENT_OVERHEAD),
            "transport": "http1", "server": "threaded"}


class UsageError(Exception):
    pass


def _names(text: str | None) -> list[str] | None:
    return [n.strip() for n in text.split(",") if n.strip()] if text else None


def _add_environment(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("environment (distributions in ms: fixed:X, uniform:A:B, exp:MEAN, "
                             "lognormal:MEDIAN:SIGMA, pareto:SCALE:ALPHA, empirical:FILE, or a number)")
    g.add_argument("--server-delay", default=DEFAULTS["server_delay"], metavar="DIST",
                   help="server processing time per request (default: %(default)s)")
    g.add_argument("--network", default=DEFAULTS["network"], metavar="DIST",
                   help="one-way network delay, drawn for upload and for download (default: %(default)s)")
    g.add_argument("--client-overhead", default=DEFAULTS["client_overhead"], metavar="DIST",
                   help="cost of one renderer pass, R20 (default: %(default)s; 0 = instantaneous renderer)")
    g.add_argument("--transport", default=DEFAULTS["transport"],
                   help="http1 (6 connections per host) or http2 (default: %(default)s)")
    g.add_argument("--server", default=DEFAULTS["server"],
                   help="threaded, gunicorn:W or gunicorn:WxT (default: %(default)s)")
    g.add_argument("--bandwidth", default=None, help="e.g. 1mbit, 50mbit (default: unlimited)")
    w = p.add_argument_group("workload parameters")
    defaults = scenarios.Params()
    w.add_argument("--keys", type=int, default=DEFAULTS["keys"], help="keys in user_data, 1-8 (default: %(default)s)")
    w.add_argument("--interleave-window", type=float, default=defaults.interleave_window, metavar="MS",
                   help="interleave: the second change comes at U[0, MS] (default: %(default)s)")
    w.add_argument("--typing-interval", type=float, default=defaults.typing_interval, metavar="MS",
                   help="typing: mean ms between key strokes (default: %(default)s)")
    w.add_argument("--interval-period", type=float, default=defaults.interval_period, metavar="MS",
                   help="interval: dcc.Interval period (default: %(default)s)")
    w.add_argument("--interval-ticks", type=int, default=defaults.interval_ticks, metavar="N",
                   help="interval: ticks before it stops (default: %(default)s)")


def _config(args: argparse.Namespace) -> Config:
    from simulator.network import parse_bandwidth
    return Config.make(server_delay=args.server_delay, network=args.network,
                       client_overhead=args.client_overhead, transport=args.transport,
                       server=args.server, bandwidth=parse_bandwidth(args.bandwidth))


def _params(args: argparse.Namespace) -> scenarios.Params:
    return scenarios.Params(interleave_window=args.interleave_window, typing_interval=args.typing_interval,
                            interval_period=args.interval_period, interval_ticks=args.interval_ticks)


def _settings(args: argparse.Namespace, config: Config, params: scenarios.Params) -> dict[str, Any]:
    return {"seed": args.seed, "keys": args.keys, **config.describe(), **asdict(params)}


# --- commands -----------------------------------------------------------------

def cmd_report(args: argparse.Namespace, console: Console) -> int:
    config, params = _config(args), _params(args)
    if args.trials < 1:
        raise UsageError("--trials must be >= 1")
    cells = scenarios.cells(_names(args.strategies), _names(args.workloads), args.keys, params)
    settings = {**_settings(args, config, params), "trials": args.trials}
    console.print("[bold]callback-race report[/] — " + ", ".join(f"{k}={v}" for k, v in settings.items()))
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TimeRemainingColumn(), console=console, transient=True, disable=args.quiet) as bar:
        task = bar.add_task("simulating", total=len(cells) * args.trials)
        summaries = monte_carlo(cells, args.trials, args.seed, config, jobs=args.jobs,
                                progress=lambda n: bar.advance(task, n))
    console.print(summary_table(summaries, title="desync at quiescence, per strategy x workload"))
    if args.json:
        write_json(args.json, summaries, settings)
        console.print(f"wrote {args.json}")
    if args.csv:
        write_csv(args.csv, summaries)
        console.print(f"wrote {args.csv}")
    return 0


def cmd_run(args: argparse.Namespace, console: Console) -> int:
    config = _config(args)
    s = scenarios.scenario(args.strategy, args.workload, args.keys, _params(args))
    run = s.run(args.seed, config, trace=True)
    plan = s.plan(args.seed)
    console.print(f"[bold]{args.strategy}[/] under [bold]{args.workload}[/], seed {args.seed!r} — "
                  + ", ".join(f"{k}={v}" for k, v in config.describe().items()))
    console.print("user actions: " + "; ".join(a.describe() for a in plan.actions))
    console.print(timeline(run))
    console.print(f"requests sent {run.sent}, responses ignored {run.ignored}, settled {run.settle_ms:.1f} ms "
                  f"after the last action, diverged for {run.time_diverged:.1f} ms in all")
    console.print(verdict(run))
    return 1 if args.fail_on_diverge and run.diverged else 0


def cmd_graph(args: argparse.Namespace, console: Console) -> int:
    s = scenarios.scenario(args.strategy, args.workload, args.keys)
    console.print(graph_text(s.graph), markup=False, highlight=False)
    if args.dot:
        with open(args.dot, "w") as fh:
            fh.write(graph_dot(s.graph))
        console.print(f"wrote {args.dot}")
    return 0


def cmd_list(args: argparse.Namespace, console: Console) -> int:
    console.print("[bold]strategies[/] (* = the article says it fixes the desync)")
    for name, s in scenarios.STRATEGIES.items():
        console.print(f"  {name:28s}{'*' if s.fixed_by_article else ' '} {s.description}")
    console.print("[bold]workloads[/]")
    for name, w in scenarios.WORKLOADS.items():
        console.print(f"  {name:12s} {w.description}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="callback-race", description=(
        "Simulate how dash-renderer runs concurrent callbacks, and measure how often a dcc.Store "
        "written by several callbacks loses updates."))
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    r = sub.add_parser("report", help="Monte-Carlo desync table for every strategy x workload (the main job)",
                       description="Run N seeded trials per strategy x workload of the seed scenario and "
                                   "print desync rates with 95%% Wilson intervals.")
    r.add_argument("--strategies", help="comma-separated (default: all; see `callback-race list`)")
    r.add_argument("--workloads", help="comma-separated (default: all)")
    r.add_argument("--trials", type=int, default=DEFAULTS["trials"], help="runs per cell (default: %(default)s)")
    r.add_argument("--seed", default=DEFAULTS["seed"], help="master seed (default: %(default)s)")
    r.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                   help="worker processes; results do not depend on it (default: %(default)s)")
    r.add_argument("--json", metavar="PATH", help="write one record per strategy x workload as JSON")
    r.add_argument("--csv", metavar="PATH", help="write the same as CSV")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_environment(r)
    r.set_defaults(func=cmd_report)

    one = sub.add_parser("run", help="one seeded run, printed as a timeline")
    one.add_argument("strategy")
    one.add_argument("--workload", default="load", help="(default: %(default)s)")
    one.add_argument("--seed", default=DEFAULTS["seed"], help="(default: %(default)s)")
    one.add_argument("--fail-on-diverge", action="store_true", help="exit 1 when the run diverges")
    _add_environment(one)
    one.set_defaults(func=cmd_run)

    g = sub.add_parser("graph", help="the callback dependency graph of a strategy")
    g.add_argument("strategy")
    g.add_argument("--keys", type=int, default=DEFAULTS["keys"])
    g.add_argument("--workload", default="load", help="the interval workload adds its ticker (default: %(default)s)")
    g.add_argument("--dot", metavar="PATH", help="also write Graphviz dot")
    g.set_defaults(func=cmd_graph)

    ls = sub.add_parser("list", help="strategies and workloads")
    ls.set_defaults(func=cmd_list)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    # Piped output (CI logs, files) gets a width that fits the report table.
    console = Console(width=None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 160)
    if not getattr(args, "func", None):
        parser().print_help()
        return 2
    try:
        return args.func(args, console)
    except (ScenarioError, DashException, UsageError) as exc:
        Console(stderr=True).print(f"[bold red]error:[/] {exc}", highlight=False)
        return 2


if __name__ == "__main__":
    sys.exit(main())
