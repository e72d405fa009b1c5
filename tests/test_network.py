"""Below the renderer: transports, server pools, the wire (``simulator/network.py``).

Not dash-renderer rules (R1..R20) but the "network below the renderer"
section of ``docs/renderer-model.md``: 6 HTTP/1.1 connections per host,
HTTP/2 multiplexing, Dash 4's WebSocket transport, bounded server pools,
and transfer time that grows with the JSON bytes.
"""

from __future__ import annotations

import pytest
import simpy

import scenarios
from simulator import Config, Dash, Input, Output, PreventUpdate, click, dcc, html
from simulator.errors import ScenarioError
from simulator.latency import Fixed, Uniform
from simulator.network import (BROWSER_CONNECTIONS_PER_HOST, TRANSPORTS, WEBSOCKET_WORKERS, Channel,
                               parse_bandwidth, parse_server, parse_transport)

from conftest import fixed_config, run_engine

N = 10  # a burst of 10 requests: under R12's cap of 12, over http1's 6 connections


def burst_app(n: int = N) -> Dash:
    """A button whose one callback sets n inputs; each input's callback writes its own store."""
    app = Dash("burst")
    app.layout = ([dcc.Input(id=f"in{i}") for i in range(n)] + [dcc.Store(id=f"out{i}") for i in range(n)]
                  + [html.Button(id="go")])

    @app.callback([Output(f"in{i}", "value") for i in range(n)], Input("go", "n_clicks"))
    def fan_out(n_clicks):
        if n_clicks:
            return [f"v{i}" for i in range(n)]
        raise PreventUpdate

    for i in range(n):
        def echo(value):
            if value:
                return value
            raise PreventUpdate
        echo.__name__ = f"echo{i}"
        app.callback(Output(f"out{i}", "data"), Input(f"in{i}", "value"), prevent_initial_call=True)(echo)
    return app


def burst(transport: str = "http1", server: str = "threaded", *, seed=0, **kw):
    config = Config.make(transport=transport, server=server, **{
        "server_delay": "uniform:50:150", "network": "uniform:5:25", "client_overhead": "0", **kw})
    return run_engine(burst_app(), [click("go", wait_settle=True, measure=True)], config=config, seed=seed)


def phases(run) -> dict[int, dict[str, float]]:
    """Per echo request: the time each phase started (engine trace notes)."""
    out: dict[int, dict[str, float]] = {}
    for e in run.trace:
        if e.get("callback", "").startswith("echo") and e["kind"] in (
                "sent", "uploading", "at_server", "processing", "downloading", "arrived"):
            out.setdefault(e["request"], {}).setdefault(e["kind"], e["t"])
    return out


def max_overlap(intervals) -> int:
    """The most intervals [start, end) open at once (an end at t closes before a start at t)."""
    edges = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals], key=lambda x: (x[0], x[1]))
    most = now = 0
    for _, step in edges:
        now += step
        most = max(most, now)
    return most


# --- transports ---------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(5))
def test_http1_never_has_more_than_6_requests_on_the_wire(seed):
    p = phases(burst("http1", seed=seed))
    assert len(p) == N
    assert max_overlap([(t["uploading"], t["arrived"]) for t in p.values()]) == BROWSER_CONNECTIONS_PER_HOST == 6
    waited = [t for t in p.values() if t["uploading"] > t["sent"]]
    assert len(waited) == N - 6  # the rest queued in the browser for a free connection


@pytest.mark.parametrize("seed", range(3))
def test_http2_puts_all_10_on_the_wire_at_once(seed):
    p = phases(burst("http2", seed=seed))
    assert all(t["uploading"] == t["sent"] for t in p.values())
    assert max_overlap([(t["uploading"], t["arrived"]) for t in p.values()]) == N


def test_http1_connections_are_separate_so_requests_can_overtake_http2_and_websocket_cannot():
    """Separate TCP connections reorder under jitter; one TCP stream (h2, ws) delivers in order."""
    def reordered(transport):
        count = 0
        for seed in range(20):
            p = phases(burst(transport, seed=seed))
            by_send = sorted(p, key=lambda r: (p[r]["uploading"], r))
            by_arrival = sorted(p, key=lambda r: (p[r]["at_server"], r))
            count += by_send != by_arrival
        return count
    assert reordered("http1") > 0
    assert reordered("http2") == 0
    assert reordered("websocket") == 0


def test_transport_parsing():
    assert parse_transport("http1").connections == 6
    assert parse_transport("http2").connections is None
    assert parse_transport("websocket").executor == WEBSOCKET_WORKERS == 4
    assert parse_transport("websocket:8").executor == 8
    for bad in ("http3", "websocket:0", "websocket:x"):
        with pytest.raises(ScenarioError, match="unknown transport"):
            parse_transport(bad)


# --- the server pool ----------------------------------------------------------------

@pytest.mark.parametrize("server, slots", [("gunicorn:1", 1), ("gunicorn:2", 2), ("gunicorn:2x2", 4),
                                           ("gunicorn:3", 3)])
def test_gunicorn_never_runs_more_than_w_x_t_requests_and_queues_fifo(server, slots):
    p = phases(burst("http2", server))
    busy = [(t["processing"], t["downloading"]) for t in p.values()]
    assert max_overlap(busy) == slots
    # FIFO: requests start processing in the order they reached the server
    by_arrival = sorted(p, key=lambda r: (p[r]["at_server"], r))
    by_start = sorted(p, key=lambda r: (p[r]["processing"], r))
    assert by_arrival == by_start


def test_threaded_server_is_unbounded():
    p = phases(burst("http2", "threaded"))
    assert max_overlap([(t["processing"], t["downloading"]) for t in p.values()]) == N
    assert all(t["processing"] == t["at_server"] for t in p.values())


def test_server_parsing():
    assert parse_server("threaded").slots is None
    assert parse_server("gunicorn:4").slots == 4
    assert parse_server("gunicorn:2x8").slots == 16
    for bad in ("gunicorn", "gunicorn:0", "gunicorn:2x0", "uwsgi:4"):
        with pytest.raises(ScenarioError, match="unknown server"):
            parse_server(bad)


# --- Dash 4's WebSocket transport ---------------------------------------------------

@pytest.mark.parametrize("seed", range(3))
def test_websocket_sends_everything_at_once_but_runs_4_callbacks_at_a_time(seed):
    """One connection, no browser limit; the server's sync callbacks share a FIFO pool of 4 threads."""
    p = phases(burst("websocket", seed=seed))
    assert all(t["uploading"] == t["sent"] for t in p.values())
    assert max_overlap([(t["processing"], t["downloading"]) for t in p.values()]) == 4
    by_arrival = sorted(p, key=lambda r: (p[r]["at_server"], r))
    assert by_arrival == sorted(p, key=lambda r: (p[r]["processing"], r))


def test_websocket_pool_size_is_its_own_and_ignores_server():
    p = phases(burst("websocket:2", "gunicorn:8"))
    assert max_overlap([(t["processing"], t["downloading"]) for t in p.values()]) == 2
    p = phases(burst("websocket", "gunicorn:1"))
    assert max_overlap([(t["processing"], t["downloading"]) for t in p.values()]) == 4
    assert "websocket executor, 4 threads" in Config.make(transport="websocket", server="gunicorn:1").describe()["server"]


@pytest.mark.parametrize("seed", range(5))
def test_websocket_responses_arrive_in_the_order_the_server_finished_them(seed):
    """A response is sent when its callback finishes (the done-handler flushes), and one TCP stream
    delivers in order: finishing order = arrival order, not request order, whatever the jitter."""
    p = phases(burst("websocket", seed=seed, network="uniform:0:80"))
    finished = sorted(p, key=lambda r: (p[r]["downloading"], r))
    assert finished != sorted(p)  # the server finished them out of request order
    times = [p[r]["arrived"] for r in finished]
    assert times == sorted(times)  # ... and they arrived in that order (ties: one frame)


def test_websocket_with_bandwidth_sends_one_message_at_a_time():
    """WebSocket messages are not interleaved: with a bandwidth, uploads queue behind one another."""
    config = Config.make(transport="websocket", server_delay="0", network="0", client_overhead="0",
                         bandwidth=parse_bandwidth("1mbit"))
    run = run_engine(burst_app(), [click("go", wait_settle=True, measure=True)], config=config)
    p = phases(run)
    up = sorted((t["uploading"], t["at_server"]) for t in p.values())
    assert all(a_end <= b_end for (_, a_end), (_, b_end) in zip(up, up[1:]))
    assert max_overlap([(s, e) for s, e in up]) == N  # all handed over at once...
    ends = [e for _, e in up]
    gaps = [b - a for a, b in zip(ends, ends[1:])]
    assert min(gaps) > 0  # ...but each finishes after the one before it


# --- the wire: bandwidth, sharing, order -------------------------------------------

def _carry(channel, env, nbytes, delay, out, name, start=0.0):
    def proc():
        yield env.timeout(start)
        yield from channel.carry(nbytes, delay)
        out[name] = env.now
    env.process(proc())


def test_channel_alone_takes_delay_plus_bytes_over_bandwidth():
    env, out = simpy.Environment(), {}
    _carry(Channel(env, bandwidth=2.0), env, 1000, 7.0, out, "a")
    env.run()
    assert out["a"] == pytest.approx(7.0 + 1000 / 2.0)


def test_channel_shares_bandwidth_fairly_between_concurrent_transfers():
    env, out = simpy.Environment(), {}
    ch = Channel(env, bandwidth=1.0)
    _carry(ch, env, 1000, 0.0, out, "a")
    _carry(ch, env, 1000, 0.0, out, "b")
    _carry(ch, env, 100, 0.0, out, "small", start=500.0)
    env.run()
    # 0-500: a and b at 0.5 B/ms (250 B each); then three share: small needs 100 B at 1/3 -> 300 ms
    assert out["small"] == pytest.approx(800.0)
    # a and b: 750 B left at 500; 100 B each by 800; 650 B left at 0.5 B/ms -> 2100
    assert out["a"] == pytest.approx(2100.0) and out["b"] == pytest.approx(2100.0)


def test_channel_fifo_sends_one_message_after_another():
    env, out = simpy.Environment(), {}
    ch = Channel(env, bandwidth=1.0, fifo=True)
    _carry(ch, env, 1000, 0.0, out, "a")
    _carry(ch, env, 1000, 0.0, out, "b")
    env.run()
    assert (out["a"], out["b"]) == (pytest.approx(1000.0), pytest.approx(2000.0))


def test_ordered_channel_never_delivers_a_later_message_first():
    env, out = simpy.Environment(), {}
    ch = Channel(env, bandwidth=None, ordered=True)
    _carry(ch, env, 10, 50.0, out, "first")
    _carry(ch, env, 10, 5.0, out, "second", start=1.0)
    env.run()
    assert out["first"] == 50.0 and out["second"] == 50.0
    env, out = simpy.Environment(), {}
    ch = Channel(env, bandwidth=None, ordered=False)
    _carry(ch, env, 10, 50.0, out, "first")
    _carry(ch, env, 10, 5.0, out, "second", start=1.0)
    env.run()
    assert out["second"] == 6.0 < out["first"]


# --- payload-aware latency: the State dict goes up, a Patch comes down small -----------

def _one(strategy: str, size: int, bandwidth: str | None = "1mbit", transport: str = "http1"):
    s = scenarios.scenario(strategy, "interleave", 2, scenarios.Params(dict_size=size))
    config = Config(server_delay=Fixed(0.0), network=Fixed(10.0), client_overhead=Fixed(0.0),
                    transport=parse_transport(transport), bandwidth=parse_bandwidth(bandwidth))
    return s.run(seed=1, config=config, trace=True)


def test_dict_size_pads_the_initial_dict_and_not_the_check():
    s = scenarios.scenario("naive", "load", 2, scenarios.Params(dict_size=100_000))
    data = s.graph.components["user_data"].initial["data"]
    import json
    assert len(json.dumps(data, separators=(",", ":"))) == 100_000
    assert set(data) == {"profile"}
    assert s.check({"user_data.data": data, "first_name.value": None, "last_name.value": None}) == ()
    assert scenarios.scenario("naive", "load").graph.components["user_data"].initial["data"] == {}
    with pytest.raises(ScenarioError, match="dict-size"):
        scenarios.Params(dict_size=-1)


def test_request_bytes_and_upload_time_grow_with_dict_size():
    """naive sends State(user_data) with every request: the whole dict goes up (and comes back)."""
    small, large = _one("naive", 0), _one("naive", 100_000)
    assert small.bytes_up / small.sent < 1_000
    assert large.bytes_up / large.sent > 100_000
    assert large.bytes_down / large.responses > 100_000

    def upload_ms(run):
        p = {}
        for e in run.trace:
            if e["kind"] in ("uploading", "at_server") and e["callback"].startswith("update_"):
                p.setdefault(e["request"], {})[e["kind"]] = e["t"]
        return max(t["at_server"] - t["uploading"] for t in p.values())
    # 1 mbit = 125 bytes/ms: 100 kB takes more than 800 ms to go up, on top of the 10 ms delay
    assert upload_ms(large) > 10 + 100_000 / 125
    assert upload_ms(small) < 10 + 2_000 / 125
    assert large.settle_ms > small.settle_ms + 1_000


def test_patch_response_and_request_stay_small_with_a_100kB_dict():
    """Article claim 4: Patch sends only its key; it has no State, so nothing large goes up either."""
    run = _one("patch", 100_000)
    assert run.sent == 2 and run.responses == 2
    assert run.bytes_down / run.responses < 1_000
    assert run.bytes_up / run.sent < 1_000
    assert run.layout["user_data.data"]["profile"]  # the padding survives the patches (R17)
    assert not run.diverged


def test_without_bandwidth_bytes_do_not_cost_time():
    a, b = _one("naive", 0, bandwidth=None), _one("naive", 100_000, bandwidth=None)
    assert a.settle_ms == pytest.approx(b.settle_ms)


def test_header_bytes_count_towards_time_not_towards_bytes():
    run = _one("patch", 0, bandwidth="1mbit", transport="http1")
    p = {}
    for e in run.trace:
        if e["kind"] in ("uploading", "at_server") and e["callback"].startswith("update_"):
            p.setdefault(e["request"], {})[e["kind"]] = e["t"]
    upload = min(t["at_server"] - t["uploading"] for t in p.values())
    header = TRANSPORTS["http1"].header_up
    assert header > 300
    assert upload >= 10 + header / 125


def test_default_environment_is_unchanged_by_transport_bytes():
    """No bandwidth (the default): http1's header bytes cost nothing, and results are reproducible."""
    s = scenarios.scenario("naive", "interleave")
    a = s.run(seed=3, config=fixed_config(server_delay=Uniform(0, 300), network=Uniform(5, 25)))
    b = s.run(seed=3, config=fixed_config(server_delay=Uniform(0, 300), network=Uniform(5, 25)))
    assert (a.diverged, a.settle_ms, a.bytes_up) == (b.diverged, b.settle_ms, b.bytes_up)


# --- separate upload and download laws ----------------------------------------------------------

def test_network_up_and_down_default_to_network_and_draw_the_same_numbers():
    """network_up/network_down left unset are --network: the same runs, bit for bit."""
    import scenarios
    from simulator import Config, simulate
    from simulator.latency import Uniform
    s = scenarios.scenario("naive", "interleave")
    for seed in ("0/0", "0/1", "0/2"):
        one = simulate(s.graph, s.plan(seed), s.check, Config(network=Uniform(5, 25)), seed=seed)
        two = simulate(s.graph, s.plan(seed), s.check,
                       Config(network_up=Uniform(5, 25), network_down=Uniform(5, 25)), seed=seed)
        assert (one.layout, one.end, one.settle_ms) == (two.layout, two.end, two.settle_ms)


def test_a_slow_upload_and_a_fast_download_each_take_their_own_law():
    import scenarios
    from simulator import Config, simulate
    s = scenarios.scenario("naive", "load")
    run = simulate(s.graph, s.plan("0/0"), s.check, Config.make(network_up="fixed:40", network_down="fixed:1",
                                                                   server_delay="fixed:0"), seed="0/0", trace=True)
    at = {}
    for e in run.trace:
        if e["kind"] in ("uploading", "at_server", "downloading", "arrived"):
            at.setdefault(e["request"], {})[e["kind"]] = e["t"]
    for phases in at.values():
        assert phases["at_server"] - phases["uploading"] == pytest.approx(40)
        assert phases["arrived"] - phases["downloading"] == pytest.approx(1)
