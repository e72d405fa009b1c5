"""callback-race's command line: parse arguments, call the library, print.

    callback-race report                # Monte-Carlo desync table, seed scenario
    callback-race run naive --workload load --seed 3
    callback-race graph chained --dot chained.dot
    callback-race explore naive --workload load --keys 2
    callback-race sweep --param 'server-delay=uniform:0:{50,100,200,400}' --strategies naive,patch --plot sweep.png
    callback-race rules R8              # a renderer rule in plain words
    callback-race check path/to/app.py   # a real Dash app: what can lose updates, why, and the fix
    callback-race list
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import traceback
from dataclasses import asdict
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

import scenarios
from simulator import Config, DashException, ScenarioError, outputs, parse_distribution, validate
from simulator.page import parse as parse_url
from simulator.dashapp.errors import CheckError
from simulator.guard import Stop
from simulator.engine import DEFAULT_CLIENT_OVERHEAD
from simulator.explore import DEFAULT_MAX_STATES
from simulator.montecarlo import DEFAULT_MAX_TRIALS, monte_carlo
from simulator.renderer import REQUEST_BUDGET
from simulator.report import (graph_dot, graph_text, settings_text, summary_table, timeline, verdict, why,
                              write_csv, write_json)
from simulator.rules import RULES, cite

DEFAULTS = {"trials": 1000, "seed": 0, "keys": 2, "server_delay": "uniform:0:300",
            "network": "uniform:5:25", "client_overhead": str(DEFAULT_CLIENT_OVERHEAD),
            "transport": "http1", "server": "threaded"}


class UsageError(Exception):
    pass


def _names(text: str | None, option: str) -> list[str] | None:
    """``--strategies a,b``: None means all; an empty list or a name twice is a mistake, not "all"."""
    if text is None:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise UsageError(f"{option} {text!r}: no names (leave the option out for all)")
    for name in names:
        if names.count(name) > 1:
            raise UsageError(f"{option} {text!r}: {name!r} is listed twice")
    return names


def _add_environment(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("environment (distributions in ms: fixed:X, uniform:A:B, exp:MEAN, "
                             "lognormal:MEDIAN:SIGMA, pareto:SCALE:ALPHA, empirical:FILE, or a number)")
    g.add_argument("--server-delay", default=DEFAULTS["server_delay"], metavar="DIST",
                   help="server processing time per request (default: %(default)s)")
    g.add_argument("--callback-delay", action="append", metavar="CALLBACK=DIST",
                   help="one callback's own server time, e.g. update_last_name=uniform:2000:4000 (repeatable; "
                        "the other callbacks keep --server-delay)")
    g.add_argument("--network", default=DEFAULTS["network"], metavar="DIST",
                   help="one-way network delay, drawn for upload and for download (default: %(default)s)")
    g.add_argument("--network-up", metavar="DIST", help="the upload's own delay, browser to server (default: --network)")
    g.add_argument("--network-down", metavar="DIST",
                   help="the download's own delay, server to browser (default: --network)")
    g.add_argument("--client-overhead", default=DEFAULTS["client_overhead"], metavar="DIST",
                   help="cost of one renderer pass, R20 (default: %(default)s; 0 = instantaneous renderer)")
    g.add_argument("--transport", default=DEFAULTS["transport"],
                   help="http1 (6 connections per host), http2 (multiplexed), websocket or websocket:N "
                        "(Dash 4's WebSocket callbacks: one connection, N=4 server threads) (default: %(default)s)")
    g.add_argument("--server", default=DEFAULTS["server"],
                   help="threaded, gunicorn:W or gunicorn:WxT; ignored by websocket (default: %(default)s)")
    g.add_argument("--bandwidth", default=None, help="e.g. 1mbit, 50mbit (default: unlimited)")
    g.add_argument("--request-budget", type=int, default=REQUEST_BUDGET, metavar="N",
                   help="a run stops as a runaway callback loop after N requests with no user action in "
                        "between (default: %(default)s)")
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
    w.add_argument("--dict-size", type=int, default=defaults.dict_size, metavar="BYTES",
                   help="pad user_data's initial dict to BYTES of JSON, e.g. 100000 (default: %(default)s: {})")


def _add_monte_carlo(p: argparse.ArgumentParser, trials: int, per: str) -> None:
    """Options shared by the Monte-Carlo commands (report, sweep)."""
    p.add_argument("--strategies", help="comma-separated (default: all; see `callback-race list`)")
    p.add_argument("--workloads", help="comma-separated (default: all)")
    p.add_argument("--trials", type=int, default=trials, help=f"runs per {per} (default: %(default)s)")
    p.add_argument("--seed", default=DEFAULTS["seed"], help="master seed (default: %(default)s)")
    p.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                   help="worker processes; results do not depend on it (default: %(default)s)")
    p.add_argument("--executor", choices=["local", "dask"], default="local",
                   help="local: --jobs processes on this machine; dask: a dask.distributed cluster "
                        "(--scheduler, or a local cluster of --jobs workers; pip install \".[dask]\"). "
                        "Results do not depend on it (default: %(default)s)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="a Dask scheduler, e.g. tcp://10.0.0.5:8786 "
                                                          "(its workers must have callback-race installed)")
    p.add_argument("--precision", type=float, metavar="WIDTH",
                   help="run until every 95%% interval is at most WIDTH wide, e.g. 0.005; --trials is the "
                        "first round, each round doubles the cells still too wide")
    p.add_argument("--max-trials", type=int, metavar="N",
                   help="with --precision: at most N trials per cell (default: 1000000)")
    p.add_argument("--json", metavar="PATH", help=f"write one record per {per} as JSON")
    p.add_argument("--csv", metavar="PATH", help="write the same as CSV (a sweep's values first)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def _jobs(args: argparse.Namespace) -> int:
    """--jobs, capped at the cores available (a note says so: results do not depend on it)."""
    from simulator.montecarlo import cores
    if args.jobs < 1:
        raise UsageError(f"--jobs must be >= 1, not {args.jobs}")
    if args.jobs > cores():
        _note(f"--jobs {args.jobs}: this machine has {cores()} cores; using {cores()} worker processes")
        return cores()
    return args.jobs


def _run_options(args: argparse.Namespace, bar: Progress, task: Any) -> dict[str, Any]:
    """Executor and precision options for monte_carlo/sweep; the bar's total follows the rounds."""
    if args.max_trials is not None and args.precision is None:
        raise UsageError("--max-trials needs --precision")
    return {"executor": args.executor, "scheduler": args.scheduler, "precision": args.precision,
            "max_trials": args.max_trials, "planned": lambda total: bar.update(task, total=total)}


def _precision(args: argparse.Namespace) -> dict[str, Any]:
    """The settings --precision adds (nothing without it, so plain runs record what they always did)."""
    if args.precision is None:
        return {}
    return {"precision": args.precision, "max_trials": args.max_trials or DEFAULT_MAX_TRIALS}


def _config(args: argparse.Namespace) -> Config:
    from simulator.network import parse_bandwidth
    if args.request_budget < 1:
        raise UsageError(f"--request-budget must be >= 1, not {args.request_budget}")
    if args.server_delay and "=" in args.server_delay.split(":")[0]:
        raise UsageError(f"--server-delay {args.server_delay!r}: one callback's own law is --callback-delay "
                         "CALLBACK=DIST here (check takes --server-delay CALLBACK=DIST)")
    return Config.make(server_delay=args.server_delay, network=args.network,
                       network_up=args.network_up, network_down=args.network_down,
                       client_overhead=args.client_overhead, transport=args.transport,
                       server=args.server, bandwidth=parse_bandwidth(args.bandwidth),
                       request_budget=args.request_budget,
                       callback_delays=_callback_delays(getattr(args, "callback_delay", None)))


def _callback_delays(entries: list[str] | None) -> dict[str, Any] | None:
    """``--callback-delay NAME=DIST``, repeatable: each callback's own server-time law."""
    laws: dict[str, Any] = {}
    for entry in entries or ():
        name, eq, law = entry.partition("=")
        if not eq or not name.strip() or not law.strip():
            raise UsageError(f"--callback-delay {entry!r}: give CALLBACK=DIST, e.g. update_last_name=uniform:0:50")
        if name.strip() in laws:
            raise UsageError(f"--callback-delay: {name.strip()!r} is given twice")
        laws[name.strip()] = parse_distribution(law.strip())
    return laws or None


def _params(args: argparse.Namespace) -> scenarios.Params:
    return scenarios.Params(interleave_window=args.interleave_window, typing_interval=args.typing_interval,
                            interval_period=args.interval_period, interval_ticks=args.interval_ticks,
                            dict_size=args.dict_size)


def _settings(args: argparse.Namespace, config: Config, params: scenarios.Params) -> dict[str, Any]:
    return {"seed": args.seed, "keys": args.keys, **config.describe(), **asdict(params)}


# --- commands -----------------------------------------------------------------

def cmd_report(args: argparse.Namespace, console: Console) -> int:
    config, params = _config(args), _params(args)
    if args.trials < 1:
        raise UsageError("--trials must be >= 1")
    cells = scenarios.cells(_names(args.strategies, "--strategies"), _names(args.workloads, "--workloads"),
                            args.keys, params)
    settings = {**_settings(args, config, params), "trials": args.trials, **_precision(args)}
    console.print(Text.assemble(("callback-race report", "bold"), " — ", settings_text(settings)))
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TimeRemainingColumn(), console=console, transient=True, disable=args.quiet) as bar:
        task = bar.add_task("simulating", total=len(cells) * args.trials)
        summaries = monte_carlo(cells, args.trials, args.seed, config, jobs=_jobs(args),
                                progress=lambda n: bar.advance(task, n), **_run_options(args, bar, task))
    console.print(summary_table(summaries, title="desync at quiescence, per strategy x workload"))
    if args.json:
        _write("--json", args.json, lambda: write_json(args.json, summaries, settings), console)
    if args.csv:
        _write("--csv", args.csv, lambda: write_csv(args.csv, summaries), console)
    return 0


def _require_pages(args: argparse.Namespace) -> None:
    if getattr(args, "html", None):
        from simulator import pages
        pages.require()


def _write_page(path: str, page: str, console: Console) -> None:
    from simulator import pages
    _write("--html", path, lambda: pages.write(path, page), console)


def cmd_run(args: argparse.Namespace, console: Console) -> int:
    _require_pages(args)
    config = _config(args)
    s = scenarios.scenario(args.strategy, args.workload, args.keys, _params(args))
    run = s.run(args.seed, config, trace=True)
    plan = s.plan(args.seed)
    console.print(Text.assemble((args.strategy, "bold"), " under ", (args.workload, "bold"),
                                f", seed {args.seed!r} — ", settings_text(config.describe())))
    console.print("user actions: " + "; ".join(a.describe() for a in plan.actions))
    console.print(timeline(run, width=console.width))
    console.print(why(run))
    console.print(f"requests sent {run.sent}, responses ignored {run.ignored}, settled {run.settle_ms:.1f} ms "
                  f"after the last action, diverged for {run.time_diverged:.1f} ms in all")
    console.print(verdict(run))
    if args.plot:
        from simulator import plots
        plots.require()  # after the timeline: without matplotlib the run is still shown, then the hint
        _write("--plot", args.plot, lambda: plots.run_plot(
            run, args.plot, title=f"{args.strategy} under {args.workload}, seed {args.seed!r} — "
            f"{config.transport.name}, {config.describe()['server']}, server delay {config.server_delay}"), console)
    if args.html:
        from simulator import pages
        _write_page(args.html, pages.run_page(run, verdict(run).plain, title=f"{args.strategy} under "
                                              f"{args.workload}, seed {args.seed!r}"), console)
    return 1 if args.fail_on_diverge and run.diverged else 0


def _sweepable() -> dict[str, argparse.Action]:
    """Every option of the environment and workload groups, by its CLI name: what --param can sweep."""
    p = argparse.ArgumentParser(add_help=False)
    _add_environment(p)
    # --callback-delay is a list of laws, not one value: give it as an option of the sweep itself.
    return {a.option_strings[0][2:]: a for a in p._actions if a.option_strings and a.dest != "callback_delay"}


def _given(argv: list[str], option: str, options: dict) -> str | None:
    """The token of ``argv`` that sets ``option`` (argparse also takes a unique prefix: ``--key 3``)."""
    for token in argv:
        name = token.split("=", 1)[0]
        if not name.startswith("--") or len(name) < 3:
            continue
        if name == option or (option.startswith(name) and
                              [o for o in options if f"--{o}".startswith(name)] == [option[2:]]):
            return token
    return None


def cmd_sweep(args: argparse.Namespace, console: Console) -> int:
    from simulator import sweep
    if args.plot:
        from simulator import plots
        plots.require()
    if args.trials < 1:
        raise UsageError("--trials must be >= 1")
    from simulator.figures import figure
    figure(args.metric)  # a bad name stops here, before the sweep runs
    _require_pages(args)
    options = _sweepable()
    axes = sweep.parse_axes(args.param, options)
    for axis in axes:
        given = _given(args.given, f"--{axis.name}", options)
        if given:
            raise UsageError(f"--param {axis.name}=... and {given} both set {axis.name}; give its values in "
                             "--param only")
    strategies, workloads = _names(args.strategies, "--strategies"), _names(args.workloads, "--workloads")

    def build(values: dict[str, str]):
        ns = argparse.Namespace(**vars(args))
        for name, value in values.items():
            action = options[name]
            try:
                setattr(ns, action.dest, action.type(value) if action.type else value)
            except ValueError:
                kind = {int: "a whole number", float: "a number"}.get(action.type, "another value")
                raise ScenarioError(f"{name} takes {kind}, not {value!r}") from None
        params = _params(ns)
        return _config(ns), scenarios.cells(strategies, workloads, ns.keys, params)

    points = sweep.build_points(axes, build)
    settings = {**_settings(args, _config(args), _params(args)), "trials": args.trials, **_precision(args),
                "swept": {a.name: list(a.values) for a in axes}}
    console.print(Text.assemble(("callback-race sweep", "bold"), f" — {len(points)} grid points x "
                                f"{len(points[0].cells)} cells x {args.trials} trials; ",
                                ", ".join(f"{a.name} in {{{', '.join(a.values)}}}" for a in axes)))
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TimeRemainingColumn(), console=console, transient=True, disable=args.quiet) as bar:
        task = bar.add_task("sweeping", total=sweep.total_runs(points, args.trials))
        rows = sweep.sweep(points, args.trials, args.seed, jobs=_jobs(args), progress=lambda n: bar.advance(task, n),
                           **_run_options(args, bar, task))
    console.print(sweep.sweep_table(rows, axes, title="desync at quiescence, per strategy x workload x grid point"))
    if args.json:
        _write("--json", args.json, lambda: sweep.write_json(args.json, rows, axes, settings), console)
    if args.csv:
        _write("--csv", args.csv, lambda: sweep.write_csv(args.csv, rows, axes), console)
    if args.plot:
        _write("--plot", args.plot, lambda: plots.sweep_plot(rows, axes, args.plot, metric=args.metric), console)
    if args.html:
        from simulator import pages
        _write_page(args.html, pages.sweep_page(rows, axes, args.metric, title="callback-race sweep"), console)
    return 0


def cmd_graph(args: argparse.Namespace, console: Console) -> int:
    s = scenarios.scenario(args.strategy, args.workload, args.keys)
    console.print(graph_text(s.graph), markup=False, highlight=False)
    if args.dot:
        _write("--dot", args.dot, lambda: Path(args.dot).write_text(graph_dot(s.graph)), console)
    return 0


def cmd_explore(args: argparse.Namespace, console: Console) -> int:
    from simulator import explore
    for name in ("max_schedules", "max_depth", "max_states"):
        validate.limit(f"--{name.replace('_', '-')}", getattr(args, name))
    _require_pages(args)
    s = scenarios.scenario(args.strategy, args.workload, args.keys)
    result = s.explore(max_schedules=args.max_schedules, max_depth=args.max_depth, max_states=args.max_states,
                       reduction=not args.no_reduction, same_ms=not args.distinct_ms,
                     passes=not args.no_passes)
    console.print(Text.assemble((args.strategy, "bold"), " under ", (args.workload, "bold"),
                                f", {args.keys} keys: every schedule"))
    actions = [a.describe() + ("" if a.wait_settle else " (at any point after the previous one)")
               for a in s.plan(0).actions]
    console.print("user actions: " + "; ".join(actions), highlight=False)
    for line in explore.summary_lines(result):
        console.print(cite(line), highlight=False)
    console.print(explore.outcome_table(result))
    if result.counterexample is not None:
        steps = len(result.counterexample_steps)
        console.print(timeline(result.counterexample, title=f"shortest diverging schedule ({steps} steps; "
                                                            "t = the logical clock, ms)", width=console.width))
        console.print(why(result.counterexample))
        console.print(verdict(result.counterexample))
        if args.html:
            from simulator import pages
            _write_page(args.html, pages.run_page(
                result.counterexample, verdict(result.counterexample).plain,
                title=f"{args.strategy} under {args.workload}: shortest diverging schedule ({steps} steps; "
                      "t = the logical clock)"), console)
    elif args.html:
        console.print(f"no diverging schedule: {args.html} not written", highlight=False)
    if args.json:
        options = {"strategy": args.strategy, "workload": args.workload, "keys": args.keys,
                   "max_schedules": args.max_schedules, "max_depth": args.max_depth, "max_states": args.max_states,
                   "reduction": not args.no_reduction, "same_ms": not args.distinct_ms,
                   "passes": not args.no_passes}
        _write("--json", args.json, lambda: explore.write_json(args.json, result, options), console)
    return 1 if args.fail_on_diverge and result.diverging else 0


def cmd_rules(args: argparse.Namespace, console: Console) -> int:
    from simulator import rules
    chosen = [rules.get(args.rule)] if args.rule else rules.RULES
    console.print("\n\n".join(rules.describe(r) for r in chosen), markup=False, highlight=False)
    return 0


def _check_page(path: str, result: Any, console: Console) -> None:
    from simulator import pages
    worst = next((w for w in result.workloads if w.counterexample is not None), None)
    if worst is None:
        console.print(Text(f"nothing diverges: no page written to {path}"))
        return
    store = worst.differs[0][0] if worst.differs else next(iter(worst.wrong), "")
    verdict_text = (f"{result.target}, workload {worst.name}: {', '.join(p for p, _, _ in worst.differs)} "
                    "ends different from every serial order of the actions")
    _write_page(path, pages.run_page(worst.counterexample, verdict_text, title=f"{result.target}: {worst.name}",
                                     store_prop=store), console)


def cmd_check(args: argparse.Namespace, console: Console) -> int:
    _require_pages(args)
    from simulator.dashapp.check import Options, check
    from simulator.dashapp.report import print_report, write_json as write_check_json
    from simulator.dashapp.workloads import Params as CheckParams
    from simulator.network import parse_bandwidth
    if args.trials < 1:
        raise UsageError("--trials must be >= 1")
    if args.max_pairs < 0:
        raise UsageError("--max-pairs must be >= 0")
    laws = [d for d in args.server_delay or [] if "=" not in d.split(":")[0]]
    per = dict(d.split("=", 1) for d in args.server_delay or [] if "=" in d.split(":")[0])
    config = Config.make(server_delay=laws[-1] if laws else DEFAULTS["server_delay"], network=args.network,
                         network_up=args.network_up, network_down=args.network_down,
                         client_overhead=args.client_overhead, transport=args.transport, server=args.server,
                         bandwidth=parse_bandwidth(args.bandwidth),
                         callback_delays={k: parse_distribution(v) for k, v in per.items()} or None)
    if args.url is not None:
        parse_url(args.url)   # a bad address is a one-line error here, before the app is loaded
    options = Options(trials=args.trials, seed=args.seed, config=config, values=args.values, impure=args.impure,
                      flask=args.flask, params=CheckParams(interleave_window=args.interleave_window,
                                                          max_pairs=args.max_pairs),
                      explore_states=args.max_states, workloads=tuple(_names(args.workloads, "--workloads") or ()),
                      expect=args.expect, url=args.url, assume_user_only=tuple(args.assume_user_only or ()))
    result = check(args.target, options)
    if args.json:
        write_check_json(args.json, result)
    print_report(result, console)
    if args.html:
        _check_page(args.html, result, console)
    return 1 if result.diverges else 3 if not result.workloads else 0


def cmd_list(args: argparse.Namespace, console: Console) -> int:
    console.print(Text.assemble(("strategies", "bold"), " (* = the article says it fixes the desync)"))
    for name, s in scenarios.STRATEGIES.items():
        console.print(f"  {name:28s}{'*' if s.fixed_by_article else ' '} {s.description}")
    console.print(Text("workloads", style="bold"))
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
                                   "print desync rates with 95% Wilson intervals.")
    _add_monte_carlo(r, trials=DEFAULTS["trials"], per="strategy x workload")
    _add_environment(r)
    r.set_defaults(func=cmd_report)

    one = sub.add_parser("run", help="one seeded run, printed as a timeline")
    one.add_argument("strategy")
    one.add_argument("--workload", default="load", help="(default: %(default)s)")
    one.add_argument("--seed", default=DEFAULTS["seed"], help="(default: %(default)s)")
    one.add_argument("--fail-on-diverge", action="store_true", help="exit 1 when the run diverges")
    one.add_argument("--plot", metavar="PATH.png", help="also draw the run as a Gantt chart of its requests "
                                                        "(needs matplotlib)")
    one.add_argument("--html", metavar="PATH.html", help="also write one self-contained interactive page (Plotly; needs the html extra)")
    _add_environment(one)
    one.set_defaults(func=cmd_run)

    g = sub.add_parser("graph", help="the callback dependency graph of a strategy")
    g.add_argument("strategy")
    g.add_argument("--keys", type=int, default=DEFAULTS["keys"])
    g.add_argument("--workload", default="load", help="the interval workload adds its ticker (default: %(default)s)")
    g.add_argument("--dot", metavar="PATH", help="also write Graphviz dot")
    g.set_defaults(func=cmd_graph)

    sw = sub.add_parser("sweep", help="Monte-Carlo over a grid of parameter values (table, CSV/JSON, plot)",
                        description="Run N seeded trials per strategy x workload at every point of a grid of "
                                    "settings. --param NAME=VALUES names an environment or workload option "
                                    "(server-delay, network, transport, server, bandwidth, keys, dict-size, ...) "
                                    "and its values: comma-separated, with shell-like braces "
                                    "('uniform:0:{50,100,200}', '{0..400..100}': quote them, or the shell "
                                    "expands the braces); several --param give the cartesian product.")
    sw.add_argument("--param", action="append", required=True, metavar="NAME=VALUES",
                    help="a swept option and its values, e.g. 'server-delay=uniform:0:{50,100,200,400}' "
                         "(quote it: the shell would expand the braces)")
    _add_monte_carlo(sw, trials=200, per="grid point x strategy x workload")
    sw.add_argument("--html", metavar="PATH.html", help="also write one self-contained interactive page (Plotly; needs the html extra)")
    sw.add_argument("--plot", metavar="PATH.png", help="draw a figure vs the first --param (needs matplotlib)")
    sw.add_argument("--metric", default="desync", metavar="NAME",
                    help="the figure --plot and --html draw: desync, requests, ignored, applied, settle-p50, "
                         "settle-p95, time-diverged, bytes-up, bytes-down (default: %(default)s)")
    _add_environment(sw)
    sw.set_defaults(func=cmd_sweep)

    ex = sub.add_parser("explore", help="every ordering the model allows: prove no divergence, or the shortest "
                                        "schedule that diverges",
                        description="Enumerate every schedule of the renderer model (by default the widest: "
                                    "R20's batched passes and events sharing a millisecond, which covers the "
                                    "engine whatever the latency laws): which response "
                                    "arrives next, and where each user action falls, with state "
                                    "hashing and partial-order reduction. Prints how many schedules, distinct end "
                                    "states and diverging ones, whether the result is complete, and the shortest "
                                    "diverging schedule as a timeline.")
    ex.add_argument("strategy")
    ex.add_argument("--workload", default="load", help="(default: %(default)s)")
    ex.add_argument("--keys", type=int, default=DEFAULTS["keys"], help="keys in user_data, 1-8 (default: %(default)s)")
    ex.add_argument("--max-schedules", type=int, metavar="N",
                    help="stop once N complete schedules are covered (default: no limit)")
    ex.add_argument("--max-depth", type=int, metavar="D", help="at most D events per schedule (default: no limit)")
    ex.add_argument("--max-states", type=int, metavar="N", default=DEFAULT_MAX_STATES,
                    help="expand at most N states, and hold at most N for the next step (default: %(default)s)")
    ex.add_argument("--no-reduction", action="store_true", help="no partial-order reduction (state hashing stays)")
    ex.add_argument("--distinct-ms", action="store_true",
                    help="a narrower model: no two events share a millisecond (no equal Store timestamps, R4)")
    ex.add_argument("--no-passes", action="store_true",
                    help="a narrower model: the instantaneous renderer, one pass per event (client overhead 0; "
                         "R20 passes are the default)")
    ex.add_argument("--same-ms", action="store_true", help=argparse.SUPPRESS)  # the default now; kept for old scripts
    ex.add_argument("--passes", action="store_true", help=argparse.SUPPRESS)   # likewise
    ex.add_argument("--json", metavar="PATH", help="write the result (end states, counterexample trace) as JSON")
    ex.add_argument("--html", metavar="PATH.html", help="write the shortest diverging schedule as an interactive "
                                                        "page (Plotly; needs the html extra)")
    ex.add_argument("--fail-on-diverge", action="store_true", help="exit 1 when some schedule diverges")
    ex.set_defaults(func=cmd_explore)

    ru = sub.add_parser("rules", help=f"the renderer rules R1-{RULES[-1].id} in plain words, or one of them",
                        description="What dash-renderer does, rule by rule, and the source file each rule "
                                    "comes from (docs/renderer-model.md explains them at length).")
    ru.add_argument("rule", nargs="?", help="a rule, e.g. R8 (default: all)")
    ru.set_defaults(func=cmd_rules)
    ck = sub.add_parser("check", help="check a real Dash app: which stores/props can lose updates, why, the fix",
                        description="Load a Dash 4 app (path/to/app.py or module, optionally :attr; default attr "
                                    "app), run its real callbacks under the simulated renderer on workloads "
                                    "generated from its inputs, and report every prop that can diverge from a "
                                    "serial execution. Exit status 1 when something diverges, 3 when nothing "
                                    "was checked (no workload).")
    ck.add_argument("target", help="path/to/app.py[:attr] or package.module[:attr]")
    ck.add_argument("--trials", type=int, default=200, help="Monte-Carlo runs per workload (default: %(default)s)")
    ck.add_argument("--seed", default=DEFAULTS["seed"], help="(default: %(default)s)")
    ck.add_argument("--values", metavar="FILE.json", help='values per input: {"component.prop": [v1, v2]}')
    ck.add_argument("--workloads", metavar="A,B", help="only workloads whose name contains one of these")
    ck.add_argument("--impure", action="store_true", help="no memoised responses; the app is re-created per trial")
    ck.add_argument("--flask", action="store_true", help="answer every request through Flask's test client")
    ck.add_argument("--max-states", type=int, default=20_000, metavar="N",
                    help="explorer: expand at most N states per workload (default: %(default)s)")
    ck.add_argument("--interleave-window", type=float, default=300.0, metavar="MS", help="(default: %(default)s)")
    ck.add_argument("--max-pairs", type=int, default=12, metavar="N",
                    help="pairs of inputs to try together and interleaved, related ones first (default: "
                         "%(default)s); the report lists those left out")
    ck.add_argument("--expect", metavar="STORE.PROP:KEY=COMPONENT.PROP,...",
                    help="also require each store key to equal its input once settled, e.g. "
                         "user_data.data:first_name=first_name.value,last_name=last_name.value")
    ck.add_argument("--url", metavar="ADDRESS", help="the address the page opens at, as a dcc.Location reports it "
                                                    "(R22), e.g. /reports?year=2024 (default: http://127.0.0.1:8050/)")
    ck.add_argument("--assume-user-only", action="append", metavar="TYPE",
                    help="a component type the model does not know (namespace.Type, Type or a namespace, e.g. "
                         "dash_bootstrap_components.Input) changes its props only when the user acts; repeatable")
    ck.add_argument("--json", metavar="PATH", help="write the report as JSON")
    ck.add_argument("--html", metavar="PATH.html", help="write the first diverging workload's shortest schedule "
                                                        "as an interactive page (Plotly; needs the html extra)")
    ck.add_argument("--server-delay", action="append", metavar="[CALLBACK=]DIST",
                    help=f"server time per request (default: {DEFAULTS['server_delay']}); CALLBACK=DIST for one "
                         "callback, e.g. update_info=uniform:2000:4000; repeatable")
    ck.add_argument("--network", default=DEFAULTS["network"], metavar="DIST", help="(default: %(default)s)")
    ck.add_argument("--network-up", metavar="DIST", help="the upload's own delay, browser to server (default: --network)")
    ck.add_argument("--network-down", metavar="DIST",
                    help="the download's own delay, server to browser (default: --network)")
    ck.add_argument("--client-overhead", default=DEFAULTS["client_overhead"], metavar="DIST",
                    help="(default: %(default)s)")
    ck.add_argument("--transport", default=DEFAULTS["transport"], help="(default: %(default)s)")
    ck.add_argument("--server", default=DEFAULTS["server"], help="(default: %(default)s)")
    ck.add_argument("--bandwidth", default=None)
    ck.set_defaults(func=cmd_check)

    ls = sub.add_parser("list", help="strategies and workloads")
    ls.set_defaults(func=cmd_list)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser().parse_args(argv)
    args.given = argv
    # Piped output (CI logs, files) gets a width that fits the report table.  No markup, no emoji
    # codes: user text (a seed, a path, a value in a timeline) is printed as it was typed.
    console = Console(width=None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 200,
                      markup=False, emoji=False)
    if not getattr(args, "func", None):
        parser().print_help()
        return 2
    previous = _on_sigterm()
    try:
        _check_outputs(args)
        return args.func(args, console)
    except (ScenarioError, DashException, UsageError, CheckError) as exc:
        _error(str(exc))
        return 2
    except OSError as exc:
        _error(f"{exc.filename or 'output'}: {exc.strerror or exc}")
        return 2
    except KeyboardInterrupt:
        _error("interrupted (Ctrl-C); nothing was written after this point")
        return 130
    except Stop:
        _error("terminated (SIGTERM); nothing was written after this point")
        return 143
    except Exception as exc:   # a bug of the tool's own: never mistaken for a verdict (1) or a refusal (2)
        where = traceback.extract_tb(exc.__traceback__)[-1]
        _error(f"internal error, a bug in callback-race and not in your app: {type(exc).__name__}: {exc} "
               f"(at {os.path.basename(where.filename)}:{where.lineno}); please report it with the command you "
               "ran. Set CALLBACK_RACE_TRACEBACK=1 for the whole traceback.")
        if os.environ.get("CALLBACK_RACE_TRACEBACK"):
            traceback.print_exc()
        return 4
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _error(message: str) -> None:
    Console(stderr=True, markup=False, emoji=False, highlight=False).print(
        Text.assemble(("error:", "bold red"), " ", message), soft_wrap=True)


def _note(message: str) -> None:
    Console(stderr=True, markup=False, emoji=False, highlight=False).print(
        Text.assemble(("note:", "yellow"), " ", message), soft_wrap=True)


def _on_sigterm():
    """SIGTERM stops the command as Ctrl-C does: one line, workers stopped, no traceback."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def stop(signum, frame):
        raise Stop

    return signal.signal(signal.SIGTERM, stop)


def _check_outputs(args: argparse.Namespace) -> None:
    """Refuse an output path that cannot be written before a long run, not after it."""
    paths = {f"--{option}": getattr(args, option, None) for option in ("json", "csv", "dot", "plot", "html")}
    outputs.check(paths)
    if paths["--plot"]:
        from simulator.plots import check_path
        check_path(paths["--plot"])


def _write(option: str, path: str, write, console: Console) -> None:
    with outputs.writing(option, path):
        write()
    console.print(Text(f"wrote {path}"))


if __name__ == "__main__":
    sys.exit(main())
