"""Below the renderer: the browser's connections, the wire and the server.

None of this is dash-renderer, but all of it decides when responses arrive:

* :class:`Transport` — how many requests may be on the wire at once.
  ``http1``: a browser opens at most 6 connections per host, the rest queue
  in the browser.  ``http2``: one multiplexed connection, no per-host limit.
* :class:`Server` — how many requests the server runs at once: ``threaded``
  (Flask's dev server: a thread per request) or ``gunicorn:W`` /
  ``gunicorn:WxT`` (W workers x T threads, a FIFO queue in front).
* the wire: each direction costs a one-way delay drawn from a distribution
  plus, when a bandwidth is set, bytes / bandwidth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import simpy

from .errors import ScenarioError

BROWSER_CONNECTIONS_PER_HOST = 6


@dataclass(frozen=True)
class TransportSpec:
    name: str
    connections: int | None  # None: unlimited

    def build(self, env: simpy.Environment) -> "simpy.Resource | None":
        return simpy.Resource(env, self.connections) if self.connections else None


TRANSPORTS = {
    "http1": TransportSpec("http1", BROWSER_CONNECTIONS_PER_HOST),
    "http2": TransportSpec("http2", None),
}


def parse_transport(name: str) -> TransportSpec:
    try:
        return TRANSPORTS[name]
    except KeyError:
        raise ScenarioError(f"unknown transport {name!r}; use one of: {', '.join(TRANSPORTS)}") from None


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


_UNITS = {"bit": 1 / 8, "kbit": 1e3 / 8, "mbit": 1e6 / 8, "gbit": 1e9 / 8,
          "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9}


def parse_bandwidth(spec: str | None) -> float | None:
    """``"50mbit"`` -> bytes per millisecond; ``None``/``"inf"``: no limit."""
    if spec in (None, "", "inf", "none"):
        return None
    match = re.fullmatch(r"([\d.]+)\s*([a-zA-Z]+)(?:/s|ps)?", str(spec).strip())
    if not match or match.group(2).lower() not in _UNITS:
        raise ScenarioError(f"bandwidth {spec!r}: write a number and a unit, e.g. 1mbit, 50mbit, 2MB")
    per_second = float(match.group(1)) * _UNITS[match.group(2).lower()]
    if per_second <= 0:
        raise ScenarioError(f"bandwidth {spec!r} must be > 0")
    return per_second / 1000.0
