"""The article's claims, checked over 1,000 seeded runs per strategy and workload.

Two environments: the renderer with no time of its own (``client_overhead=0``,
rules R1-R19) and the default one, where the renderer works in passes (R20).
Every assertion states what the model shows and, in its comment, the rule
that makes it so.  A "fixed" strategy that diverges is a finding, not a
failure: the test pins the finding down and the README explains it.
"""

import pytest

import scenarios
from simulator import Config
from simulator.latency import Fixed
from simulator.montecarlo import monte_carlo

TRIALS = 1000
FIXED = [name for name, s in scenarios.STRATEGIES.items() if s.fixed_by_article]
RARE = 0.03 * TRIALS


def _table(config):
    cells = scenarios.cells(workloads=["load", "interleave", "typing"])
    return {(s.strategy, s.workload): s for s in monte_carlo(cells, TRIALS, seed=0, config=config)}


@pytest.fixture(scope="module")
def instant():
    """The R1-R19 model: the renderer takes no time."""
    return _table(Config(client_overhead=Fixed(0)))


@pytest.fixture(scope="module")
def default():
    """The default environment: renderer passes take time and batch (R20)."""
    return _table(Config())


def rare(summary, keys):
    return 0 < summary.diverged < RARE and set(summary.wrong_keys) == set(keys)


def assert_expected(summary, expect, rare_keys=None):
    """``often``: a 95% interval inside 40-80%; ``rare``: under 3%, never zero
    (and only ``rare_keys`` lost, when given); ``never``: zero."""
    if expect == "often":
        low, high = summary.ci
        assert 0.4 < low and high < 0.8, summary.rate
    elif expect == "rare":
        assert 0 < summary.diverged < RARE, summary.diverged
        assert rare_keys is None or set(summary.wrong_keys) == set(rare_keys), summary.wrong_keys
    else:
        assert summary.diverged == 0, summary.diverged


def test_the_article_lists_the_fixed_strategies():
    assert FIXED == ["chained", "chained_modified_timestamp", "merged", "intermediary_stores", "patch"]


# --- load: the article's demonstration ------------------------------------------

@pytest.mark.parametrize("strategy", FIXED)
def test_claim3_every_fixed_strategy_never_diverges_under_load(instant, strategy):
    # load_data sets every input in one response; each fix orders (R9) or merges
    # the writes, or patches them (R17).
    assert instant[(strategy, "load")].trials == TRIALS
    assert instant[(strategy, "load")].diverged == 0


@pytest.mark.parametrize("strategy", [s for s in FIXED if s != "chained_modified_timestamp"])
def test_claim3_holds_with_renderer_passes_too_except_the_timestamp_chain(default, strategy):
    assert default[(strategy, "load")].diverged == 0


def test_claim3_finding_the_timestamp_chain_breaks_when_both_responses_share_a_pass(default):
    # R20 + R4: see test_client_time.py for the mechanism.
    assert rare(default[("chained_modified_timestamp", "load")], {"first_name"})


@pytest.mark.parametrize("mode", ["instant", "default"])
def test_claim1_naive_loses_exactly_one_key_under_load_sometimes_first_sometimes_last(mode, request):
    # Both update callbacks are requested by the same response and dispatched in
    # the same pass: both read the same user_data State (R14), and the later
    # response replaces the earlier one's dict (R16).
    s = request.getfixturevalue(mode)[("naive", "load")]
    assert s.diverged == TRIALS
    assert sum(s.wrong_keys.values()) == TRIALS  # one key per run, never both
    assert s.wrong_keys["first_name"] > 0.3 * TRIALS and s.wrong_keys["last_name"] > 0.3 * TRIALS


def test_claim2_circular_costs_more_requests_than_naive(default):
    # Every applied write of user_data triggers every key's callback again (R2);
    # circular pruning (R6) ends the loop one round later.
    assert default[("circular", "load")].requests.mean > default[("naive", "load")].requests.mean


def test_circular_is_consistent_without_passes_and_rarely_wrong_with_them(instant, default):
    # Without passes, Input(user_data) re-reads the dict after each write.  With
    # passes, both names' responses can land in one pass: the re-runs they
    # trigger are pruned as circular (R6) except one per key, and those two
    # read the same dict and race like naive (R14, R16).
    assert instant[("circular", "load")].diverged == 0
    assert 0 < default[("circular", "load")].diverged < RARE


# --- interleave: two changes close together ---------------------------------------

INTERLEAVE = {
    # naive: the second change's request reads user_data before the first
    # response is applied whenever the gap is shorter than a round trip (R14, R16).
    "naive": "often",
    # merged: the second change supersedes the first request in flight (R8); the
    # new request's changedPropIds holds only last_name, so the triggered filter
    # drops first_name, which the stale State does not have either.
    "merged": "often",
    # merged_unfiltered writes every truthy input: the lost trigger does not matter.
    "merged_unfiltered": "never",
    # patch: each Patch applies to the value current on arrival (R17).
    "patch": "never",
    # chained: update_last_name waits while update_first_name may still write the
    # chain store (R9), then reads the dict with the first name in it.
    "chained": "never",
    # chained_modified_timestamp: the Store's timestamp (R4) re-runs update_last_name
    # after every write, which heals the race... unless two writes land in the same
    # millisecond: Date.now() gives the same timestamp, no change, no re-run.
    "chained_modified_timestamp": "rare",
    # intermediary_stores: each key has its own store; the merge reads them all.
    "intermediary_stores": "never",
    # circular: Input(user_data) re-runs every key's callback after every write.
    "circular": "never",
}


@pytest.mark.parametrize("strategy,expect", INTERLEAVE.items())
def test_interleave_without_passes(instant, strategy, expect):
    assert_expected(instant[(strategy, "interleave")], expect, rare_keys={"first_name"})


# With passes circular's race of the last test appears (R20); chained_modified_timestamp's
# same-millisecond race did not occur in these 1,000 runs once a pass takes in only what arrives
# within its ~1 ms window (the explorer still finds it).
@pytest.mark.parametrize("strategy,expect",
                         {**INTERLEAVE, "circular": "rare", "chained_modified_timestamp": "never"}.items())
def test_interleave_with_passes(default, strategy, expect):
    assert_expected(default[(strategy, "interleave")], expect)


def test_interleave_merged_loses_the_superseded_trigger_exactly_when_naive_races(instant):
    # R8: what the superseded request was triggered by (first_name) is lost.
    merged, naive = instant[("merged", "interleave")], instant[("naive", "interleave")]
    assert set(merged.wrong_keys) == {"first_name"}
    # Same seeds, same latencies: both fail exactly when the second change comes
    # before the first response is applied.
    assert merged.diverged == naive.diverged


# --- typing: one character at a time ------------------------------------------------

@pytest.mark.parametrize("mode", ["instant", "default"])
@pytest.mark.parametrize("strategy", ["naive", "merged"])
def test_typing_rarely_loses_the_first_field(mode, strategy, request):
    # Typing heals itself: each keystroke re-reads the store.  But when the first
    # field's last keystroke is still in flight as the user types into the
    # second field, merged's new request supersedes it (R8) and drops its
    # trigger, and naive's reads the dict without the last character (R14, R16).
    assert rare(request.getfixturevalue(mode)[(strategy, "typing")], {"first_name"})


@pytest.mark.parametrize("strategy", ["merged_unfiltered", "patch", "chained", "chained_modified_timestamp",
                                      "intermediary_stores", "circular"])
def test_typing_other_strategies_never_diverge_without_passes(instant, strategy):
    assert instant[(strategy, "typing")].diverged == 0


def test_claim4_patch_requests_carry_less_than_naive(default):
    # The State dict travels with every naive request; a Patch request carries
    # only its Input (its response carries the operation instead of the dict).
    assert default[("patch", "load")].bytes_up < default[("naive", "load")].bytes_up
