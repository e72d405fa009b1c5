"""assert_never_diverges for users' own suites, and its pytest fixture."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT
from simulator import Plan, click
from simulator.testing import Diverges, assert_never_diverges


def _dash_app(name):
    from simulator.dashapp.load import import_target
    return import_target(str(ROOT / "tests" / "apps" / f"{name}.py"))


def test_a_safe_real_app_passes():
    pytest.importorskip("dash")
    assert_never_diverges(_dash_app("patch"), trials=10)


def test_a_racy_real_app_fails_with_the_shortest_timeline():
    pytest.importorskip("dash")
    with pytest.raises(Diverges) as failure:
        assert_never_diverges(_dash_app("naive"), trials=10)
    message = str(failure.value)
    assert message.startswith("diverges under alone load_data.n_clicks")
    assert "lost update by read-modify-write" in message
    assert "update_last_name" in message and "response applied" in message     # the timeline, not a Run dump
    assert "user_data.data: expected" in message and "fix: " in message


def test_simulator_apps_and_given_actions_and_an_invariant():
    import scenarios
    app = scenarios.strategy("naive").build(("first_name", "last_name"))
    load = Plan((click("load_data", wait_settle=True, measure=True),))
    with pytest.raises(Diverges, match="diverges under actions"):
        assert_never_diverges(app, actions=load, trials=5)
    safe = scenarios.strategy("patch").build(("first_name", "last_name"))
    assert_never_diverges(safe, actions=load, trials=5)
    with pytest.raises(Diverges):   # the user's own invariant is checked too
        assert_never_diverges(safe, actions=load, trials=5, invariant=lambda layout: ("always wrong",))


def test_the_pytest_fixture(tmp_path):
    test = tmp_path / "test_user.py"
    test.write_text(textwrap.dedent("""
        import scenarios
        from simulator import Plan, click

        def test_patch(never_diverges):
            app = scenarios.strategy("patch").build(("first_name", "last_name"))
            never_diverges(app, actions=Plan((click("load_data", wait_settle=True, measure=True),)), trials=3)
    """))
    from importlib.metadata import entry_points
    installed = any(ep.value == "simulator.pytest_plugin" for ep in entry_points(group="pytest11"))
    plugin = [] if installed else ["-p", "simulator.pytest_plugin"]   # pip install . registers the entry point
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", *plugin, str(test)],
                          capture_output=True, text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": ""},
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
