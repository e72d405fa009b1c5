"""Rules that must hold for every order in which responses come back (hypothesis).

Hypothesis draws the schedule: at each step, which in-flight response
arrives next, or whether the user's next change comes first.  The renderer
is driven directly (no clock), so any order the network could produce is fair.
"""

import copy

from hypothesis import HealthCheck, given, settings, strategies as st

import scenarios
from conftest import Driver
from simulator import Dash, Input, Output, dcc, html

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


def play(d: Driver, changes: list[dict], choices: list[int], on_step=None) -> None:
    """Feed ``changes`` in order and responses in the order ``choices`` picks; then deliver the rest.

    Every dispatched request's response comes back, superseded ones included
    (the server did the work, R8): ``outstanding`` is all of them.
    """
    changes = list(changes)

    def outstanding():
        return [r for r in d.sent if r.response is None]

    def respond(req):
        before = (copy.deepcopy(d.r.layout), d.r.layout_version)
        status = d.respond(req, at=d.now + 1)
        if on_step:
            on_step(req, status, before)

    for choice in choices:
        waiting = outstanding()
        if changes and (not waiting or choice % (len(waiting) + 1) == 0):
            d.change(changes.pop(0), at=d.now + 1)
        elif waiting:
            respond(waiting[choice % len(waiting)])
    for change in changes:
        d.change(change, at=d.now + 1)
    while outstanding():
        respond(outstanding()[0])


schedules = st.lists(st.integers(min_value=0, max_value=10**6), max_size=40)


def fan_app(n: int) -> Dash:
    """One input feeding ``n`` callbacks."""
    app = Dash()
    app.layout = [dcc.Input(id="a")] + [html.Div(id=f"o{i}") for i in range(n)]
    for i in range(n):
        def body(v, i=i):
            return f"{v}#{i}"
        body.__name__ = f"cb{i}"
        app.callback(Output(f"o{i}", "children"), Input("a", "value"), prevent_initial_call=True)(body)
    return app


@SETTINGS
@given(n=st.integers(min_value=1, max_value=20), edits=st.integers(min_value=1, max_value=4), choices=schedules)
def test_r12_never_more_than_twelve_in_flight_and_every_output_ends_at_the_latest_value(n, edits, choices):
    d = Driver(fan_app(n))
    d.load()
    seen = []
    d.r._emit = lambda kind, now, **f: seen.append(len(d.r.in_flight)) if kind == "dispatched" else None
    play(d, [{"a.value": f"v{k}"} for k in range(edits)], choices)
    assert max(seen, default=0) <= 12  # R12, as the renderer hard-codes it
    assert all(d.value(f"o{i}.children") == f"v{edits - 1}#{i}" for i in range(n))  # R8: newest wins


@SETTINGS
@given(keys=st.integers(min_value=1, max_value=4), choices=schedules)
def test_r8_an_ignored_response_changes_nothing(keys, choices):
    s = scenarios.scenario("naive", "load", keys=keys)
    d = Driver(s.app)
    d.load()

    def check(req, status, before):
        if status == "ignored":
            assert (d.r.layout, d.r.layout_version) == before

    # each key typed twice quickly, then load_data: plenty of superseding
    changes = [{f"{k}.value": v} for k in s.keys for v in ("x", "xy")] + [{"load_data.n_clicks": 1}]
    play(d, changes, choices, on_step=check)


@SETTINGS
@given(strategy=st.sampled_from(["patch", "merged_unfiltered", "chained", "intermediary_stores"]),
       keys=st.integers(min_value=1, max_value=4), choices=schedules)
def test_safe_strategies_end_consistent_whatever_the_order_of_responses(strategy, keys, choices):
    # R17 (patch), R9 (chained, intermediary_stores), one writer (merged_unfiltered):
    # whatever order the responses take, the store ends holding every input.
    s = scenarios.scenario(strategy, "load", keys=keys)
    d = Driver(s.app)
    d.load()
    d.settle()
    changes = [{f"{k}.value": "typed"} for k in s.keys] + [{"load_data.n_clicks": 1}]
    play(d, changes, choices)
    assert s.check(d.r.layout) == ()


@SETTINGS
@given(keys=st.integers(min_value=2, max_value=5), choices=schedules)
def test_r16_naive_ends_with_the_dict_of_the_last_applied_response(keys, choices):
    s = scenarios.scenario("naive", "load", keys=keys)
    d = Driver(s.app)
    d.load()
    d.settle()
    applied = []
    play(d, [{"load_data.n_clicks": 1}], choices,
         on_step=lambda req, status, before: applied.append(req) if status == "applied" else None)
    writers = [f for f in d.kinds("applied") if "user_data.data" in f["values"]]
    assert d.value("user_data.data") == writers[-1]["values"]["user_data.data"]
    # every update read the dict as it stood before any of them was applied (R14), so only one key lands
    assert len(s.check(d.r.layout)) == keys - 1
