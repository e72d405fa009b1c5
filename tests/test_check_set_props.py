"""R21 in `callback-race check`: a real Dash app's set_props side updates, converted and raced."""

from __future__ import annotations

import pytest

from conftest import APPS
from simulator import Config
from simulator.dashapp.check import Options, check
from simulator.latency import Fixed


def test_r21_a_real_responses_side_update_becomes_the_models(real_app):
    conv = real_app("stale_set_props")
    save = next(cb for cb in conv.callbacks if cb.name == "save_all")
    response = save.execute([1, {"first_name": "ann"}], ("save.n_clicks",))
    assert response.kind == "data" and response.outputs == {"status.children": "saved 1"}
    assert response.side == {"user_data.data": {"first_name": "ann", "saves": 1}}


@pytest.fixture(scope="module")
def stale_result():
    slow = Config(callback_delays={"save_all": Fixed(300)})
    return check(str(APPS / "stale_set_props.py"), Options(trials=20, config=slow), in_process=True)


def test_r21_check_finds_the_update_a_slow_set_props_writes_back_over(stale_result):
    by_name = {w.name: w for w in stale_result.workloads}
    both = by_name["interleave save.n_clicks,first_name.value"]
    # The name's Patch lands while the slow save runs; the save's stale copy then replaces the Store.
    assert both.proof == "diverges" and both.diverged >= both.trials // 4   # the name typed within the 300 ms save
    assert by_name["alone first_name.value"].proof == "proved safe"


def test_r21_check_finds_a_superseded_saves_set_props_landing_last(stale_result):
    # Clicking save again supersedes the first save (R8), but its set_props still lands (R21):
    # when it arrives last, the Store holds the older count. Only the explorer's orderings reach it here.
    typing = {w.name: w for w in stale_result.workloads}["typing save.n_clicks"]
    assert typing.proof == "diverges"
