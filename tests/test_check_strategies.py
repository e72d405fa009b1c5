"""The seed's eight strategies as ordinary Dash apps (tests/apps/), checked with no hand-written check.

Each gets the verdict of the built-in scenario (scenarios/user_data.py) on
the same workload: the seed's ``load`` is the generated ``alone
load_data.n_clicks`` (one click sets both names), its ``interleave`` the
generated ``interleave first_name.value,last_name.value``.  The verdict is
the explorer's (every ordering, R20 passes and same-millisecond events),
backed by Monte-Carlo.
"""

from __future__ import annotations

import pytest

from conftest import workload_named
from simulator.dashapp.analyse import run_workload

LOAD = "alone load_data.n_clicks"
INTERLEAVE = "interleave first_name.value,last_name.value"
SEED_WORKLOAD = {LOAD: "load", INTERLEAVE: "interleave"}

# (app, workload, diverges?)
VERDICTS = [
    ("naive", LOAD, True), ("naive", INTERLEAVE, True),
    ("merged", LOAD, False), ("merged", INTERLEAVE, True),
    ("chained_modified_timestamp", LOAD, True), ("circular", LOAD, True),
    ("patch", LOAD, False), ("patch", INTERLEAVE, False),
    # chained breaks when last_name is typed first: update_last_name's answer and update_first_name's land
    # in one pass (R20), and the chained request that follows reads a dict without first_name
    ("chained", LOAD, False), ("chained", INTERLEAVE, True),
    ("intermediary_stores", LOAD, False), ("intermediary_stores", INTERLEAVE, False),
    ("merged_unfiltered", LOAD, False), ("merged_unfiltered", INTERLEAVE, False),
]


def _builtin_diverges(strategy: str, workload: str) -> bool:
    """The built-in scenario's verdict, over both orders of an interleaved pair (as check explores them)."""
    import scenarios
    from simulator.dashapp.workloads import _swapped
    from simulator.explore import explore
    s = scenarios.scenario(strategy, workload, keys=2)
    plans = [s.plan(0)] + ([_swapped(s.plan(0))] if workload == "interleave" else [])
    results = [explore(s.graph, p, s.check, passes=True, same_ms=True) for p in plans]
    assert all(r.complete for r in results)
    return any(r.diverging for r in results)


@pytest.mark.parametrize("app,workload,diverges", VERDICTS)
def test_real_app_gets_the_builtin_verdict(real_app, app, workload, diverges):
    conv = real_app(app)
    result = run_workload(conv, workload_named(conv, workload), trials=30, seed=0, config=_config())
    assert _builtin_diverges(app, SEED_WORKLOAD[workload]) == diverges
    if diverges:
        assert result.proof == "diverges" and result.timeline
    else:
        assert result.proof == "proved safe" and result.diverged == 0


def _config():
    from simulator import Config
    return Config()


def test_naive_names_the_lost_update_and_the_patch_fix(real_app):
    conv = real_app("naive")
    result = run_workload(conv, workload_named(conv, LOAD), trials=20, seed=0, config=_config())
    assert result.diverged == 20                           # every run loses a key, as in the seed
    assert result.anomaly.name.startswith("lost update by read-modify-write")
    assert "Patch()" in result.anomaly.fix and "tests/apps/naive.py:" in result.anomaly.fix
    (prop, expected, got), = result.differs
    assert prop == "user_data.data" and expected == {"first_name": "Mickael", "last_name": "Jackson"}
    assert got in ({"first_name": "Mickael"}, {"last_name": "Jackson"})


def test_merged_names_the_superseded_trigger(real_app):
    conv = real_app("merged")
    result = run_workload(conv, workload_named(conv, INTERLEAVE), trials=50, seed=0, config=_config())
    assert result.anomaly.name.startswith("trigger lost by a superseded request")
    assert "update_user_data (tests/apps/merged.py:" in result.anomaly.fix
    assert 0 < result.diverged < 50                        # only when the second change comes in flight (R8)


from hypothesis import given, settings, strategies as st  # noqa: E402

from simulator import simulate  # noqa: E402
from simulator.dashapp.analyse import clock_props  # noqa: E402
from simulator.dashapp.oracle import Oracle  # noqa: E402
from simulator.latency import Uniform  # noqa: E402


@settings(max_examples=30, deadline=None)
@given(app=st.sampled_from(["patch", "chained", "intermediary_stores", "merged_unfiltered"]),
       workload=st.sampled_from([LOAD, INTERLEAVE]), seed=st.integers(0, 10 ** 6),
       server=st.floats(1, 2000), network=st.floats(0, 200))
def test_safe_real_apps_never_diverge_under_any_latency(real_app, app, workload, seed, server, network):
    conv = real_app(app)
    w = workload_named(conv, workload)
    oracle = Oracle(conv.app.graph, w.plan(0), clock_props(conv))
    config = _config().__class__(server_delay=Uniform(0, server), network=Uniform(0, network))
    run = simulate(conv.app.graph, w.plan(seed), oracle, config, seed=seed)
    assert not run.diverged, (app, workload, run.wrong)


@pytest.mark.parametrize("app,workload", [("naive", LOAD), ("merged", INTERLEAVE), ("patch", INTERLEAVE)])
def test_fast_and_flask_paths_give_the_same_verdict(real_app, app, workload):
    fast, flask = real_app(app), real_app(app, flask=True)
    a = run_workload(fast, workload_named(fast, workload), _config(), trials=15, seed=1)
    b = run_workload(flask, workload_named(flask, workload), _config(), trials=15, seed=1)
    assert (a.diverged, a.proof, a.wrong, a.timeline, a.differs) == (b.diverged, b.proof, b.wrong, b.timeline, b.differs)
