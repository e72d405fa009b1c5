"""Below the renderer: the browser's connections, the wire and the server.

None of this is dash-renderer, but all of it decides when responses arrive:

* :class:`TransportSpec` — how requests travel (``--transport``).
  ``http1``: a browser opens at most 6 connections per host; a request holds
  one for its whole round trip and the rest queue in the browser.  Separate
  TCP connections: a later request's bytes may overtake an earlier one's.
  ``http2``: one multiplexed connection, no per-host limit; streams share one
  TCP connection, so bytes arrive in the order they were sent.
  ``websocket`` / ``websocket:N``: Dash 4's WebSocket callback transport, see
  :data:`WEBSOCKET_NOTES` — one connection, messages in order, and the
  server's sync callbacks run on a thread pool of N (default 4), which
  replaces ``--server`` for callbacks.
* :class:`ServerSpec` — how many requests the server runs at once: ``threaded``
  (Flask's dev server: a thread per request) or ``gunicorn:W`` /
  ``gunicorn:WxT`` (W workers x T threads, a FIFO queue in front).
* the wire (:class:`Channel`, one per direction): each message costs a
  one-way delay drawn from a distribution (the per-request overhead) plus,
  when a bandwidth is set, its bytes / bandwidth.  A message alone on the
  link takes ``delay + bytes / bandwidth``; messages in flight together share
  the bandwidth: fairly (TCP connections, HTTP/2 streams) or one after the
  other (WebSocket messages are never interleaved).  Header bytes (HTTP
  headers, the WebSocket envelope) count towards the transfer time, not
  towards the JSON byte counts the reports show.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

import simpy

from .errors import ScenarioError

BROWSER_CONNECTIONS_PER_HOST = 6


# Header bytes per message, added to the JSON body's transfer time (not to the
# byte counts).  HTTP/1.1: a representative Chrome POST to Dash and a
# Werkzeug/gunicorn JSON response, no cookies (cookies only add to them).
_HTTP1_REQUEST_HEADERS = (
    "POST /_dash-update-component HTTP/1.1\r\nHost: localhost:8050\r\nConnection: keep-alive\r\n"
    "Content-Length: 1234\r\nsec-ch-ua-platform: \"Linux\"\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/140.0.0.0 Safari/537.36\r\nsec-ch-ua: \"Chromium\";v=\"140\", \"Not=A?Brand\";v=\"24\", "
    "\"Google Chrome\";v=\"140\"\r\nContent-Type: application/json\r\nsec-ch-ua-mobile: ?0\r\n"
    "Accept: application/json\r\nOrigin: http://localhost:8050\r\nSec-Fetch-Site: same-origin\r\n"
    "Sec-Fetch-Mode: cors\r\nSec-Fetch-Dest: empty\r\nReferer: http://localhost:8050/\r\n"
    "Accept-Encoding: gzip, deflate, br, zstd\r\nAccept-Language: en-US,en;q=0.9\r\n\r\n")
_HTTP1_RESPONSE_HEADERS = (
    "HTTP/1.1 200 OK\r\nServer: Werkzeug/3.1.3 Python/3.12.3\r\nDate: Mon, 24 Nov 2025 10:00:00 GMT\r\n"
    "Content-Type: application/json\r\nContent-Length: 1234\r\nConnection: close\r\n\r\n")
# HTTP/2: HPACK sends repeated headers as table indexes; an estimate, plus a
# 9-byte HEADERS and a 9-byte DATA frame header.
_HTTP2_REQUEST_HEADER_BYTES = 60 + 18
_HTTP2_RESPONSE_HEADER_BYTES = 30 + 18
# WebSocket: the envelope around the callback payload (rendererId is a uuid,
# requestId "<rendererId>-<n>") plus the frame header (client frames are
# masked: 2 + 2 length + 4 mask bytes; server frames 2 + 2).
_UUID = "0" * 36
_WS_REQUEST_ENVELOPE = len('{"type":"callback_request","rendererId":"%s","requestId":"%s-1","payload":}'
                           % (_UUID, _UUID)) + 8
_WS_RESPONSE_ENVELOPE = len('{"type":"callback_response","rendererId":"%s","requestId":"%s-1",'
                            '"payload":{"status":"ok","data":}}' % (_UUID, _UUID)) + 4

#: Dash 4's default ``websocket_max_workers``: the server's pool for sync callbacks.
WEBSOCKET_WORKERS = 4
#: Dash 4's default ``websocket_batch_delay`` (ms); see :data:`WEBSOCKET_NOTES`.
WEBSOCKET_BATCH_DELAY = 5.0

WEBSOCKET_NOTES = """\
How Dash 4 runs callbacks over its WebSocket (plotly/dash, read from the source):

* Renderer (dash-renderer/src/actions/callbacks.ts, handleWebsocketCallback;
  utils/workerClient.ts; observers/websocketObserver.ts).  When websocket
  callbacks are on (globally, or websocket=True on a callback; never for
  background callbacks) a dispatched request is not a fetch but a
  ``callback_request`` message {type, rendererId, requestId, payload} posted
  to a SharedWorker, with the same payload as the HTTP POST (outputs, inputs,
  changedPropIds and the whole State).  The request list handling, the
  12-request cap, the "is it still watched" check (R8) and the way a
  response is applied are the HTTP path's: only the transport differs.
* The SharedWorker (@plotly/dash-websocket-worker, WebSocketManager.ts)
  holds ONE WebSocket for all tabs and sends each message at once
  (``ws.send``) — no per-host connection limit, no queue in the browser
  once connected.  One TCP stream: messages arrive in the order sent.
* Server (dash/backends/_fastapi.py and _quart.py,
  ``serve_websocket_callback``; dash/backends/ws.py).  One receive loop per
  connection reads messages one at a time and submits each sync callback to
  a ThreadPoolExecutor shared by all connections,
  ``websocket_max_workers=4`` threads by default (base_server.py
  ``get_callback_executor``): a FIFO queue in front of 4 threads, whatever
  the HTTP server's own workers are.  Async callbacks run on the event loop
  instead (not modelled: the simulated callbacks are sync).
* Responses: when a callback finishes, its done-handler puts the
  ``callback_response`` on an outbound queue and then a FLUSH signal; the
  sender coroutine batches queued messages over ``websocket_batch_delay``
  (5 ms) of quiet, but the FLUSH sends the batch at once.  So a callback
  response leaves as soon as the callback finishes — in completion order,
  not request order — together with anything already queued (responses that
  finished in the same instant share one frame, a JSON array).  The 5 ms
  window only delays streamed ``set_props`` messages, which the simulator
  does not model.

Model: no connection limit; one uplink and one downlink, each carrying one
message at a time in order (FIFO) with in-order delivery; a FIFO pool of N
server threads (``--transport websocket:N``, default 4) replaces
``--server``; a response is sent when its callback finishes.
"""


@dataclass(frozen=True)
class TransportSpec:
    """How requests travel between the browser and the server."""

    name: str
    connections: int | None         # browser connections per host; None: unlimited
    ordered: bool = False           # one TCP stream: messages arrive in the order sent
    fifo: bool = False              # one message on the link at a time (WebSocket)
    header_up: int = 0              # bytes per request besides the JSON body
    header_down: int = 0            # bytes per response besides the JSON body
    executor: int | None = None     # WebSocket: the server's callback thread pool

    def build(self, env: simpy.Environment) -> "simpy.Resource | None":
        """The browser's connection slots (None: no limit)."""
        return simpy.Resource(env, self.connections) if self.connections else None

    def workers(self, server: "ServerSpec", env: simpy.Environment) -> "simpy.Resource | None":
        """The server-side pool requests queue for (FIFO): WebSocket's executor or ``server``'s."""
        if self.executor:
            return simpy.Resource(env, self.executor)
        return server.build(env)

    def server_name(self, server: "ServerSpec") -> str:
        return f"websocket executor, {self.executor} threads" if self.executor else server.name

    def channels(self, env: simpy.Environment, bandwidth: float | None) -> "tuple[Channel, Channel]":
        """(uplink, downlink) for one page."""
        return (Channel(env, bandwidth, fifo=self.fifo, ordered=self.ordered),
                Channel(env, bandwidth, fifo=self.fifo, ordered=self.ordered))


TRANSPORTS = {
    "http1": TransportSpec("http1", BROWSER_CONNECTIONS_PER_HOST,
                           header_up=len(_HTTP1_REQUEST_HEADERS), header_down=len(_HTTP1_RESPONSE_HEADERS)),
    "http2": TransportSpec("http2", None, ordered=True,
                           header_up=_HTTP2_REQUEST_HEADER_BYTES, header_down=_HTTP2_RESPONSE_HEADER_BYTES),
    "websocket": TransportSpec("websocket", None, ordered=True, fifo=True, header_up=_WS_REQUEST_ENVELOPE,
                               header_down=_WS_RESPONSE_ENVELOPE, executor=WEBSOCKET_WORKERS),
}


def parse_transport(name: str) -> TransportSpec:
    """``http1`` | ``http2`` | ``websocket`` | ``websocket:N`` (N server threads)."""
    match = re.fullmatch(r"websocket:(\d+)", str(name).strip())
    if match and int(match.group(1)) >= 1:
        return dataclasses.replace(TRANSPORTS["websocket"], name=name, executor=int(match.group(1)))
    try:
        return TRANSPORTS[name]
    except KeyError:
        raise ScenarioError(f"unknown transport {name!r}; use one of: {', '.join(TRANSPORTS)}, "
                            f"or websocket:N (N >= 1 server threads)") from None


@dataclass(frozen=True)
class ServerSpec:
    name: str
    slots: int | None  # None: unbounded (a thread per request)

    def build(self, env: simpy.Environment) -> "simpy.Resource | None":
        return simpy.Resource(env, self.slots) if self.slots else None


def parse_server(spec: str) -> ServerSpec:
    """``threaded`` | ``gunicorn:W`` | ``gunicorn:WxT``."""
    if spec == "threaded":
        return ServerSpec("threaded", None)
    match = re.fullmatch(r"gunicorn:(\d+)(?:x(\d+))?", spec)
    if match:
        workers, threads = int(match.group(1)), int(match.group(2) or 1)
        if workers and threads:
            return ServerSpec(spec, workers * threads)
    raise ScenarioError(f"unknown server {spec!r}; use 'threaded', 'gunicorn:W' or 'gunicorn:WxT' (W, T >= 1)")


_PREFIX = {"": 1.0, "k": 1e3, "m": 1e6, "g": 1e9}


def parse_bandwidth(spec: str | None) -> float | None:
    """``"50mbit"`` -> bytes per millisecond; ``None``/``"inf"``: no limit.

    Bits: ``bit``, ``kbit``, ``mbit``, ``gbit``, or ``bps``, ``kbps``,
    ``mbps``, ``gbps``, or ``Mb``; bytes: ``B``, ``kB``, ``MB``, ``GB``
    (``/s`` allowed).  A lower-case ``b`` is a bit, an upper-case ``B`` a byte.
    """
    if spec in (None, "", "inf", "none"):
        return None
    text = str(spec).strip()
    match = re.fullmatch(r"(\d+(?:\.\d*)?|\.\d+)\s*([kKmMgG]?)(bit|bps|b|B)(?:/s)?", text)
    if not match:
        raise ScenarioError(f"bandwidth {spec!r}: write a number and a unit, e.g. 1mbit, 50mbps, 2MB")
    number, prefix, unit = match.groups()
    per_second = float(number) * _PREFIX[prefix.lower()] * (1.0 if unit == "B" else 1 / 8)
    if per_second <= 0:
        raise ScenarioError(f"bandwidth {spec!r} must be > 0")
    return per_second / 1000.0


class Channel:
    """One direction of the page's link to the server: bandwidth, sharing and ordering.

    :meth:`carry` is a simpy generator: ``yield from channel.carry(nbytes, delay)``
    returns when the message's last byte has arrived.  Without a bandwidth a
    message takes ``delay``.  With one, its bytes go first: at the full
    bandwidth when alone; shared fairly with the other messages on the link
    (``fifo=False``: separate TCP connections or HTTP/2 streams), or after
    the messages ahead of it (``fifo=True``: one WebSocket sends one message
    at a time).  Then ``delay`` for the last byte to cross.  ``ordered``: one
    TCP stream delivers in order, so a message never arrives before one whose
    bytes left earlier.
    """

    def __init__(self, env: simpy.Environment, bandwidth: float | None, fifo: bool = False, ordered: bool = False):
        self.env = env
        self.bandwidth = bandwidth or None
        self.fifo = fifo
        self.ordered = ordered
        self._last_arrival = float("-inf")
        self._queue = simpy.Resource(env, 1) if fifo and self.bandwidth else None
        self._sharing: dict[simpy.Event, float] = {}   # processor sharing: event -> bytes left
        self._since = 0.0
        self._generation = 0

    def carry(self, nbytes: int, delay: float):
        env = self.env
        if self.bandwidth and nbytes > 0:
            if self._queue is not None:
                with self._queue.request() as turn:
                    yield turn
                    yield env.timeout(nbytes / self.bandwidth)
            else:
                done = env.event()
                self._advance()
                self._sharing[done] = float(nbytes)
                self._reschedule()
                yield done
        arrival = env.now + delay
        if self.ordered:
            arrival = max(arrival, self._last_arrival)
            self._last_arrival = arrival
        yield env.timeout(arrival - env.now)

    # --- processor sharing: every message on the link gets bandwidth / n ---
    def _advance(self) -> None:
        now = self.env.now
        if self._sharing and now > self._since:
            sent = (now - self._since) * self.bandwidth / len(self._sharing)
            for event in self._sharing:
                self._sharing[event] -= sent
        self._since = now

    def _reschedule(self) -> None:
        self._generation += 1
        if not self._sharing:
            return
        generation = self._generation
        wait = max(0.0, min(self._sharing.values()) * len(self._sharing) / self.bandwidth)
        self.env.timeout(wait).callbacks.append(lambda _event: self._finish(generation))

    def _finish(self, generation: int) -> None:
        if generation != self._generation:   # superseded by a later arrival or completion
            return
        self._advance()
        smallest = min(self._sharing.values())
        for event, left in list(self._sharing.items()):
            if left <= max(smallest, 0.0) + 1e-9:
                del self._sharing[event]
                event.succeed()
        self._reschedule()
