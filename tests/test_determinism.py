"""A seed gives one bit-identical run: same trace in-process, across processes, and
across hash seeds; different seeds give different runs under random latency."""

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

from simulator import (Config, Dash, Input, Output, Patch, Plan, PreventUpdate, State, click, dcc, html,
                       simulate, type_into)
from simulator.latency import LogNormal, Uniform

TESTS = Path(__file__).resolve().parent
KEYS = ("first_name", "last_name", "city")


def build_app() -> Dash:
    """A little of everything: allow_duplicate writers, a Patch writer, a chain, a Store timestamp."""
    app = Dash("determinism")
    app.layout = ([dcc.Input(id=k) for k in KEYS]
                  + [dcc.Store(id="user_data", data={}), html.Button(id="load", n_clicks=0),
                     html.Div(id="summary"), html.Div(id="stamp")])
    for key in KEYS[:2]:
        def update(value, user_data, key=key):
            if not value:
                raise PreventUpdate
            user_data[key] = value
            return user_data
        update.__name__ = f"update_{key}"
        app.callback(Output("user_data", "data", allow_duplicate=True), Input(key, "value"),
                     State("user_data", "data"), prevent_initial_call=True)(update)

    @app.callback(Output("user_data", "data", allow_duplicate=True), Input("city", "value"),
                  prevent_initial_call=True)
    def patch_city(city):
        p = Patch()
        p["city"] = city
        return p

    @app.callback([Output(k, "value") for k in KEYS], Input("load", "n_clicks"), prevent_initial_call=True)
    def load_all(n):
        return [f"{k}{n}" for k in KEYS]

    @app.callback(Output("summary", "children"), Input("user_data", "data"))
    def summary(data):
        return ",".join(f"{k}={v}" for k, v in sorted((data or {}).items()))

    @app.callback(Output("stamp", "children"), Input("user_data", "modified_timestamp"))
    def stamp(ts):
        return ts

    return app


PLAN = Plan((
    type_into("first_name", "john"),
    type_into("last_name", "doe", delay=40),
    type_into("city", "paris", delay=15),
    click("load", wait_settle=True, measure=True),
    type_into("first_name", "jane", delay=5),
    click("load", delay=60),
))
CONFIG = Config(server_delay=Uniform(0, 300), network=Uniform(5, 25), client_overhead=LogNormal(3.7, 0.3))


def check(layout):
    data = layout["user_data.data"] or {}
    return tuple(k for k in KEYS if (layout[f"{k}.value"] or None) != data.get(k))


def trace_json(seed) -> str:
    run = simulate(build_app(), PLAN, check, CONFIG, seed=seed, trace=True)
    return json.dumps({"trace": run.trace, "layout": run.layout, "errors": run.errors, "sent": run.sent})


def test_same_seed_gives_identical_traces():
    first, second = trace_json(7), trace_json(7)
    assert len(json.loads(first)["trace"]) > 50
    assert first == second


def test_same_seed_gives_identical_traces_across_processes_and_hash_seeds():
    here = trace_json(7)
    code = (f"import sys; sys.path[:0] = [{str(TESTS)!r}, {str(ROOT)!r}]; "
            "from test_determinism import trace_json; sys.stdout.write(trace_json(7))")
    for hash_seed in ("1", "4242"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                             timeout=60, check=True).stdout
        assert out == here, f"PYTHONHASHSEED={hash_seed} changed the run"


def test_different_seeds_give_different_traces():
    traces = {trace_json(seed) for seed in (1, 2, 3)}
    assert len(traces) == 3
