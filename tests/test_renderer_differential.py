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
from simulator import Config, fastengine
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
        self.events.append((kind, now, sorted((k, json.dumps(_value(v), default=repr)) for k, v in f.items())))


class Legacy(Recording):
    renderer_class = legacy_renderer.Renderer


def outcome(sim) -> tuple:
    run = sim.run()
    figures = {k: v for k, v in vars(run).items() if k not in ("trace", "_wrong_since")}
    return figures, sim.events


@pytest.mark.parametrize("block", range(5))
def test_random_runs_give_the_legacy_renderers_events_and_figures(block):
    rng = random.Random(f"differential/{block}")
    for i in range(200):
        s = scenarios.scenario(rng.choice(list(scenarios.STRATEGIES)), rng.choice(list(scenarios.WORKLOADS)),
                               keys=rng.randint(1, 3))
        config, seed = random_config(rng), f"{block}/{i}"
        new = outcome(Recording(s.graph, s.plan(seed), s.check, config, seed))
        old = outcome(Legacy(s.graph, s.plan(seed), s.check, config, seed))
        assert new[1], "the renderer's events were recorded"
        assert new == old, f"{s.strategy.name} x {s.workload.name}, {len(s.keys)} keys, {config}, seed {seed}"


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


@settings(max_examples=1500, deadline=None, derandomize=True, database=None)
@given(st.sampled_from(NODES), st.data())
def test_request_sizes_from_the_skeleton_equal_the_encoded_body(node, data):
    n = len(node.input_keys) + len(node.state_keys)
    args = data.draw(st.lists(JSON, min_size=n, max_size=n))
    changed = data.draw(st.dictionaries(st.text(), st.just(True), max_size=3))
    assert request_bytes(node, args, changed) == _legacy_size(node, args, changed)
