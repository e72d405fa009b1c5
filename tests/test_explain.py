"""The why, in words (simulator/explain.py): the closing sentence names the mechanism and the losing write.

One test per mechanism on the seed scenario's strategies (issue 12), each on
a seeded run whose trace shows that mechanism, plus the terminal output that
must fit 100 columns without cutting the values that explain the race.
"""

import pytest

import cli
import scenarios
from simulator import Config
from simulator.explain import explain
from simulator.latency import Fixed
from simulator.report import why


def _run(strategy, workload, seed, config=Config()):
    return scenarios.scenario(strategy, workload).run(seed, config, trace=True)


def test_naive_under_load_is_a_lost_update_naming_both_readers_and_the_overwritten_key():
    run = _run("naive", "load", 1)
    x = explain(run)
    assert run.wrong == ("first_name",) and x.mechanisms == ["lost update"]
    assert x.sentence == (
        "lost update: #5 update_first_name and #6 update_last_name both read user_data "
        "{first_name='john', last_name='doe'} (R14 read at dispatch); #6 was applied after #5 and its full dict "
        "replaced first_name='Mickael' with 'john' (R16 full replace)")
    # the losing write is the bar the Gantt chart marks
    assert [(rid, c.key, c.old, c.new) for rid, c in x.overwrites] == [(6, "first_name", "Mickael", "john")]


@pytest.mark.parametrize("seed", [f"0/{i}" for i in range(20)])
def test_every_naive_load_divergence_is_a_lost_update_of_the_wrong_key(seed):
    run = _run("naive", "load", seed)
    x = explain(run)
    assert x.mechanisms == ["lost update"]
    assert {c.key for _, c in x.overwrites} == set(run.wrong)


def test_merged_under_interleave_is_a_trigger_lost_by_superseding():
    run = _run("merged", "interleave", 3)
    x = explain(run)
    assert run.wrong == ("first_name",) and x.mechanisms == ["trigger lost"]
    assert x.sentence.startswith("trigger lost: #6 superseded #5 (R8 superseded) and carried only last_name.value "
                                 "in changedPropIds, not first_name.value")
    assert x.overwrites == []  # nothing was overwritten: first_name was never written


def test_chained_modified_timestamp_same_millisecond_is_timestamp_unchanged():
    # An instantaneous renderer and a fast server: #8's write lands in the millisecond of #9's,
    # modified_timestamp does not move (R4), so #10, sent with the old dict, is never superseded.
    config = Config.make(client_overhead="0", server_delay="uniform:0:50")
    run = _run("chained_modified_timestamp", "load", "0/157", config)
    x = explain(run)
    assert run.wrong == ("first_name",) and x.mechanisms == ["timestamp unchanged"]
    assert x.sentence.startswith("timestamp unchanged: #8's write of first_name='Mickael' landed in the same "
                                 "millisecond as the previous user_data write")
    assert "(R4 equal is no change)" in x.sentence and "replaced first_name='Mickael' with 'john'" in x.sentence


def test_chained_modified_timestamp_with_renderer_passes_is_a_lost_update_in_one_pass():
    # The default report's one diverging seed of 1,000: both responses share a pass (R20), so the
    # re-requested update_last_name comes too late to supersede the stale one; the timestamp is not the cause.
    x = explain(_run("chained_modified_timestamp", "load", "0/723"))
    assert x.mechanisms == ["lost update"]
    assert x.sentence.startswith("lost update in one pass:") and "(R20 renderer passes)" in x.sentence
    assert "#10, requested by #8's write, came too late to supersede #9" in x.sentence


def test_circular_lost_update_names_the_request_pruned_as_circular():
    x = explain(_run("circular", "load", "0/32"))
    assert x.mechanisms == ["lost update"]
    assert "#17, requested by #16's write, was dropped as circular (R6 circular pruned)" in x.sentence


def test_interval_run_that_ends_right_says_its_responses_were_ignored():
    run = _run("naive", "interval", 0)
    x = explain(run)
    assert not run.diverged and x.mechanisms == ["responses ignored"]
    assert x.sentence.startswith(f"responses ignored (R8 superseded): {run.ignored} of {run.responses} responses")


def test_a_consistent_run_without_ignored_responses_says_so_and_marks_nothing():
    x = explain(_run("patch", "load", 1))
    assert x.mechanisms == [] and x.overwrites == []
    assert x.sentence == "consistent: user_data agrees with the inputs at quiescence"


def test_each_request_says_what_it_read_and_what_it_changed():
    lines = explain(_run("naive", "load", 1)).lines()
    assert ("#6 update_last_name: read last_name.value='Jackson', user_data={first_name='john', "
            "last_name='doe'}; applied: user_data['first_name'] 'Mickael' -> 'john' (LOST UPDATE") in lines[5]
    assert lines[5].endswith("user_data['last_name'] 'doe' -> 'Jackson'")
    assert lines[0] == "#1 load_data: read load_data.n_clicks=None; prevented: nothing applied"


def test_explorer_counterexample_is_explained_too():
    result = scenarios.scenario("chained_modified_timestamp", "load").explore(same_ms=True)
    ce = result.counterexample
    assert ce is not None and ce.diverged
    assert explain(ce).mechanisms == ["timestamp unchanged"]


def test_an_untraced_run_is_refused_clearly():
    run = scenarios.scenario("naive", "load").run(1, Config(client_overhead=Fixed(0)))
    with pytest.raises(ValueError, match="trace=True"):
        explain(run)


def test_why_is_printed_by_run_within_100_columns_with_every_value(monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "100")
    assert cli.main(["run", "naive", "--workload", "load", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 100
    assert "…" not in out  # nothing cut
    flat = " ".join(out.split())
    for value in ("first_name.value = 'Mickael'", "last_name.value = 'Jackson'",
                  "-> {first_name='Mickael', last_name='doe'}", "-> {first_name='john', last_name='Jackson'}",
                  "why: lost update: #5 update_first_name and #6 update_last_name both read user_data"):
        assert value in flat, value


def test_why_is_printed_under_the_explorers_counterexample(capsys):
    assert cli.main(["explore", "naive", "--workload", "load"]) == 0
    flat = " ".join(capsys.readouterr().out.split())
    assert "why: lost update:" in flat and "(R16 full replace)" in flat


def test_why_renders_as_a_block_for_rich():
    from rich.console import Console
    console = Console(width=100, record=True)
    console.print(why(_run("merged", "interleave", 3)))
    assert "why: trigger lost" in console.export_text()


def test_the_explanation_is_the_pytest_assertion_message():
    run = _run("naive", "load", 1)
    with pytest.raises(AssertionError) as err:
        assert not run.diverged, explain(run).text
    message = str(err.value)
    assert "#6 update_last_name: read" in message and "why: lost update:" in message
