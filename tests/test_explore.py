"""Exhaustive exploration (simulator/explore.py): proofs for bounded scenarios, counterexamples.

The explorer enumerates every schedule of the instantaneous renderer (client
overhead 0): which in-flight response arrives next, and where each user
action without ``wait_settle`` falls.  These tests pin down what it finds for
the article's strategies, that it agrees with Monte-Carlo, that bounds never
pass for proofs, and that the reduction loses no end state.
"""

from __future__ import annotations

import json

import pytest

import scenarios
from simulator import Config, Renderer
from simulator.explore import end_state, explore
from simulator.latency import Fixed
from simulator.report import timeline, verdict

FIXED = [name for name, s in scenarios.STRATEGIES.items() if s.fixed_by_article]


def _explore(strategy: str, workload: str, keys: int = 2, **kw):
    return scenarios.scenario(strategy, workload, keys).explore(**kw)


def _wrong_sets(result) -> set[tuple[str, ...]]:
    return {o.wrong for o in result.outcomes}


# --- load: the article's demonstration ------------------------------------------------------

@pytest.mark.parametrize("strategy", FIXED)
def test_load_strategies_the_article_calls_fixed_never_diverge(strategy):
    """Proved for load with 2 keys: no schedule of the instantaneous renderer diverges."""
    result = _explore(strategy, "load")
    assert result.complete and result.bound is None
    assert result.diverging == 0 and result.diverging_schedules == 0
    assert result.counterexample is None
    assert result.schedules >= 1 and len(result.end_states) >= 1


@pytest.mark.parametrize("strategy", ["patch", "merged", "intermediary_stores", "chained"])
def test_load_fixed_strategies_with_four_keys(strategy):
    result = _explore(strategy, "load", keys=4)
    assert result.complete and result.diverging == 0


def test_load_naive_loses_exactly_one_key_in_its_shortest_counterexample():
    """R14 + R16: both update callbacks read the same State and the later full value replaces the other."""
    result = _explore("naive", "load")
    assert result.complete
    # both orders of the two responses, each losing the other key
    assert result.schedules == 2
    assert _wrong_sets(result) == {("first_name",), ("last_name",)}
    ce = result.counterexample
    assert ce is not None and ce.diverged and len(ce.wrong) == 1
    assert ce.wrong[0] in ("first_name", "last_name")
    # the trace has the engine's entry format, so `run`'s timeline prints it
    kinds = [e["kind"] for e in ce.trace]
    assert kinds.count("applied") >= 4 and "dispatched" in kinds and "measure" in kinds
    dispatched = [e for e in ce.trace if e["kind"] == "dispatched" and e["callback"].startswith("update_")][-2:]
    assert [e["read"]["user_data.data"] for e in dispatched] == [{"first_name": "john", "last_name": "doe"}] * 2
    table = timeline(ce)
    assert table.row_count > 10
    assert "DIVERGED" in str(verdict(ce))
    assert len(result.counterexample_steps) == 9


def test_naive_with_n_keys_has_n_factorial_schedules_and_n_end_states():
    """Every order of the n responses is a schedule; the last one's full value wins (R16)."""
    result = _explore("naive", "load", keys=4)
    assert result.complete and result.schedules == 24
    assert len(result.end_states) == 4 and result.diverging == 4
    # each end state loses all keys but one: the last writer only put its own key
    assert {len(o.wrong) for o in result.outcomes} == {3}
    assert len(result.counterexample.wrong) == 3


# --- interleave: strategy by strategy ----------------------------------------------------------

def test_interleave_naive_loses_either_key():
    # R14 + R16: when last_name changes before update_first_name's response is back, both
    # requests read the same user_data (State) and the later full value replaces the earlier.
    # Consistent only when the second change comes after the first response.
    result = _explore("naive", "interleave")
    assert result.complete and result.schedules == 3
    assert _wrong_sets(result) == {(), ("first_name",), ("last_name",)}
    assert result.diverging == 2


def test_interleave_merged_loses_first_name():
    # R8: the last_name change requests update_user_data again, which supersedes the in-flight
    # first_name request; its response is ignored, and the new request's changedPropIds hold only
    # last_name.value, so the ctx.triggered_prop_ids filter writes only last_name: first_name is lost.
    result = _explore("merged", "interleave")
    assert result.complete
    assert _wrong_sets(result) == {(), ("first_name",)}
    assert result.diverging == 1
    ce = result.counterexample
    assert ce.wrong == ("first_name",)
    assert any(e["kind"] == "superseded" for e in ce.trace) and any(e["kind"] == "ignored" for e in ce.trace)


def test_interleave_merged_unfiltered_is_safe():
    # Same superseding (R8) as merged, but the body writes every truthy input; the superseding
    # request reads both current values at dispatch (R14), so nothing is lost.
    result = _explore("merged_unfiltered", "interleave")
    assert result.complete and result.diverging == 0


def test_interleave_circular_is_safe():
    # Every applied write re-triggers every key's callback (R2, Input(user_data.data)); the newest
    # request supersedes the in-flight one (R8) and reads the latest dict (R14), so the last write
    # to land always carries both keys; R6 pruning ends the chains.
    result = _explore("circular", "interleave")
    assert result.complete and result.diverging == 0


def test_interleave_chained_is_safe():
    # R9: update_last_name has Input(chain_0), an output of update_first_name, so while
    # update_first_name is pending update_last_name waits in requested; it is dispatched after the
    # first response is applied and reads the updated dict (R14).
    result = _explore("chained", "interleave")
    assert result.complete and result.diverging == 0


def test_interleave_chained_modified_timestamp_is_safe_with_distinct_milliseconds():
    # R4: each applied write changes modified_timestamp, which re-triggers update_last_name; the
    # re-triggered request supersedes a stale one in flight (R8) and reads the latest dict (R14).
    # This holds while no two Store writes share a millisecond (see the same_ms test below).
    result = _explore("chained_modified_timestamp", "interleave")
    assert result.complete and result.diverging == 0
    assert result.observes_time


def test_interleave_intermediary_stores_is_safe():
    # One Store per key: the per-key writes never race; the merge callback takes every per-key
    # Store as an Input, so whichever merge request is dispatched last reads both (R8, R14).
    result = _explore("intermediary_stores", "interleave")
    assert result.complete and result.diverging == 0


def test_interleave_patch_is_safe():
    # R17: each Patch sets only its key on the dict current when it arrives; patches compose.
    result = _explore("patch", "interleave")
    assert result.complete and result.diverging == 0


def test_chained_modified_timestamp_loses_a_key_when_two_writes_share_a_millisecond():
    """R4: two Store writes in one millisecond give one timestamp; the second triggers nothing.

    Exploring with ``same_ms`` refutes the article's pro-tip even under load: when
    update_first_name's response lands in the millisecond of update_last_name's, the Store's
    modified_timestamp does not change, update_last_name is not re-triggered, and the re-triggered
    request already in flight (which read the dict before first_name) overwrites it.
    """
    result = _explore("chained_modified_timestamp", "load", same_ms=True)
    assert result.complete and result.same_ms
    assert ("first_name",) in _wrong_sets(result)
    ce = result.counterexample
    assert ce.wrong in (("first_name",), ("last_name",))   # the shortest: either chained key, as it happens
    assert any(e["kind"] == "unchanged" and e["prop"] == "user_data.modified_timestamp" for e in ce.trace)
    assert any("same millisecond" in step for step in result.counterexample_steps)


@pytest.mark.parametrize("strategy", ["naive", "merged", "patch", "circular"])
def test_same_ms_changes_nothing_for_apps_that_do_not_see_time(strategy):
    plain = _explore(strategy, "interleave")
    assert not plain.observes_time
    assert _explore(strategy, "interleave", same_ms=True).end_states == plain.end_states


# --- agreement with Monte-Carlo ------------------------------------------------------------------

@pytest.mark.parametrize("workload", ["load", "interleave", "typing"])
def test_every_monte_carlo_end_state_is_one_exploration_enumerates(workload):
    """200 seeds of the engine with client overhead 0: each end layout is among the explored ones.

    ``same_ms=True`` because the engine's clock can put two Store writes in one millisecond
    (R4), which chained_modified_timestamp notices; without it the explorer assumes distinct
    milliseconds and can miss such an end state (e.g. interleave, seed 155 at the time of writing).
    """
    config = Config(client_overhead=Fixed(0))
    for name in scenarios.STRATEGIES:
        s = scenarios.scenario(name, workload, 2)
        result = s.explore(same_ms=True)
        assert result.complete
        for seed in range(200):
            run = s.run(seed, config)
            assert result.canonical(run.layout) in result.end_states, (name, workload, seed, run.layout)


@pytest.mark.parametrize("workload", ["load", "interleave"])
def test_r20_passes_cover_monte_carlo_with_the_default_client_overhead(workload):
    """With the engine's default client overhead, responses share passes (R20); ``passes=True``
    (+ ``same_ms``: a pass applies its responses at one time, R4) covers every end state it reaches."""
    for name in scenarios.STRATEGIES:
        s = scenarios.scenario(name, workload, 2)
        result = s.explore(passes=True, same_ms=True)
        assert result.complete
        for seed in range(200):
            run = s.run(seed)
            assert result.canonical(run.layout) in result.end_states, (name, workload, seed, run.layout)


def test_r20_circular_loses_a_key_only_when_two_responses_share_a_pass():
    # One response per pass (the instantaneous renderer): update_first_name's write re-triggers
    # update_last_name, which supersedes the in-flight update_last_name request (R8); the
    # re-triggered one reads the newest dict (R14).  When both responses land in one pass (R20),
    # both are applied before the pass schedules, so nothing is superseded: the re-triggered
    # update_last_name reads the dict with the stale first_name, lands last, and what it triggers
    # is pruned (R6: its chain already ran both callbacks).
    assert _explore("circular", "load").diverging == 0
    result = _explore("circular", "load", passes=True)
    assert result.complete and result.passes
    assert _wrong_sets(result) == {(), ("first_name",), ("last_name",)}
    assert any("(same pass)" in step for step in result.counterexample_steps)
    assert any(e["kind"] == "pruned" for e in result.counterexample.trace)


def test_r20_chained_with_three_keys_loses_last_name_when_two_responses_share_a_pass():
    # With one response per pass, update_last_name's chain write re-triggers update_age, which
    # supersedes a stale update_age in flight (R8).  When the stale update_age response (it read the
    # dict before the new last_name) lands in the same pass as update_last_name's (R20), it is
    # applied, not ignored, after the newer dict: its full value replaces it (R16), and the
    # re-triggered update_age then reads that stale dict (R14).  Monte-Carlo rarely meets this.
    assert _explore("chained", "interleave", keys=3).diverging == 0
    result = _explore("chained", "interleave", keys=3, passes=True)
    assert result.complete
    assert _wrong_sets(result) == {(), ("last_name",)}
    assert any("(same pass)" in step for step in result.counterexample_steps)


def test_end_states_leave_out_clock_props():
    result = _explore("chained", "interleave")
    assert "user_data.modified_timestamp" in result.clock_props
    assert "chain_0.data" in result.clock_props  # written from server_time()
    for es in result.end_states:
        assert not {p for p, _ in es} & result.clock_props
    layout = result.outcomes[0].layout
    assert result.canonical(layout) == end_state(layout, result.clock_props) == result.outcomes[0].end_state


# --- bounds ----------------------------------------------------------------------------------

def test_a_bound_makes_the_result_partial():
    full = _explore("naive", "load", keys=3)
    assert full.complete
    by_depth = _explore("naive", "load", keys=3, max_depth=5)
    assert not by_depth.complete and by_depth.bound == "max_depth=5"
    # checked level by level (a level = the steps taken): schedules ending on the same level
    # all count, and a bound that cut nothing leaves the result complete
    assert _explore("naive", "load", keys=3, max_schedules=1).complete
    by_schedules = _explore("circular", "typing", max_schedules=10)
    assert not by_schedules.complete and by_schedules.bound == "max_schedules=10"
    assert 10 <= by_schedules.schedules < _explore("circular", "typing").schedules
    by_states = _explore("naive", "load", keys=3, max_states=4)
    assert not by_states.complete and by_states.bound == "max_states=4"
    plain = _explore("naive", "load", keys=3, hashing=False, max_schedules=2)
    assert not plain.complete and plain.schedules == 2


def test_a_bound_that_cuts_nothing_leaves_the_result_complete():
    result = _explore("patch", "load", max_depth=100, max_schedules=10, max_states=1000)
    assert result.complete and result.diverging == 0


def test_a_partial_safe_result_is_not_reported_as_a_proof():
    from simulator.explore import summary_lines
    result = _explore("patch", "load", max_depth=4)
    assert not result.complete and result.diverging == 0
    text = "\n".join(summary_lines(result))
    assert "PARTIAL" in text and "proved for" not in text


# --- the reduction and state hashing lose nothing ------------------------------------------------

@pytest.mark.parametrize("strategy,workload,keys,options", [
    ("patch", "load", 3, {}),
    ("naive", "interleave", 3, {}),
    ("merged", "interleave", 3, {}),
    ("circular", "load", 2, {}),
    ("chained_modified_timestamp", "interleave", 2, {"same_ms": True}),
    ("merged", "typing", 2, {}),
    ("circular", "interleave", 2, {"passes": True, "same_ms": True}),
    ("chained", "load", 2, {"passes": True}),
])
def test_reduction_and_hashing_keep_every_end_state(strategy, workload, keys, options):
    s = scenarios.scenario(strategy, workload, keys)
    results = {(red, h): s.explore(reduction=red, hashing=h, **options)
               for red in (True, False) for h in (True, False)}
    assert all(r.complete for r in results.values())
    reference = results[(False, False)]  # plain enumeration of every schedule
    for r in results.values():
        assert r.end_states == reference.end_states
        assert r.diverging == reference.diverging
    # state hashing counts the same schedules as enumerating them one by one
    assert results[(False, True)].schedules == reference.schedules
    assert results[(True, True)].schedules == results[(True, False)].schedules
    assert results[(True, True)].states <= results[(False, True)].states


def test_reduction_applies_commuting_patches_in_one_order():
    reduced = _explore("patch", "load", keys=4)
    full = _explore("patch", "load", keys=4, reduction=False)
    assert full.schedules == 24 and reduced.schedules == 1
    assert reduced.end_states == full.end_states


def test_reduction_takes_ignored_responses_at_once():
    reduced = _explore("circular", "interleave")
    full = _explore("circular", "interleave", reduction=False)
    assert reduced.schedules < full.schedules
    assert reduced.end_states == full.end_states


# --- the renderer copy and the CLI ---------------------------------------------------------------

def test_renderer_clone_is_independent_and_behaves_the_same():
    s = scenarios.scenario("naive", "load", 2)
    r = Renderer(s.graph)
    r.load(0)
    r.schedule(0)
    (req,) = r.in_flight
    copy = r.clone()
    assert copy.in_flight[0] is not req and copy.in_flight[0].id == req.id
    copy.change({"first_name.value": "x"}, 1)
    copy.schedule(1)
    assert r.layout["first_name.value"] is None and not r.requested and len(r.in_flight) == 1
    response = req.callback.execute(req.args, tuple(req.changed), 1)
    assert r.receive(req, response, 1) == copy.receive(copy.in_flight[0], response, 1)
    assert copy.layout["first_name.value"] == "x"


def test_cli_explore_prints_counts_and_the_shortest_counterexample(tmp_path, capsys):
    import cli
    out = tmp_path / "explore.json"
    code = cli.main(["explore", "naive", "--workload", "load", "--no-passes", "--distinct-ms", "--json", str(out)])
    text = capsys.readouterr().out
    assert code == 0
    assert "schedules explored: 2" in text and "distinct end states: 2; diverging: 2" in text
    assert "complete" in text and "shortest diverging schedule" in text and "DIVERGED" in text
    data = json.loads(out.read_text())
    assert data["result"]["complete"] and data["result"]["diverging"] == 2
    assert len(data["result"]["counterexample"]["wrong"]) == 1


def test_cli_explore_defaults_to_the_model_that_covers_the_engine(capsys):
    """By default the CLI explores R20 passes and shared milliseconds: a proof covers every latency law."""
    import cli
    assert cli.main(["explore", "chained_modified_timestamp", "--workload", "load", "--fail-on-diverge"]) == 1
    text = capsys.readouterr().out
    assert "share a renderer pass" in text and "share a millisecond" in text
    assert cli.main(["explore", "chained_modified_timestamp", "--workload", "load", "--no-passes",
                     "--distinct-ms", "--fail-on-diverge"]) == 0
    assert "proved for this bounded scenario, in this model" in capsys.readouterr().out


def test_cli_explore_partial_and_proof(capsys):
    import cli
    assert cli.main(["explore", "patch", "--workload", "interleave"]) == 0
    assert "proved" in capsys.readouterr().out
    assert cli.main(["explore", "naive", "--keys", "3", "--max-depth", "5"]) == 0
    assert "PARTIAL: stopped by max_depth=5" in capsys.readouterr().out
    assert cli.main(["explore", "naive", "--fail-on-diverge"]) == 1
    capsys.readouterr()
    assert cli.main(["explore", "naive", "--max-schedules", "0"]) == 2


def test_explore_refuses_an_action_on_an_unknown_prop():
    from simulator import Plan, ScenarioError
    from simulator.workload import Action

    s = scenarios.scenario("naive", "load")
    with pytest.raises(ScenarioError, match="'frist_name.value'"):
        explore(s.graph, Plan((Action({"frist_name.value": "x"}),)), s.check)


def test_a_bounded_search_still_finds_a_counterexample_by_random_schedules():
    """naive x typing at 6 keys is far past the state bound; random schedules still find a lost key."""
    result = _explore("naive", "typing", keys=6, max_states=2_000, passes=True, same_ms=True)
    assert not result.complete and result.bound == "max_states=2000"
    assert result.walks > 0 and result.counterexample is not None and result.diverging >= 1
    assert result.counterexample.diverged
    again = _explore("naive", "typing", keys=6, max_states=2_000, passes=True, same_ms=True)
    assert again.counterexample_steps == result.counterexample_steps  # seeded: the same schedule


def test_random_schedules_that_find_nothing_prove_nothing():
    from simulator.explore import summary_lines
    result = _explore("patch", "typing", keys=4, max_states=500)
    assert not result.complete and result.walks > 0 and result.counterexample is None
    lines = summary_lines(result)
    assert any("found no diverging schedule (which proves nothing)" in line for line in lines)
    assert not any("proved for" in line for line in lines)


def test_r4_a_round_trip_floor_keeps_responses_out_of_the_millisecond_their_request_left():
    """With ``round_trip`` >= 1 ms (check passes its laws' least round trip) no response shares the millisecond
    its request left; with 0, every latency law, a sub-millisecond round trip can stamp a Store twice in one ms.

    A trial's Store mirror was reported diverging by check under network 5-25 ms each way: the explorer put
    the page's first round trips in the millisecond of the Store's mount stamp.
    """
    from conftest import APPS
    from simulator.dashapp.check import Options, check
    from simulator.dashapp.convert import convert
    from simulator.dashapp.load import load
    from simulator.engine import Config
    from simulator.workload import Action, Plan
    assert Config().round_trip_floor() >= 10
    conv = convert(load(str(APPS / "store_mirror.py")))
    plan = Plan((Action({"note.value": "x"}, wait_settle=True, measure=True),))
    wrong = lambda layout: () if layout["mirror.data"] == layout["draft.data"] else ("mirror.data",)  # noqa: E731
    anything = explore(conv.app.graph, plan, wrong, same_ms=True, passes=True)
    assert anything.complete and anything.diverging                      # a 0 ms round trip: possible in law
    floored = explore(conv.app.graph, plan, wrong, same_ms=True, passes=True, round_trip=1)
    assert floored.complete and not floored.diverging
    result = check(str(APPS / "store_mirror.py"), Options(trials=10), in_process=True)
    assert not result.diverges and all(w.proof == "proved safe" for w in result.workloads)


def test_max_states_bounds_the_states_held_for_the_next_level_too(monkeypatch):
    """A level can be wider than every level before it together: intermediary_stores with 7 keys
    fans out 7, 42, 210, 840, ... orders.  The search holds the next level whole (each state with
    its renderer), so max_states bounds it as well as the states expanded: memory stays bounded."""
    import simulator.explore as module
    from collections import defaultdict
    held: list[dict] = []

    class Level(defaultdict):   # the search keeps one per level: how many states reach each next state
        def __init__(self, *args):
            super().__init__(*args)
            held.append(self)

    monkeypatch.setattr(module, "defaultdict", Level)
    result = _explore("intermediary_stores", "load", keys=7, max_states=600)
    assert not result.complete and result.bound == "max_states=600"
    # Past 600 the search stops after the expansion that crossed it (a state has at most 7 successors).
    assert max(len(level) for level in held) <= 600 + 7
