"""Output files: checked before a long run, and written with errors that name the file.

* :func:`check` — every output path of one command, before anything runs:
  not empty, two options never share a file, the folder exists, and the
  file can really be created there (a probe, removed again; ``os.access``
  says yes to root in ``/proc``).
* :func:`writing` — around a write: an ``OSError`` (disk full, ...) becomes a
  :class:`ScenarioError` naming the option and the file.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator

from .errors import ScenarioError


def check(paths: dict[str, str | None]) -> None:
    """``{"--json": path, ...}``: refuse before running what would fail after it."""
    seen: dict[str, str] = {}
    for option, path in paths.items():
        if path is None:
            continue
        if not path.strip():
            raise ScenarioError(f"{option}: the path is empty")
        real = os.path.realpath(path)
        if real in seen:
            raise ScenarioError(f"{seen[real]} and {option} name the same file {path!r}; one would overwrite "
                                "the other")
        seen[real] = option
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise ScenarioError(f"{option} {path}: the folder {folder} does not exist")
        if os.path.isdir(path):
            raise ScenarioError(f"{option} {path}: is a folder, not a file")
        _probe(option, path)


def _probe(option: str, path: str) -> None:
    existed = os.path.exists(path)
    try:
        with open(path, "a"):
            pass
    except OSError as exc:
        raise ScenarioError(f"{option} {path}: cannot write there ({exc.strerror})") from None
    if not existed:
        os.remove(path)


@contextmanager
def writing(option: str, path: str) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise ScenarioError(f"{option} {path}: could not write it ({exc.strerror or exc})") from None
