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
    # job 1 set_props'd at 10 ms and was killed at 60 ms (oldJob); the poll that found its entry came back
    # outdated, so the entry never landed, and job 2 read the Store from before: job 1's write is lost
    assert [e["request"] for e in r.trace if e["kind"] == "side_update"] == [2]
    assert r.layout["store.data"] == {"job2": "started"}
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


def test_r25_r26_r31_a_match_callbacks_instances_run_in_the_background_with_their_running_props():
    # each instance is a background request, polled; running= is the declared callback's (a trial saw MATCH
    # instances run as plain callbacks, their jobs never started, and "proved safe")
    from simulator import MATCH
    app = Dash("cards")
    app.layout = [html.Button(id={"t": "go", "i": n}) for n in (0, 1)] + \
        [html.Div(id={"t": "out", "i": n}) for n in (0, 1)] + [html.Div(id="bar"), html.Div("no", id="busy")]

    @app.callback(Output({"t": "out", "i": MATCH}, "children"), Input({"t": "go", "i": MATCH}, "n_clicks"),
                  background=True, interval=100, progress=Output("bar", "children"),
                  running=[(Output("busy", "children"), "yes", "no")], prevent_initial_call=True)
    def train(set_progress, n):
        set_progress(f"training {n}")
        sleep(0.2)
        return f"trained {n}"
    r = run(app, Plan((click('{"i":1,"t":"go"}'),)))
    assert [e["callback"] for e in r.trace if e["kind"] == "job"] == ["train"]
    assert r.layout['{"i":1,"t":"out"}.children'] == "trained 1" and r.layout['{"i":0,"t":"out"}.children'] is None
    assert [v for t, v, by in props_set(r, "busy.children")] == ["yes", "no"]
    assert [v for t, v, by in props_set(r, "bar.children")] == ["training 1"]


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
    assert [e["values"] for e in r.trace if e["kind"] == "replaced"] == [{"a.children": "A"}]   # the lost one


def raising_job(exc: Exception) -> Dash:
    """A job that set_props ``a`` and then raises ``exc``."""
    app = Dash("raises")
    app.layout = [html.Button(id="go"), html.Div(id="a"), html.Div(id="out")]

    @app.callback(Output("out", "children"), Input("go", "n_clicks"), background=True, interval=100,
                  prevent_initial_call=True)
    def work(n):
        set_props("a", {"children": "A"})
        raise exc
    return app


#: The job is over before its first poll (10 + 50 ms < 20 + 100 ms).
QUICK = Config(client_overhead=Fixed(0), network=Fixed(10), server_delay=Fixed(50))


def test_r31_an_error_in_the_job_is_an_error_response_and_drops_the_last_set_props():
    app = raising_job(ValueError("boom"))
    r = run(app, Plan((click("go"),)))
    assert len(r.errors) == 1 and "boom" in r.errors[0]
    assert [e["values"] for e in r.trace if e["kind"] == "side_update"] == [{"a.children": "A"}]   # polled first
    r = run(app, Plan((click("go"),)), QUICK)                      # done before the first poll: a 500, nothing else
    assert len(r.errors) == 1 and [e for e in r.trace if e["kind"] == "side_update"] == []


def test_r31_prevent_update_in_the_job_still_delivers_its_set_props():
    from simulator.errors import PreventUpdate
    r = run(raising_job(PreventUpdate()), Plan((click("go"),)), QUICK)
    assert r.layout["a.children"] == "A" and r.layout["out.children"] is None and not r.errors


def test_r31_a_cancel_input_with_a_dict_id_kills_nothing_as_in_the_renderer():
    # callbacks.ts compares job.cancelInputs (the server's to_dict(): a dict id as its JSON string) with the
    # callback's parsed Inputs (a dict id as an object): they never match, so no cancelJob is sent
    app = Dash("dict cancel")
    app.layout = [html.Button(id="go"), html.Button(id={"type": "stop", "index": 1}), html.Div(id="out")]

    @app.callback(Output("out", "children"), Input("go", "n_clicks"), background=True, interval=100,
                  cancel=Input({"type": "stop", "index": 1}, "n_clicks"), prevent_initial_call=True)
    def work(n):
        sleep(0.5)
        return f"done {n}"
    r = run(app, Plan((click("go"), click('{"index":1,"type":"stop"}', delay=100))))
    assert 'cancel_{"index":1,"type":"stop"}' in [e["callback"] for e in r.trace if e["kind"] == "dispatched"]
    assert r.layout["out.children"] == "done 1"


def test_r31_set_progress_with_too_few_values_fails_the_poll_and_extra_values_are_dropped():
    # _progress_background_callback indexes progress[i] for each progress output
    def app_with(values):
        app = Dash("arity")
        app.layout = [html.Button(id="go"), html.Div(id="out"), html.Div(id="p1"), html.Div(id="p2")]

        @app.callback(Output("out", "children"), Input("go", "n_clicks"), background=True, interval=100,
                      progress=[Output("p1", "children"), Output("p2", "children")], prevent_initial_call=True)
        def work(set_progress, n):
            set_progress(values)
            return "done"
        return app
    short = run(app_with(["one"]), Plan((click("go"),)))
    assert short.layout["out.children"] is None and "IndexError" in short.errors[0]
    extra = run(app_with(["one", "two", "three"]), Plan((click("go"),)))
    assert (extra.layout["p1.children"], extra.layout["p2.children"], extra.errors) == ("one", "two", [])


def test_r31_a_falsy_progress_default_is_no_default():
    app = job_app(progress_default="")         # Dash: `if progress_default:`
    r = run(app, Plan((click("go"),)))
    assert r.layout["bar.children"] == "half"  # the last progress stays: completeJob sets nothing back


def test_r31_progress_props_are_checked_as_running_props_are():
    from simulator.errors import NonExistentIdException
    app = Dash("ghost")
    app.layout = [html.Button(id="go"), html.Div(id="out")]
    app.callback(Output("out", "children"), Input("go", "n_clicks"), background=True,
                 progress=Output("ghost", "children"), prevent_initial_call=True)(lambda set_progress, n: n)
    with pytest.raises(NonExistentIdException, match="progress= names the component id 'ghost'"):
        app.graph


def toggle_app(interval: float, slept: float) -> Dash:
    """A dropdown whose background job set_props a note and answers: switched back, two jobs share a key."""
    app = Dash("toggle")
    app.layout = [dcc.Dropdown(id="sel", options=["x", "y"]), html.Div(id="out"), html.Div(id="note")]

    @app.callback(Output("out", "children"), Input("sel", "value"), background=True, interval=interval,
                  prevent_initial_call=True)
    def work(v):
        set_props("note", {"children": f"started {v}"})
        sleep(slept)
        return f"done {v}"
    return app


def test_r31_jobs_on_equal_arguments_share_their_cache_entries_and_pop_each_others():
    # Dash keys a job's entries by its function and arguments. x -> y -> x: job 1 (x) is outdated and killed
    # at 40 ms with its set_props entry never polled; job 3 (x) writes under the same key; job 1's outdated
    # poll (at the server at 130 ms) pops job 3's entry and result, and the renderer throws them away: job
    # 3's own poll finds nothing and answers no_update. The page never shows x.
    from simulator.workload import Action
    app = toggle_app(interval=100, slept=0.05)
    plan = Plan((Action({"sel.value": "x"}), Action({"sel.value": "y"}, delay=30),
                 Action({"sel.value": "x"}, delay=30)))
    r = run(app, plan, Config(client_overhead=Fixed(0), network=Fixed(10), server_delay=Fixed(10)))
    assert [(e["request"], e["t"]) for e in r.trace if e["kind"] == "prevented"] == [(3, 200)]
    assert r.layout["out.children"] is None and r.layout.get("note.children") is None   # no set_props landed
    settled = Plan((Action({"sel.value": "x"}), Action({"sel.value": "y"}, wait_settle=True),
                    Action({"sel.value": "x"}, wait_settle=True)))
    assert run(app, settled).layout["out.children"] == "done x"   # job 1 long gone: nothing shared


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


def test_r31_polls_that_stop_the_clock_are_a_reported_runaway_not_a_hang():
    app = Dash("zeno")
    app.layout = [html.Button(id="go"), html.Div(id="out")]

    @app.callback(Output("out", "children"), Input("go", "n_clicks"), background=True, interval=0,
                  prevent_initial_call=True)
    def work(n):
        sleep(0.05)
        return n
    still = Config.make(client_overhead="0", network="fixed:0", server_delay="fixed:0")
    for engine in (simulate, fastengine.simulate):
        r = engine(app, Plan((click("go"),)), lambda layout: (), still, seed=0)
        assert "polled its job 1000 times in one instant" in r.runaway
    # with a network delay the same polls let the clock move: the job ends and its answer lands
    r = simulate(app, Plan((click("go"),)), lambda layout: (), Config.make(client_overhead="0", network="fixed:1",
                                                                              server_delay="fixed:0"), seed=0)
    assert r.runaway is None and r.layout["out.children"] == 1


@pytest.mark.parametrize("config", CONFIGS)
def test_r31_the_engines_agree_when_jobs_share_a_cache_key(config):
    from simulator.workload import Action
    app = toggle_app(interval=40, slept=0.03)
    plan = Plan(tuple(Action({"sel.value": v}, delay=d, measure=not i)
                      for i, (v, d) in enumerate((("x", 0), ("y", 20), ("x", 15), ("y", 60), ("x", 5)))))
    check = lambda layout: () if layout["out.children"] in (None, "done x") else ("out.children",)  # noqa: E731
    for seed in range(12):
        ref = simulate(app, plan, check, CONFIGS[config], seed=seed)
        fast = fastengine.simulate(app, plan, check, CONFIGS[config], seed=seed)
        assert _figures(fast) == _figures(ref), (config, seed)


def _budget_app(mode: str) -> tuple[Dash, Plan]:
    """A bar whose every change runs ``echo``: set by a cancel's progress default (R31) or by running= (R26)."""
    app = Dash(mode)
    app.layout = [html.Button(id="go"), html.Button(id="stop"), html.Div(id="out"), html.Div(id="bar"),
                  html.Div(id="echo")]
    if mode == "cancel":
        @app.callback(Output("out", "children"), Input("go", "n_clicks"), background=True, interval=1000,
                      progress=Output("bar", "children"), progress_default="idle", cancel=Input("stop", "n_clicks"),
                      prevent_initial_call=True)
        def work(set_progress, n):
            sleep(5)
            return n
        plan = Plan((click("go", measure=True), click("go", delay=200), click("go", delay=200),
                     click("stop", delay=200)))
    else:
        @app.callback(Output("out", "children"), Input("go", "n_clicks"), prevent_initial_call=True,
                      running=[(Output("bar", "children"), "on", "off")])
        def work(n):
            return n
        plan = Plan((click("go", measure=True), click("go", delay=1), click("go", delay=1), click("go", delay=1)))

    @app.callback(Output("echo", "children"), Input("bar", "children"), prevent_initial_call=True)
    def echo(b):
        return b
    return app, plan


@pytest.mark.parametrize("mode", ["cancel", "running"])
@pytest.mark.parametrize("budget", [1, 2, 3])
def test_r31_r26_the_engines_count_a_pass_a_runaway_loop_stops_alike(mode, budget):
    # a RunawayLoop raised by what a dispatch sets (a cancel's progress default, or running=) after a
    # request was sent: the reference counts it as sent, and so must the fast clock
    app, plan = _budget_app(mode)
    config = Config.make(client_overhead="0", network="fixed:5", server_delay="fixed:20", request_budget=budget)
    ref, fast = (engine(app, plan, lambda layout: (), config, seed=0) for engine in (simulate, fastengine.simulate))
    assert ref.runaway or budget > 1
    assert _figures(fast) == _figures(ref)


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


def test_r31_an_id_is_readable_as_a_prop_but_a_callback_writing_one_is_refused():
    # Dash's cancel callback names Output(<cancel id>, "id") and never writes it; any other write of an id
    # would move the component in the renderer's paths, which is not modelled
    app = Dash("ids")
    app.layout = [html.Button(id="go"), html.Div(id="out")]
    app.callback(Output("out", "children"), Input("go", "n_clicks"), State("go", "id"),
                 prevent_initial_call=True)(lambda n, cid: f"{cid} {n}")
    r = simulate(app, Plan((click("go"),)), lambda layout: (), Config(), seed=0)
    assert r.layout["out.children"] == "go 1"
    app.callback(Output("out", "id"), Input("go", "n_clicks"), prevent_initial_call=True)(lambda n: "x")
    with pytest.raises(NotModelled, match="writes out.id, but a new id"):
        app.graph


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


# ---------------------------------------------------------------------------
# a real app (check): Dash's own server code on the simulated job manager
# ---------------------------------------------------------------------------

def _check(path, **options):
    pytest.importorskip("dash")
    pytest.importorskip("diskcache")
    from simulator.dashapp.check import Options, check
    return check(str(path), Options(**options), in_process=True)


def test_r31_check_finds_the_write_a_second_click_outdates():
    from conftest import APPS
    result = _check(APPS / "background_job.py", trials=30, workloads=("typing go",))
    assert result.diverges and "store.data" in result.props()
    w = next(w for w in result.workloads if w.diverged)
    assert w.anomaly.name == "background job outdated by a newer request: what it set or would return never landed (R31)"
    assert "running=" in w.anomaly.fix
    assert "R31" in w.proof                      # the explorer does not model jobs: no proof is claimed
    assert any("outdated by a newer request (R31)" in line for line in w.timeline)


def test_r31_check_finds_nothing_once_the_button_is_disabled_while_the_job_runs():
    from conftest import APPS
    result = _check(APPS / "background_job_disabled.py", trials=30)
    assert result.workloads and not result.diverges


def test_r31_check_does_not_count_a_cancelled_job_as_a_lost_update():
    # serially a job is over before the next action, so a cancel kills nothing; the reference also has
    # the pages where the cancel killed the job after any number of its calls
    from conftest import APPS
    result = _check(APPS / "background_job.py", trials=40, workloads=("interleave",))
    assert result.workloads and not result.diverges


def test_r31_check_finds_nothing_wrong_in_the_dash_docs_cancel_example():
    # running= enables cancel only while the job runs: a serial cancel would find it disabled, so the
    # reference takes the cancel where it came, while the job ran (R26, R31)
    from conftest import APPS
    result = _check(APPS / "background_docs.py", trials=60)
    assert result.workloads and not result.diverges
    assert any("cancel_button_id" in w.name for w in result.workloads)


def test_r31_check_finds_cards_whose_jobs_share_a_cache_entry_and_their_fix_passes():
    # found by a new-user trial, checked in Chromium: 2 of 3 cards stayed "loading..." or showed another's
    from conftest import APPS
    result = _check(APPS / "background_cards.py", trials=30, workloads=("load",))
    assert result.diverges
    w = next(w for w in result.workloads if w.diverged)
    assert w.anomaly.name == "background jobs on equal arguments share one cache entry (R31)"
    assert "State({..., MATCH}, 'id')" in w.anomaly.fix
    assert any("cache key" in line for line in w.timeline)
    fixed = _check(APPS / "background_cards_fixed.py", trials=30, workloads=("load",))
    assert fixed.workloads and not fixed.diverges


def test_r31_check_says_a_superseded_jobs_progress_landed_last(real_app):
    # the first job (AAPL), superseded by the switch to MSFT before its first answer, polls on: in this
    # seeded run its "plotting AAPL" lands after "plotting MSFT" and stays (no progress default)
    pytest.importorskip("diskcache")
    from simulator.dashapp.anomaly import classify
    from simulator.workload import Action
    conv = real_app("background_chart")
    r = simulate(conv.app.graph, Plan((Action({"ticker.value": "MSFT"}, delay=10),)), lambda layout: (), Config(),
                 seed=2, trace=True)
    assert r.layout["progress.children"] == "plotting AAPL" and r.layout["chart.children"] == "chart of MSFT"
    anomaly = classify(r.trace, ("progress.children",), conv.app.graph.callbacks)
    assert anomaly.name == "a superseded request's progress landed last (R21, R31)"
    assert "progress_default" in anomaly.fix and "#1" in anomaly.story


def test_r31_check_names_a_set_props_entry_replaced_before_a_poll():
    from conftest import APPS
    result = _check(APPS / "background_log.py", trials=20, workloads=("alone",))
    assert result.diverges and "log.data" in result.props()
    w = next(w for w in result.workloads if w.diverged)
    assert w.anomaly.name == "a background job's set_props replaced before a poll read it (R31)"
    assert any("never lands" in line for line in w.timeline)


def test_r31_check_runs_the_job_with_dashs_arguments_progress_and_set_props(real_app):
    pytest.importorskip("diskcache")
    conv = real_app("background_job")
    work = next(cb for cb in conv.callbacks if cb.name == "work")
    assert work.background.progress == ("bar.children",) and work.background.cancel == ("stop.n_clicks",)
    assert work.background.interval == 200 and work.background.progress_default == ("idle",)
    assert [cb.name for cb in conv.callbacks if cb.cancels] == ["cancel_call"]
    run = work.run_job([2, {"job1": "started"}], ("go.n_clicks",), 50.0)
    assert run.calls == [(0.0, "progress", {"bar.children": "started"}),
                         (0.0, "set_props", {"store.data": {"job1": "started", "job2": "started"}}),
                         (300.0, "progress", {"bar.children": "half"})]
    assert run.elapsed == 300.0 and run.outcome.kind == "data" and run.outcome.outputs == {"out.children": "done 2"}


def test_r31_check_answers_a_real_job_that_raises_as_dash_does(tmp_path):
    # Dash's job stores the error; the poll that finds it raises BackgroundCallbackError: a 500 (R18)
    pytest.importorskip("diskcache")
    from simulator.dashapp.convert import convert
    from simulator.dashapp.load import load
    app = tmp_path / "raises.py"
    app.write_text(
        "import diskcache\n"
        "from dash import Dash, DiskcacheManager, Input, Output, html, set_props\n"
        f"manager = DiskcacheManager(diskcache.Cache({str(tmp_path / 'c')!r}))\n"
        "app = Dash(__name__, background_callback_manager=manager)\n"
        "app.layout = html.Div([html.Button(id='go'), html.Div(id='out'), html.Div(id='a')])\n"
        "@app.callback(Output('out', 'children'), Input('go', 'n_clicks'), background=True,\n"
        "              prevent_initial_call=True)\n"
        "def work(n):\n    set_props('a', {'children': 'A'})\n    raise ValueError('no data')\n")
    conv = convert(load(str(app)))
    run = next(cb for cb in conv.callbacks if cb.name == "work").run_job([1], ("go.n_clicks",), 0.0)
    assert run.outcome.kind == "error" and "no data" in run.outcome.message
    assert run.calls == [(0.0, "set_props", {"a.children": "A"})]


def test_r31_check_refuses_a_manager_that_caches_results(tmp_path):
    app = tmp_path / "cached.py"
    app.write_text(
        "import diskcache\n"
        "from dash import Dash, DiskcacheManager, Input, Output, html\n"
        f"manager = DiskcacheManager(diskcache.Cache({str(tmp_path / 'c')!r}), cache_by=[lambda: 1])\n"
        "app = Dash(__name__, background_callback_manager=manager)\n"
        "app.layout = html.Div([html.Button(id='go'), html.Div(id='out')])\n"
        "@app.callback(Output('out', 'children'), Input('go', 'n_clicks'), background=True)\n"
        "def work(n):\n    return n\n")
    from simulator.dashapp.errors import Unsupported
    with pytest.raises(Unsupported, match="cache_by"):
        _check(app, trials=5)


def test_r31_a_job_on_page_load_gives_chromiums_page(monkeypatch):
    """tests/apps/background_load.py in headless Chromium (Dash's DiskcacheManager, a real job process) and
    as check models it: the same page, ``a`` never shown because ``b``'s set_props replaced the job's entry."""
    import html as html_text
    import re

    from conftest import APPS, CHROMIUM, in_chromium
    if CHROMIUM is None:
        pytest.skip("no headless browser: chromium is not installed (apt-get install chromium; .ci/run does it)")
    pytest.importorskip("diskcache")
    pytest.importorskip("multiprocess")
    from simulator.dashapp.convert import convert
    from simulator.dashapp.load import load
    dom, _, _ = in_chromium(monkeypatch, "background_load")
    conv = convert(load(str(APPS / "background_load.py")))
    modelled = simulate(conv.app.graph, Plan(()), lambda layout: (), Config(), seed=0).layout
    for cid in ("out", "a", "b", "bar", "busy"):
        shown = html_text.unescape(re.search(f'id="{cid}">([^<]*)<', dom).group(1))
        assert shown == (modelled[f"{cid}.children"] or ""), cid
    assert modelled["a.children"] is None and modelled["b.children"] == "B"
