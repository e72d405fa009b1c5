"""The address the simulated page is opened at.

A ``dcc.Location`` reports the browser's address when it mounts (R22), so a
run needs one.  By default it is the address ``app.run()`` serves,
``http://127.0.0.1:8050/``; ``app.url`` (and ``check --url``) opens the page
elsewhere, e.g. ``/reports?year=2024#top`` for one page of a multi-page app.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from .errors import ScenarioError

ORIGIN = "http://127.0.0.1:8050"
DEFAULT_URL = ORIGIN + "/"


@dataclass(frozen=True)
class PageURL:
    """``window.location``'s four fields that ``dcc.Location`` mirrors."""

    origin: str = ORIGIN
    pathname: str = "/"
    search: str = ""
    hash: str = ""

    @property
    def href(self) -> str:
        return f"{self.origin}{self.pathname}{self.search}{self.hash}"

    def field(self, name: str) -> str:
        return self.href if name == "href" else getattr(self, name)

    def with_field(self, name: str, value: str) -> "PageURL":
        """The address after the browser went to ``value`` for one field (a reload, R22)."""
        if name == "href":
            return parse(value)
        return replace(self, **{name: value})


def parse(url: str) -> PageURL:
    """A page address from ``/path?query#hash`` or a full ``http(s)://host/path...``.

    Written as the browser would show it: a search starts with ``?`` and a
    hash with ``#`` (empty when absent), and the path starts with ``/``.
    """
    if not isinstance(url, str) or not url:
        raise ScenarioError(f"page URL {url!r}: give a path such as /page?x=1 or a full http:// address")
    parts = urlsplit(url)
    if parts.scheme and parts.scheme not in ("http", "https") or parts.scheme and not parts.netloc:
        raise ScenarioError(f"page URL {url!r}: only http:// and https:// addresses (or a path) can be opened")
    if not parts.scheme and not url.startswith("/"):
        raise ScenarioError(f"page URL {url!r}: a path must start with '/' (e.g. /{url})")
    origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme else ORIGIN
    return PageURL(origin=origin, pathname=parts.path or "/",
                   search=f"?{parts.query}" if parts.query else "",
                   hash=f"#{parts.fragment}" if parts.fragment else "")
