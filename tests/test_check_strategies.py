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
    ("chained_modified_timestamp", LOAD, True),
    ("patch", LOAD, False), ("patch", INTERLEAVE, False),
    ("chained", LOAD, False), ("chained", INTERLEAVE, False),
    ("intermediary_stores", LOAD, False), ("intermediary_stores", INTERLEAVE, False),
    ("merged_unfiltered", LOAD, False), ("merged_unfiltered", INTERLEAVE, False),
]


def _builtin_diverges(strategy: str, workload: str) -> bool:
    import scenarios
    result = scenarios.scenario(strategy, workload, keys=2).explore(passes=True, same_ms=True)
    assert result.complete
    return bool(result.diverging)


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
