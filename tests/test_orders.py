"""A proof covers every order of actions a workload can give, not the one its seed drew.

The explorer abstracts the delays between actions, not their order. Where
the order depends on the draws (the moment the user acts among an
Interval's ticks; what a debounced input sends), check explores each order
and judges each trial against the serial executions of its own order.
"""

from __future__ import annotations

import pytest

from conftest import APPS, workload_named
from simulator.dashapp.workloads import order_of

pytest.importorskip("dash")


def test_a_click_among_ticks_is_explored_in_every_gap(real_app):
    w = workload_named(real_app("record_ticks"), "ticks poll.n_intervals with record.n_clicks")
    orders = {order_of(p) for p in w.orders(0)}
    assert len(orders) == 3                                   # after tick 1, 2 or 3 of 4
    assert {order_of(w.plan(k)) for k in range(200)} <= orders


@pytest.mark.parametrize("seed", [0, 1])
def test_a_sample_lost_only_when_record_is_pressed_early_is_found_whatever_the_seed(seed):
    from simulator.dashapp.check import Options, check
    result = check(str(APPS / "record_ticks.py"), Options(trials=5, seed=seed), in_process=True)
    ticks = [w for w in result.workloads if w.name == "ticks poll.n_intervals with record.n_clicks"][0]
    assert ticks.proof == "diverges"                          # seed 0 drew a late press: it used to be "proved safe"


@pytest.mark.parametrize("kind", ["typing", "interleave"])
def test_a_debounced_inputs_sends_are_explored_in_every_order(real_app, kind):
    from simulator.dashapp.workloads import generate, inputs
    found, _ = inputs(real_app("debounced").app.graph)
    w = [w for w in generate(found) if w.kind == kind and any(u.debounce for u in w.inputs)][0]
    drawn = {order_of(w.plan(k)) for k in range(300)}
    assert len(drawn) > 1 and drawn <= {order_of(p) for p in w.orders(0)}


def test_an_interleaved_pair_is_explored_in_both_orders(real_app):
    # a trial's race needed 'a' changed before 'b'; the pair was proved safe over b-then-a only
    from simulator.dashapp.workloads import generate, inputs
    found, _ = inputs(real_app("naive").app.graph)
    w = [w for w in generate(found) if w.kind == "interleave"][0]
    firsts = {next(iter(p.actions[0].props)) for p in w.orders(0)}
    assert firsts == {u.prop for u in w.inputs}
