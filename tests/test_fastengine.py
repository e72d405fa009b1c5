"""The fast clock (simulator/fastengine.py) gives the reference engine's runs, bit for bit.

Monte-Carlo runs on the fast clock; the simpy engine stays the reference.  If
the two ever disagree on one figure of one trial, the report would move, so
every strategy x workload is compared trial by trial at fixed seeds, under
timings that create ties (fixed delays, no client overhead: same-instant
events whose order only simpy's tie-breaks decide), connection and worker
queues, in-order transports, the runaway guard and the time limit.
"""

import dataclasses

import pytest

import scenarios
from simulator import Config, fastengine, simulate
from simulator.errors import ScenarioError
from simulator.latency import Fixed
from simulator.metrics import Summary
from simulator.montecarlo import monte_carlo, trial_seed

CELLS = [(s, w) for s in scenarios.STRATEGIES for w in scenarios.WORKLOADS]

#: Timings that exercise every path of the clock.
CONFIGS = {
    "default": Config(),
    "http2": Config.make(transport="http2"),
    "websocket:1": Config.make(transport="websocket:1"),
    "gunicorn:1": Config.make(server="gunicorn:1"),
    "ties": Config(client_overhead=Fixed(0), network=Fixed(10), server_delay=Fixed(50)),
    "ties+queue": Config.make(client_overhead="0", network="fixed:5", server_delay="fixed:20", server="gunicorn:2"),
    "runaway": Config(request_budget=4),
    "time limit": Config(time_limit=250.0),
    "up/down": Config.make(network_up="fixed:40", network_down="uniform:0:3"),
}


def figures(run) -> dict:
    """Every Run field (what the report is built from), the trace aside."""
    out = dataclasses.asdict(run)
    out.pop("trace")
    return out


def both(strategy: str, workload: str, config: Config, seed: str) -> tuple[dict, dict]:
    """The figures of one trial on each engine, or the refusal each gave (the same, or the test fails).

    Only set_props over the WebSocket transport (R21) may be refused; any other refusal fails the test.
    """
    s = scenarios.scenario(strategy, workload)
    refusable = strategy == "side_update" and config.transport.name.startswith("websocket")

    def one(engine):
        try:
            return figures(engine(s.graph, s.plan(seed), s.check, config, seed=seed))
        except ScenarioError as exc:
            if not refusable:
                raise
            return {"refused": str(exc)}
    return one(simulate), one(fastengine.simulate)


@pytest.mark.parametrize("strategy,workload", CELLS)
def test_every_cell_matches_the_reference_engine_trial_by_trial(strategy, workload):
    for k in range(4):
        reference, fast = both(strategy, workload, CONFIGS["default"], trial_seed(0, k))
        assert fast == reference, f"trial {k}"


@pytest.mark.parametrize("name", [n for n in CONFIGS if n != "default"])
def test_every_cell_matches_under_ties_queues_and_cut_off_runs(name):
    config = CONFIGS[name]
    for strategy, workload in CELLS:
        for k in range(2):
            reference, fast = both(strategy, workload, config, trial_seed(7, k))
            assert fast == reference, f"{strategy} x {workload}, trial {k}"


def test_the_cut_off_configs_do_cut_runs_off():
    """The runaway and time-limit comparisons above compare something."""
    _, runaway = both("circular", "load", CONFIGS["runaway"], "0/0")
    _, cut = both("naive", "interval", CONFIGS["time limit"], "0/0")
    assert runaway["runaway"] and cut["unsettled"]


class _Reference:
    """A cell whose trials run on the simpy engine, to compare whole reports."""

    def __init__(self, cell):
        self.cell, self.label = cell, cell.label

    def build(self):
        s = self.cell.build()

        class Runner:
            @staticmethod
            def run(seed, config):
                return simulate(s.graph, s.plan(seed), s.check, config, seed=seed)
        return Runner()


def test_the_report_does_not_move_by_a_single_count():
    cells = scenarios.cells(["naive", "patch", "circular"], ["load", "interleave", "interval"])
    fast = monte_carlo(cells, 30, seed=3)
    reference = monte_carlo([_Reference(c) for c in cells], 30, seed=3)
    assert [s.record() for s in fast] == [s.record() for s in reference]
    assert all(isinstance(s, Summary) and s.trials == 30 for s in fast)


def test_a_bandwidth_limit_stays_on_the_reference_engine():
    config = Config(bandwidth=100.0)
    assert not fastengine.supports(config)
    with pytest.raises(ValueError, match="bandwidth"):
        fastengine.FastSimulation(scenarios.scenario("naive").graph, scenarios.scenario("naive").plan(0),
                                  lambda layout: (), config)
    s = scenarios.scenario("patch", "load")
    assert figures(s.run("0/1", config)) == figures(simulate(s.graph, s.plan("0/1"), s.check, config, seed="0/1"))


def test_a_config_field_it_does_not_model_sends_runs_to_the_reference_engine():
    """A Config field added later (say by another feature) is not silently ignored by the fast clock."""
    @dataclasses.dataclass(frozen=True)
    class Extended(Config):
        jitter: float = 0.0
    assert fastengine.supports(Extended())
    assert not fastengine.supports(Extended(jitter=1.0))
    assert fastengine.MODELLED <= {f.name for f in dataclasses.fields(Config)}
