"""Load a developer's Dash app and read what the browser's renderer receives.

``path/to/app.py`` or ``package.module``, optionally ``:attr`` (default
``app``; when there is no ``app``, the one ``dash.Dash`` in the module).  The
module is imported as Dash imports it, without starting a server; Dash is
then set up (``_setup_server``: global ``dash.callback`` registrations join
the app) and the two documents the renderer fetches on page load are read
through Flask, as the browser does: ``GET _dash-dependencies`` (every
callback, its output id with the ``@hash`` suffix of ``allow_duplicate``
outputs (R11), ``prevent_initial_call`` -- ``initial_duplicate`` arrives as
``false`` --, clientside functions, and whatever wrappers such as
dash-extensions turned the callbacks into) and ``GET _dash-layout``.

Dash keeps callbacks in process-global maps, so one process should load one
app: :func:`simulator.dashapp.check.check` runs in a process of its own.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import inspect
import io
import itertools
import json
import os
import sys
from dataclasses import dataclass, field
from typing import Any

from .errors import CheckError

_loaded = itertools.count()


@dataclass
class Source:
    """Where a callback's Python function is, for the report (``file:line``) and the lint."""

    name: str
    file: str = "?"
    line: int = 0
    text: str = ""

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass
class Spec:
    """A loaded app: the Dash object and the two JSON documents the renderer reads."""

    target: str
    dash_app: Any
    dependencies: list[dict[str, Any]]
    layout: dict[str, Any]
    sources: dict[str, Source] = field(default_factory=dict)  # by output id


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def import_target(target: str) -> Any:
    """The ``dash.Dash`` object named by ``target``; :class:`CheckError` with one line otherwise."""
    try:
        import dash
    except ImportError:
        raise CheckError('checking a Dash app needs dash 4: pip install ".[dash]"') from None
    where, _, attr = target.partition(":") if not os.path.exists(target) else (target, "", "")
    is_file = where.endswith(".py") or os.sep in where
    if is_file and not os.path.isfile(where):
        raise CheckError(f"{where}: no such file")
    name = f"_callback_race_app_{next(_loaded)}"
    try:
        with contextlib.redirect_stdout(io.StringIO()), _no_server():  # printing must not garble --json
            if is_file:
                folder = os.path.dirname(os.path.abspath(where))
                if folder not in sys.path:
                    sys.path.insert(0, folder)   # apps import their sibling modules
                spec = importlib.util.spec_from_file_location(name, where)
                module = importlib.util.module_from_spec(spec)
                sys.modules[name] = module
                spec.loader.exec_module(module)
            else:
                module = importlib.import_module(where)
    except CheckError:
        raise
    except SystemExit as exc:
        raise CheckError(f"{target}: importing it called exit({exc.code})") from None
    except BaseException as exc:  # the app's own import error, whatever it is
        raise CheckError(f"{target}: importing it raised {_one_line(exc)}") from None
    if attr:
        app = getattr(module, attr, None)
        if app is None:
            raise CheckError(f"{target}: the module has no attribute {attr!r}")
    else:
        app = getattr(module, "app", None)
        if not isinstance(app, dash.Dash):
            found = [v for v in vars(module).values() if isinstance(v, dash.Dash)]
            if len(found) != 1:
                raise CheckError(f"{target}: no Dash app in it (looked for `app`, then for one dash.Dash object; "
                                 f"found {len(found)}); name it with {where}:ATTR")
            app = found[0]
    if not isinstance(app, dash.Dash):
        raise CheckError(f"{target}: {attr or 'app'} is a {type(app).__name__}, not a dash.Dash")
    return app


@contextlib.contextmanager
def _no_server():
    """An app that calls ``app.run()`` at import (no ``if __name__ == "__main__"``) must not start a server."""
    import dash
    import flask
    saved = dash.Dash.run, flask.Flask.run
    dash.Dash.run = flask.Flask.run = lambda self, *args, **kwargs: None
    try:
        yield
    finally:
        dash.Dash.run, flask.Flask.run = saved


def _get(client, url: str, what: str, target: str) -> Any:
    try:
        resp = client.get(url)
    except Exception as exc:
        raise CheckError(f"{target}: GET {url} raised {_one_line(exc)}") from None
    if resp.status_code != 200:
        raise CheckError(f"{target}: GET {url} answered HTTP {resp.status_code}; the renderer could not read {what}")
    return json.loads(resp.get_data(as_text=True))


def read(dash_app: Any, target: str = "app") -> Spec:
    """Set the app up as its first request would and read its dependencies and layout."""
    server = dash_app.server
    server.config["PROPAGATE_EXCEPTIONS"] = False   # an exception is a 500 answer, as in production
    client = server.test_client()
    prefix = dash_app.config.requests_pathname_prefix or "/"
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            dash_app._setup_server()
    except Exception as exc:
        raise CheckError(f"{target}: setting the app up raised {_one_line(exc)}") from None
    deps = _get(client, f"{prefix}_dash-dependencies", "the callbacks", target)
    layout = _get(client, f"{prefix}_dash-layout", "the layout", target)
    spec = Spec(target, dash_app, deps, layout)
    for output, entry in dash_app.callback_map.items():
        spec.sources[output] = _source(entry.get("callback"))
    return spec


def _source(func: Any) -> Source:
    inner = inspect.unwrap(func) if func is not None else None
    name = getattr(inner, "__name__", "callback")
    try:
        file = inspect.getsourcefile(inner)
        lines, line = inspect.getsourcelines(inner)
        return Source(name, os.path.relpath(file) if file else "?", line, "".join(lines))
    except (TypeError, OSError):
        return Source(name)


def load(target: str) -> Spec:
    """Import ``target`` and read it (see the module docstring)."""
    return read(import_target(target), target)
