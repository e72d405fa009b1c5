"""Shared helpers for the rule tests (R1..R19 of ``docs/renderer-model.md``).

Two ways to run an app:

* :class:`Driver` drives a :class:`~simulator.Renderer` by hand, with no
  clock and no network: the test decides when a user changes a prop and in
  which order responses arrive.  This is how most rules are pinned down.
* :func:`run_engine` runs the simpy engine with fixed, zero-overhead timing
  (or any :class:`~simulator.latency.Distribution`, e.g. :class:`Sequence`).

Callbacks in tests record their calls in a :class:`Calls` log, so a test can
assert how many times the *server* ran a body and with which values.
"""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path
from typing import Any, Iterable

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from simulator import Config, Dash, Plan, Renderer, Request, simulate  # noqa: E402
from simulator.latency import Distribution, Fixed  # noqa: E402
from simulator.renderer import EPOCH_MS  # noqa: E402,F401  (re-exported for tests)


class Calls:
    """What the server ran: ``(callback name, args)`` in execution order."""

    def __init__(self):
        self.log: list[tuple[str, tuple]] = []

    def __call__(self, name: str, *args: Any) -> None:
        self.log.append((name, args))

    def of(self, name: str) -> list[tuple]:
        return [args for n, args in self.log if n == name]

    def count(self, name: str) -> int:
        return len(self.of(name))


@pytest.fixture
def calls() -> Calls:
    return Calls()


class Driver:
    """Drive a Renderer by hand: ``load``, ``change``, ``respond``, ``settle``.

    Every method that feeds the renderer (except when ``schedule=False``)
    then runs one scheduling pass, as the renderer's observers would, and
    returns the requests it dispatched.  ``self.sent`` keeps every request
    ever dispatched, in order; ``self.events`` every renderer event.
    """

    def __init__(self, app: Dash):
        self.app = app
        self.events: list[tuple[str, float, dict[str, Any]]] = []
        self.r = Renderer(app.graph, on_event=lambda kind, now, **f: self.events.append((kind, now, f)))
        self.now = 0.0
        self.sent: list[Request] = []

    # --- feeding the renderer -------------------------------------------
    def schedule(self) -> list[Request]:
        sent = self.r.schedule(self.now)
        self.sent.extend(sent)
        return sent

    def load(self, *, schedule: bool = True) -> list[Request]:
        self.r.load(self.now)
        return self.schedule() if schedule else []

    def change(self, props: dict[str, Any], *, at: float | None = None, schedule: bool = True) -> list[Request]:
        """A component changes its own props (the user types, clicks)."""
        if at is not None:
            self.now = at
        self.r.change(props, self.now)
        return self.schedule() if schedule else []

    def respond(self, req: Request, *, at: float | None = None, schedule: bool = True) -> str:
        """The server runs ``req`` on the values it read at dispatch; its response arrives now."""
        if at is not None:
            self.now = at
        response = req.callback.execute(req.args, tuple(req.changed), self.now)
        status = self.r.receive(req, response, self.now)
        if schedule:
            self.schedule()
        return status

    def settle(self, limit: int = 1000) -> None:
        """Answer in-flight requests oldest first until nothing is pending."""
        for _ in range(limit):
            if not self.r.in_flight:
                self.schedule()
                if not self.r.in_flight:
                    return
            self.respond(self.r.in_flight[0])
        raise AssertionError("did not settle")

    # --- looking ---------------------------------------------------------
    def value(self, prop: str) -> Any:
        return self.r.value(prop)

    @property
    def in_flight(self) -> list[Request]:
        return list(self.r.in_flight)

    @property
    def requested(self) -> list[Request]:
        return list(self.r.requested)

    def names(self, requests: Iterable[Request]) -> list[str]:
        return [r.name for r in requests]

    def sent_by(self, name: str) -> list[Request]:
        return [r for r in self.sent if r.name == name]

    def kinds(self, kind: str) -> list[dict[str, Any]]:
        return [f for k, _, f in self.events if k == kind]

    def requested_names(self) -> list[str]:
        return [f["request"].name for f in self.kinds("requested")]

    def read(self, req: Request) -> dict[str, Any]:
        """What a dispatched request read (R14): ``{prop: value}`` over Inputs and States."""
        node = req.node
        return dict(zip(node.input_keys + node.state_keys, req.args))


class Sequence(Distribution):
    """Draws the given values in order, then repeats the last: scripted latency."""

    def __init__(self, *values: float):
        self.values = list(values)
        self.i = 0

    def draw(self, rng: random.Random) -> float:
        value = self.values[min(self.i, len(self.values) - 1)]
        self.i += 1
        return value

    @property
    def spec(self) -> str:
        return "sequence:" + ":".join(f"{v:g}" for v in self.values)


def fixed_config(server_delay: float | Distribution = 0.0, network: float | Distribution = 0.0,
                 client_overhead: float | Distribution = 0.0, **kw: Any) -> Config:
    as_dist = lambda v: v if isinstance(v, Distribution) else Fixed(float(v))  # noqa: E731
    return Config(server_delay=as_dist(server_delay), network=as_dist(network),
                  client_overhead=as_dist(client_overhead), **kw)


def run_engine(app: Dash, actions: Iterable = (), *, config: Config | None = None, seed: Any = 0,
               trace: bool = True, check=lambda layout: ()):
    """Run the simpy engine; by default every latency is 0 ms (fixed)."""
    return simulate(app, Plan(tuple(actions)), check, config or fixed_config(), seed=seed, trace=trace)


def trace_of(run, kind: str, callback: str | None = None) -> list[dict[str, Any]]:
    return [e for e in run.trace if e["kind"] == kind and (callback is None or e.get("callback") == callback)]


# --- real Dash apps (tests/apps/, checked by simulator.dashapp) ---------------
APPS = ROOT / "tests" / "apps"
_REAL_APPS: dict[tuple[str, bool], Any] = {}


@pytest.fixture(scope="session")
def real_app():
    """``real_app("naive")``: tests/apps/naive.py loaded and converted (cached for the session)."""
    pytest.importorskip("dash")
    from simulator.dashapp.convert import convert
    from simulator.dashapp.load import load

    def get(name: str, flask: bool = False):
        key = (name, flask)
        if key not in _REAL_APPS:
            _REAL_APPS[key] = convert(load(str(APPS / f"{name}.py")), flask=flask)
        return _REAL_APPS[key]
    return get


def workload_named(conv, name: str):
    """The generated workload called ``name`` (e.g. ``"alone load_data.n_clicks"``)."""
    from simulator.dashapp.workloads import generate, inputs
    found, _ = inputs(conv.app.graph)
    for w in generate(found, load=True):
        if w.name == name:
            return w
    raise KeyError(name)


# --- a real browser ---------------------------------------------------------------------------
CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="no headless browser: chromium is not installed "
                                                              "(apt-get install chromium; .ci/run does it)")


def in_chromium(monkeypatch, module: str, path: str = "/") -> tuple[str, list[str], str]:
    """Serve ``tests/apps/<module>.py`` and open ``path`` in headless Chromium.

    Returns the page's DOM, the callbacks its server ran (``/calls``) and the
    address the page was opened at.

    The app logs each callback it runs and serves the log at ``/calls``, so a
    test can compare what the browser ran with what the model runs.
    """
    import importlib
    import logging
    import subprocess
    import tempfile
    import threading
    import urllib.request

    from werkzeug.serving import make_server
    monkeypatch.syspath_prepend(str(APPS))
    logging.getLogger("werkzeug").setLevel(logging.ERROR)   # its request log says nothing the asserts do not
    real = importlib.import_module(module)
    server = make_server("127.0.0.1", 0, real.app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with tempfile.TemporaryDirectory() as profile:
            dom = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                                  "--virtual-time-budget=5000", f"--user-data-dir={profile}", "--dump-dom",
                                  base + path], capture_output=True, text=True, timeout=120).stdout
        calls = urllib.request.urlopen(base + "/calls").read().decode().split(",")
    finally:
        server.shutdown()
    return dom, calls, base + path


def modelled_load(module: str, url: str | None = None) -> Driver:
    """``tests/apps/<module>.py`` as check models it, loaded and settled: what the Chromium tests compare with."""
    from simulator.dashapp.convert import convert
    from simulator.dashapp.load import load
    d = Driver(convert(load(str(APPS / f"{module}.py")), url=url).app)
    d.load()
    d.settle()
    return d
