"""The renderer's cheaper passes change nothing: same events, same order, same values.

``tests/legacy_renderer.py`` is the renderer before its per-pass work was
cut.  Thousands of seeded random runs (every strategy and workload, 1 to 4
keys, random timings with and without ties, queues, ordered transports, a
small request budget) go through both, and every renderer event (kind,
time, request, what it carried) and every figure of the run must agree.
Request sizes, now summed from a per-callback skeleton, are also checked
against encoding the whole body, on any JSON values (hypothesis).
"""

import json
import random

import pytest
from hypothesis import given, settings, strategies as st

import legacy_renderer
import scenarios
from simulator import (Action, Config, Dash, DashException, Input, Output, Plan, PreventUpdate, dcc, fastengine, html,
                       no_update)
from simulator.renderer import Renderer, request_bytes

DISTRIBUTIONS = ["0", "fixed:10", "fixed:50", "uniform:0:300", "uniform:5:25", "exp:40", "lognormal:3.7:0.3",
                 "pareto:5:1.5"]


def random_config(rng: random.Random) -> Config:
    return Config.make(server_delay=rng.choice(DISTRIBUTIONS), network=rng.choice(DISTRIBUTIONS),
                       client_overhead=rng.choice(DISTRIBUTIONS + ["lognormal:3.7:0.3"] * 3),
                       transport=rng.choice(["http1", "http2", "websocket", "websocket:1"]),
                       server=rng.choice(["threaded", "gunicorn:1", "gunicorn:2x2"]),
                       request_budget=rng.choice([2000, 2000, 2000, 12]))


def _value(v):
    return v.id if hasattr(v, "node") else [_value(x) for x in v] if isinstance(v, list) else v


class Recording(fastengine.FastSimulation):
    """The fast engine, noting every renderer event; ``renderer_class`` picks the renderer."""

    renderer_class = Renderer

    def _renderer(self, graph, config):
        self.events = []
        return self.renderer_class(graph, request_budget=config.request_budget, on_event=self._note)

    def _note(self, kind, now, **f):
        # "patched" (which values came as a Patch, for check's explanations) postdates the legacy copy
        self.events.append((kind, now, sorted((k, json.dumps(_value(v), default=repr)) for k, v in f.items()
                                              if k != "patched")))


class Legacy(Recording):
    renderer_class = legacy_renderer.Renderer


def outcome(sim) -> tuple:
    run = sim.run()
    figures = {k: v for k, v in vars(run).items() if k not in ("trace", "_wrong_since")}
    return figures, sim.events


#: The legacy copy predates set_props (R21): strategies that call it are left out.
STRATEGIES = [name for name in scenarios.STRATEGIES if name != "side_update"]


@pytest.mark.parametrize("block", range(5))
def test_random_runs_give_the_legacy_renderers_events_and_figures(block):
    rng = random.Random(f"differential/{block}")
    for i in range(200):
        s = scenarios.scenario(rng.choice(STRATEGIES), rng.choice(list(scenarios.WORKLOADS)),
                               keys=rng.randint(1, 3))
        config, seed = random_config(rng), f"{block}/{i}"
        new = outcome(Recording(s.graph, s.plan(seed), s.check, config, seed))
        old = outcome(Legacy(s.graph, s.plan(seed), s.check, config, seed))
        assert new[1], "the renderer's events were recorded"
        assert new == old, f"{s.strategy.name} x {s.workload.name}, {len(s.keys)} keys, {config}, seed {seed}"


def random_app(rng: random.Random):
    """A random app: chains, fans, loops (bounded by the budget), multi-output, Stores, PreventUpdate."""
    inputs = [f"i{n}" for n in range(rng.randint(1, 3))]
    props = [f"p{n}" for n in range(rng.randint(1, 5))]
    stores = {p for p in props if rng.random() < 0.4}
    app = Dash("random")
    app.layout = ([dcc.Input(id=i) for i in inputs]
                  + [dcc.Store(id=p, data=None) if p in stores else html.Div(id=p) for p in props])
    key = {**{i: f"{i}.value" for i in inputs}, **{p: f"{p}.data" if p in stores else f"{p}.children" for p in props}}
    free = list(props)
    rng.shuffle(free)
    for n in range(rng.randint(1, 5)):
        if not free:
            break
        outs = [free.pop() for _ in range(min(len(free), rng.choice([1, 1, 2])))]
        sources = inputs + props + [f"{p}.modified_timestamp" for p in stores]
        ins = rng.sample(sources, rng.randint(1, min(2, len(sources))))
        ins_keys = [k if "." in k else key[k] for k in ins]
        mode = rng.random()

        def body(*args, n=n, outs=outs, mode=mode):
            if args[0] is None and mode < 0.5:
                raise PreventUpdate
            values = [f"cb{n}:{str(args)[:20]}" for _ in outs]
            if mode > 0.85:
                values[0] = no_update
            return values if len(outs) > 1 else values[0]
        body.__name__ = f"cb{n}"
        app.callback([Output(*key[o].split(".")) for o in outs] if len(outs) > 1 else Output(*key[outs[0]].split(".")),
                     [Input(*k.split(".")) for k in ins_keys],
                     prevent_initial_call=rng.random() < 0.5)(body)
    actions = []
    for n in range(rng.randint(1, 4)):
        actions.append(Action({key[rng.choice(inputs)]: rng.choice(["a", "b", "ab", ""])},
                              delay=rng.choice([0.0, 5.0, 40.0, 300.0]), wait_settle=rng.random() < 0.5,
                              measure=n == 0))
    return app, Plan(tuple(actions))


@pytest.mark.parametrize("block", range(4))
def test_random_apps_give_the_legacy_renderers_events_and_figures(block):
    rng = random.Random(f"random apps/{block}")
    compared = 0
    while compared < 150:
        try:
            app, plan = random_app(rng)
            graph = app.graph
        except DashException:
            continue  # a layout Dash itself refuses: nothing to compare
        config, seed = random_config(rng), f"{block}/{compared}"
        config = Config(**{**vars(config), "request_budget": 60})
        new = outcome(Recording(graph, plan, lambda layout: (), config, seed))
        old = outcome(Legacy(graph, plan, lambda layout: (), config, seed))
        assert new == old, f"block {block}, app {compared}: {[cb.describe() for cb in app.callbacks]}"
        compared += 1


def _legacy_size(node, args, changed) -> int:
    """The request body, encoded whole, as the renderer used to size it."""
    def ref(key, **value):
        return {"id": key.rpartition(".")[0], "property": key.rpartition(".")[2], **value}
    body = {"output": "..".join(node.wire_outputs), "outputs": [ref(k) for k in node.wire_outputs],
            "inputs": [ref(k, value=v) for k, v in zip(node.input_keys, args)],
            "changedPropIds": list(changed),
            "state": [ref(k, value=v) for k, v in zip(node.state_keys, args[len(node.input_keys):])]}
    return len(json.dumps(body, separators=(",", ":")).encode())


NODES = [n for name in scenarios.STRATEGIES for n in scenarios.scenario(name, "interval", keys=3).graph.nodes]
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
                    max_leaves=8)


@settings(max_examples=600, deadline=None, derandomize=True, database=None)
@given(st.sampled_from(NODES), st.data())
def test_request_sizes_from_the_skeleton_equal_the_encoded_body(node, data):
    n = len(node.input_keys) + len(node.state_keys)
    args = data.draw(st.lists(JSON, min_size=n, max_size=n))
    changed = data.draw(st.dictionaries(st.text(), st.just(True), max_size=3))
    assert request_bytes(node, args, changed) == _legacy_size(node, args, changed)
