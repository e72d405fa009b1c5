"""R31: background callbacks -- a job on the server, polled by the renderer (docs/renderer-model.md).

Timings are fixed (10 ms each way, no client overhead, a fixed job length)
so that each test says exactly when the job starts, when each poll finds
what, and which request the renderer has superseded by then.
"""

import dataclasses

import pytest

from simulator import ALL, Config, Dash, Input, Output, State, dcc, fastengine, html, set_props, simulate
from simulator.context import sleep
from simulator.errors import DependencyException, NotModelled
from simulator.latency import Fixed
from simulator.workload import Plan, click

#: 10 ms each way; the job's own law: 500 ms; polls every 100 ms.
TIMED = Config(client_overhead=Fixed(0), network=Fixed(10), server_delay=Fixed(500))


def job_app(*, interval=100, progress_default="idle", store_writes=True) -> Dash:
    """``go`` starts a job that reports progress, set_props the store with the click count, and answers."""
    app = Dash("background")
    app.layout = [html.Button(id="go"), html.Button(id="stop"), html.Div(id="out"), html.Div(id="bar"),
                  html.Button(id="run", disabled=False), dcc.Store(id="store", data={})]

    @app.callback(Output("out", "children"), Input("go", "n_clicks"), State("store", "data"), background=True,
                  interval=interval, progress=Output("bar", "children"), progress_default=progress_default,
                  cancel=Input("stop", "n_clicks"), running=[(Output("run", "disabled"), True, False)],
                  prevent_initial_call=True)
    def work(set_progress, n, data):
        set_progress("started")
        if store_writes:
            set_props("store", {"data": {**data, f"job{n}": "started"}})
        sleep(0.2)
        set_progress("half")
        return f"done {n}"
    return app


def run(app, plan, config=TIMED, seed=0):
    return simulate(app, plan, lambda layout: (), config, seed=seed, trace=True)


def props_set(r, prop):
    """``(time, value, by)`` of each write of ``prop``, in order."""
    return [(e["t"], e["value"], e["by"]) for e in r.trace if e["kind"] == "prop" and e["prop"] == prop]


def test_r31_a_job_is_polled_until_its_result_is_there():
    r = run(job_app(), Plan((click("go"),)))
    # the first fetch is back at 20 ms: the job started at 10 ms and ends at 10 + 200 (slept) + 500 (law)
    assert [e["t"] for e in r.trace if e["kind"] == "job"] == [20]
    arrived = [e["t"] for e in r.trace if e["kind"] == "arrived"]
    assert arrived == [20, 140, 260, 380, 500, 620, 740]      # a poll every 100 ms after each answer
    assert props_set(r, "out.children") == [(740, "done 1", "work")]
    # each poll pops the latest progress: "started" (offset 0) at the first, "half" (offset 200) at 260 ms
    assert [(t, v) for t, v, _ in props_set(r, "bar.children")] == [(140, "started"), (260, "half"), (740, "idle")]
    assert props_set(r, "run.disabled") == [(0, True, "work (running on)"), (740, False, "work (running off)")]
    assert r.layout["store.data"] == {"job1": "started"}
    assert r.sent == r.responses == r.applied == 1


def test_r31_the_progress_default_lands_after_running_off_and_before_the_outputs():
    r = run(job_app(), Plan((click("go"),)))
    last = [(e["kind"], e.get("prop")) for e in r.trace if e["t"] == 740 and e["kind"] in ("prop", "applied")]
    assert last == [("prop", "run.disabled"), ("prop", "bar.children"), ("applied", None), ("prop", "out.children")]


def test_r31_a_newer_request_outdates_the_job_whose_start_the_browser_has_heard_of():
    # the second click at 50 ms: job 1 is registered (20 ms), so request 2's fetch names it oldJob
    r = run(job_app(), Plan((click("go"), click("go", delay=50))))
    assert [e["request"] for e in r.trace if e["kind"] == "superseded"] == [1]
    # job 1's next poll (at 140 ms) ends its chain: nothing lands, not even running= off
    ignored = [e for e in r.trace if e["kind"] == "ignored"]
    assert [(e["request"], e["t"]) for e in ignored] == [(1, 140)]
    assert [v for t, v, by in props_set(r, "run.disabled")] == [True, True, False]
    # job 1 was killed at 60 ms, when request 2 reached the server: it had set_props'd before that
    assert r.layout["store.data"] == {"job1": "started", "job2": "started"} or \
        r.layout["store.data"] == {"job2": "started"}
    assert props_set(r, "out.children")[-1][1] == "done 2"


def test_r31_a_superseded_job_the_browser_has_not_heard_of_runs_on_and_its_set_props_land():
    # the second click at 5 ms: request 1's first answer is not back (20 ms), so no oldJob names job 1
    r = run(job_app(), Plan((click("go"), click("go", delay=5))))
    assert [e["request"] for e in r.trace if e["kind"] == "superseded"] == [1]
    by_request = {}
    for e in r.trace:
        if e["kind"] == "side_update":
            by_request.setdefault(e["request"], []).append(e["values"])
    assert by_request[1] == [{"store.data": {"job1": "started"}}]    # R21: a superseded request's side update lands
    # job 1 runs to its end: its answer is ignored (R8), its running= off comes back while job 2 still runs
    assert [e["request"] for e in r.trace if e["kind"] == "ignored"] == [1]
    offs = [t for t, v, by in props_set(r, "run.disabled") if v is False]
    assert len(offs) == 2 and offs[0] < props_set(r, "out.children")[-1][0]
    assert props_set(r, "out.children") == [(props_set(r, "out.children")[0][0], "done 2", "work")]


def test_r31_cancel_kills_the_job_and_its_poll_answers_nothing():
    r = run(job_app(store_writes=False), Plan((click("go"), click("stop", delay=100))))
    cancel = [e for e in r.trace if e["kind"] == "dispatched" and e["callback"] == "cancel_stop"]
    assert len(cancel) == 1
    # the cancel request names the job: progress back to its default at once (R31)
    assert (100, "idle", "work (progress default)") in props_set(r, "bar.children")
    assert props_set(r, "out.children") == []                      # killed at 110 ms, 600 ms before its end
    assert [e["kind"] for e in r.trace if e.get("request") == 1 and e["kind"] in ("prevented", "applied")] \
        == ["prevented"]
    assert props_set(r, "run.disabled")[-1][1] is False             # completeJob: running= off
    assert r.layout["stop.id"] == "stop"                            # the cancel callback never writes its id
    # a 204 has no body: the progress the job reported before it was killed is lost with it
    assert [v for t, v, by in props_set(r, "bar.children")] == ["idle", "idle"]


def test_r31_a_killed_jobs_last_set_props_comes_back_in_a_final_answer_of_nothing_else():
    r = run(job_app(), Plan((click("go"), click("stop", delay=100))))
    assert [e["kind"] for e in r.trace if e.get("request") == 1 and e["kind"] in ("prevented", "applied")] \
        == ["applied"]
    assert r.layout["store.data"] == {"job1": "started"} and r.layout["out.children"] is None


def test_r31_a_cancel_too_late_leaves_the_result():
    r = run(job_app(), Plan((click("go"), click("stop", delay=720))))   # the job ended at 710 ms
    assert props_set(r, "out.children")[-1][1] == "done 1"


def test_r31_the_job_keeps_one_set_props_entry_the_last_call_replaces():
    app = Dash("entry")
    app.layout = [html.Button(id="go"), html.Div(id="a"), html.Div(id="b"), html.Div(id="out")]

    @app.callback(Output("out", "children"), Input("go", "n_clicks"), background=True, interval=100,
                  prevent_initial_call=True)
    def work(n):
        set_props("a", {"children": "A"})
        set_props("b", {"children": "B"})     # replaces the entry: "a" is never delivered
        sleep(0.3)
        set_props("a", {"title": "x"})
        set_props("a", {"children": "A2"})    # one component's calls add up: title and children
        return "done"
    r = run(app, Plan((click("go"),)))
    delivered = [e["values"] for e in r.trace if e["kind"] == "side_update"]
    assert delivered == [{"b.children": "B"}, {"a.title": "x", "a.children": "A2"}]


def test_r31_an_error_in_the_job_is_an_error_response_and_drops_the_last_set_props():
    app = Dash("boom")
    app.layout = [html.Button(id="go"), html.Div(id="a"), html.Div(id="out")]

    @app.callback(Output("out", "children"), Input("go", "n_clicks"), background=True, interval=100,
                  prevent_initial_call=True)
    def work(n):
        set_props("a", {"children": "A"})
        raise ValueError("boom")
    r = run(app, Plan((click("go"),)))
    assert len(r.errors) == 1 and "boom" in r.errors[0]
    assert [e["values"] for e in r.trace if e["kind"] == "side_update"] == [{"a.children": "A"}]   # polled first
    fast = Config(client_overhead=Fixed(0), network=Fixed(10), server_delay=Fixed(50))
    r = run(app, Plan((click("go"),)), fast)                       # done before the first poll: a 500, nothing else
    assert len(r.errors) == 1 and [e for e in r.trace if e["kind"] == "side_update"] == []


def test_r31_prevent_update_in_the_job_still_delivers_its_set_props():
    from simulator.errors import PreventUpdate
    app = Dash("prevent")
    app.layout = [html.Button(id="go"), html.Div(id="a"), html.Div(id="out")]

    @app.callback(Output("out", "children"), Input("go", "n_clicks"), background=True, interval=100,
                  prevent_initial_call=True)
    def work(n):
        set_props("a", {"children": "A"})
        raise PreventUpdate
    r = run(app, Plan((click("go"),)), Config(client_overhead=Fixed(0), network=Fixed(10), server_delay=Fixed(50)))
    assert r.layout["a.children"] == "A" and r.layout["out.children"] is None and not r.errors


# ---------------------------------------------------------------------------
# the two engines
# ---------------------------------------------------------------------------

PLANS = {
    "one": Plan((click("go", measure=True),)),
    "quick double": Plan((click("go", measure=True), click("go", delay=3))),
    "double": Plan((click("go", measure=True), click("go", delay=60))),
    "cancel": Plan((click("go", measure=True), click("stop", delay=150), click("go", delay=30))),
    "storm": Plan(tuple(click("go", delay=d, measure=i == 0) for i, d in enumerate((0, 5, 40, 90, 15, 200)))),
}
CONFIGS = {
    "default": Config(),
    "timed": TIMED,
    "ties+queue": Config.make(client_overhead="0", network="fixed:5", server_delay="fixed:20", server="gunicorn:2"),
    "http2": Config.make(transport="http2", server_delay="uniform:0:800"),
    "time limit": Config(time_limit=400.0),
}


def _figures(r):
    out = dataclasses.asdict(r)
    out.pop("trace")
    return out


@pytest.mark.parametrize("plan", PLANS)
@pytest.mark.parametrize("config", CONFIGS)
def test_r31_the_fast_clock_gives_the_reference_engines_runs(plan, config):
    app = job_app(interval=50)
    check = lambda layout: () if layout["out.children"] in (None, "done 1") else ("out.children",)  # noqa: E731
    for seed in range(12):
        ref = simulate(app, PLANS[plan], check, CONFIGS[config], seed=seed)
        fast = fastengine.simulate(app, PLANS[plan], check, CONFIGS[config], seed=seed)
        assert _figures(fast) == _figures(ref), (plan, config, seed)


def test_r31_every_chain_ends_before_the_run_does():
    r = run(job_app(), Plan((click("go"), click("go", delay=5))))
    assert r.end >= max(e["t"] for e in r.trace if e["kind"] == "arrived")
    assert r.responses == r.sent == 2


# ---------------------------------------------------------------------------
# refusals and bad input
# ---------------------------------------------------------------------------

def test_r31_background_options_without_background_are_refused():
    app = Dash("x")
    app.layout = [html.Button(id="go"), html.Div(id="out"), html.Div(id="bar")]
    body = lambda n: n  # noqa: E731
    with pytest.raises(DependencyException, match="progress only apply to background callbacks"):
        app.callback(Output("out", "children"), Input("go", "n_clicks"), progress=Output("bar", "children"))(body)
    with pytest.raises(DependencyException, match="pattern-matching"):
        app.callback(Output("out", "children"), Input("go", "n_clicks"), background=True,
                     cancel=Input({"type": "x", "index": ALL}, "n_clicks"))(body)
    with pytest.raises(DependencyException, match="same length"):
        app.callback(Output("out", "children"), Input("go", "n_clicks"), background=True,
                     progress=[Output("bar", "children")], progress_default=["a", "b"])(body)
    with pytest.raises(DependencyException, match="cancel takes Inputs"):
        app.callback(Output("out", "children"), Input("go", "n_clicks"), background=True,
                     cancel=State("go", "n_clicks"))(body)
    assert app.callbacks == []


def test_r31_the_websocket_transport_is_refused_by_name():
    with pytest.raises(NotModelled, match="background callbacks"):
        simulate(job_app(), Plan((click("go"),)), lambda layout: (), Config.make(transport="websocket"))


def test_r31_the_explorer_refuses_a_background_callback():
    from simulator.explore import explore
    with pytest.raises(NotModelled, match="background"):
        explore(job_app(), Plan((click("go"),)), lambda layout: ())


def test_r31_the_memo_does_not_share_passes_of_background_callbacks():
    from simulator import memo
    assert "R31" in memo.refusal(job_app().graph, frozenset())
