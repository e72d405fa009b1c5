"""What components do by themselves: on mount (R22), and what is refused (R23).

The renderer mounts the layout only after it has requested the initial calls
(R5): ``APIController`` renders the components once the app is ``HYDRATED``.
A component that sets its own props while it mounts does so through
``setProps``, a component change (R4), before the requested observer's first
pass has dispatched anything, so its change merges into the initial requests
(R7) and also requests callbacks declared with ``prevent_initial_call``.
Measured in Chromium with Dash 4.4.1: a callback with
``Input("url", "pathname")`` runs once on load and receives the page's path,
and one with ``prevent_initial_call=True`` runs too.

Two components do this, and both are modelled here:

* ``dcc.Location`` (``componentDidMount``): each of ``pathname``, ``href``,
  ``search``, ``hash`` the layout leaves unset takes the address's value.
  One the layout sets to another value *reloads the page* at that address
  when ``refresh`` is true (its default): the model opens the page where
  that reload ends.
* ``dcc.Tabs`` (a mount effect): with no ``value``, it selects its first
  tab's value, or ``"tab-1"``.

``dcc.Store``'s mount stamp is R4's (``Renderer.load``).

Components whose code the browser loads lazily, as a separate script, once
they are first drawn (``dcc.Dropdown``, ``dcc.Slider``, ``dcc.Graph``, the
date pickers) act later, at a time the model does not know (R23).  What they
would do is refused, never guessed: a callback reading a prop such a
component sets itself is refused when the component would set it (at mount
from the layout, or at run time after a callback's write), naming both.
"""

from __future__ import annotations

from typing import Any

from .errors import NotModelled
from .page import PageURL

#: The ``window.location`` fields a ``dcc.Location`` mirrors, in the order it checks them.
URL_FIELDS = ("pathname", "href", "hash", "search")


def reloads(props: dict[str, Any]) -> bool:
    """``refresh`` true, or not given (its default): a new address is a page load, not a history entry.

    React applies a default only to a prop that is undefined, and the
    component tests ``refresh === true``: an explicit ``refresh=None`` does
    not reload.
    """
    return "refresh" not in props or props["refresh"] is True


#: What the browser's address fields look like: a Location given anything else sends the browser to a
#: normalised address that still differs from it, and reloads forever (measured in Chromium).
#: (An href must be a whole address: the component compares it with window.location.href as text.)
_SHAPES = {"pathname": ("/",), "search": ("?",), "hash": ("#",), "href": ("http://", "https://")}


def location_reload(cid: str, props: dict[str, Any], page: PageURL) -> PageURL | None:
    """Where a Location reloads the page on mount, or None when it does not."""
    if not reloads(props):
        return None
    for name in URL_FIELDS:
        value = props.get(name)
        if value is None or value == page.field(name):
            continue
        if not isinstance(value, str) or not (value.startswith(_SHAPES[name]) or
                                              value == "" and name in ("search", "hash")):
            raise NotModelled(f"dcc.Location {cid!r}: {name}={value!r} is not how the browser writes its "
                              f"address ({name} starts with {' or '.join(map(repr, _SHAPES[name]))}); with "
                              "refresh=True the browser goes to a normalised address that still differs, "
                              "and reloads forever")
        if name == "hash":
            raise NotModelled(f"dcc.Location {cid!r}: hash={value!r} differs from the address's; the browser "
                              "then moves to that hash without a reload and reports it later, which is not "
                              "modelled (open the page there with --url / app.url)")
        return page.with_field(name, value)
    return None


def location_mount(props: dict[str, Any], page: PageURL) -> dict[str, Any]:
    """The props a Location sets on mount: every URL field the layout leaves unset."""
    return {name: page.field(name) for name in URL_FIELDS if props.get(name) is None}


def location_write(cid: str, props: dict[str, Any], prop: str) -> str | None:
    """Why a callback may not write a Location's ``prop``: only ``refresh=False`` is a plain prop change."""
    if prop not in URL_FIELDS or props.get("refresh") is False:
        return None
    how = ("reloads the page at the new address" if reloads(props) else
           f"navigates (refresh={props.get('refresh')!r}) and then reports the whole new address itself")
    return (f"dcc.Location {cid!r} {how}, which is not modelled (R22); with refresh=False the write is a "
            "plain prop change that the model runs")


def web_store_mount(cid: str, props: dict[str, Any], prop: str) -> str | None:
    """A local or session ``dcc.Store`` with no data sets ``data=None`` and ``modified_timestamp=-1`` on mount.

    ``Store.react.js``: its web storage reads ``JSON.parse(null)``, null,
    which is not ``equals`` to the undefined data, so it sets both itself;
    in Chromium that runs callbacks with ``prevent_initial_call``.  The
    model's layout has no undefined apart from null, so this is refused.
    """
    if prop not in ("data", "modified_timestamp") or props.get("storage_type") not in ("local", "session") \
            or props.get("data") is not None:
        return None
    return (f"dcc.Store {cid!r} (storage_type={props['storage_type']!r}) has no data, so on mount it sets data "
            "to None and modified_timestamp to -1 itself, which the model does not run (R23); give it initial "
            "data (data={} or data=[]), or storage_type='memory'")


def settle_page(components: list[Any], page: PageURL) -> PageURL:
    """The address the page ends at after the components' mount-time reloads (``reload(page)``).

    Two Locations that want different addresses reload the page forever in
    a browser; that is refused, naming one of them.
    """
    seen = [page]
    while True:
        for comp in components:
            target = comp.reload(page)
            if target is not None:
                break
        else:
            return page
        if target in seen:
            raise NotModelled(f"dcc.Location {comp.id!r} reloads the page at {target.href}, which a "
                              "dcc.Location with refresh=True then leaves again: the browser reloads forever")
        seen.append(target)
        page = target


def tabs_mount(props: dict[str, Any], first_tab_value: Any) -> dict[str, Any]:
    """``dcc.Tabs`` without a value selects its first tab (its ``value``, else ``"tab-1"``), as a string."""
    if "value" in props:
        return {}
    value = "tab-1" if first_tab_value is None else first_tab_value
    return {"value": _js_string(value)}


def _js_string(value: Any) -> str:
    """JavaScript's template-literal text of a JSON value (`${value}`)."""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple)):
        return ",".join("" if v is None else _js_string(v) for v in value)
    if isinstance(value, dict):
        return "[object Object]"
    return str(value)


# --- R23: lazily loaded components, refused when they would act -------------------

LAZY = "once its lazily loaded code runs, at a time the model does not know (R23)"


def _tagged(value: Any) -> tuple[str, Any]:
    """A JSON value as JavaScript's Set.has compares it: 1 and "1" and true differ, 1 and 1.0 do not."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", float(value))
    return (type(value).__name__, value if not isinstance(value, (list, dict)) else repr(value))


def option_values(options: Any) -> set[tuple[str, Any]] | None:
    """The values of a Dropdown's ``options``: a list of values or of {label, value}, or a {value: label} dict.

    Options left unset are none at all (``sanitizeOptions`` makes them ``[]``).
    """
    if options is None:
        return set()
    if isinstance(options, dict):
        return {_tagged(k) for k in options}
    if not isinstance(options, list):
        return None
    return {_tagged(o.get("value") if isinstance(o, dict) else o) for o in options}


def dropdown_clears(props: dict[str, Any]) -> str | None:
    """What ``dcc.Dropdown`` would do to a value its options lack (it clears it), or None.

    ``fragments/Dropdown.tsx``: whenever its options change (and on mount),
    a single value not among them becomes null, and a multi value loses
    the ones that are not.
    """
    valid = option_values(props.get("options"))
    value = props.get("value")
    if valid is None or value is None or value == [] or value == "" or props.get("search_value"):
        return None
    if isinstance(value, list):
        if not props.get("multi"):
            return None
        gone = [v for v in value if _tagged(v) not in valid]
        return f"drops {gone!r} from its value {value!r}" if gone else None
    if _tagged(value) not in valid:
        return f"clears its value {value!r} to None"
    return None


def slider_drags(props: dict[str, Any]) -> str | None:
    """``dcc.Slider`` / ``RangeSlider`` set ``drag_value`` to a value they are given (on mount too)."""
    value = props.get("value")
    if value is None or value == []:
        return None
    return f"sets drag_value to its value {value!r}"


# --- the kinds of component the Dash-like API and check share -----------------------

class Kind:
    """What a component type does to its own props: by default nothing (only the user and callbacks change them).

    Each method is asked with the component's id and its layout props; a
    :class:`~simulator.components.Component` delegates to its ``kind``.
    """

    #: What the component does by itself, in a few words, for the docs and refusals.
    summary = "changes its props only when the user acts"

    def reload(self, cid: str, props: dict[str, Any], page: PageURL) -> PageURL | None:
        return None

    def mount(self, cid: str, props: dict[str, Any], page: PageURL, extra: dict[str, Any]) -> dict[str, Any]:
        return {}

    def unmodelled(self, cid: str, props: dict[str, Any], prop: str) -> str | None:
        return None

    def unmodelled_write(self, cid: str, props: dict[str, Any], prop: str) -> str | None:
        return None

    def reactions(self, read: frozenset[str]) -> frozenset[str]:
        return frozenset()

    def react(self, cid: str, prop: str, props: dict[str, Any]) -> str | None:
        """What the component would do after a callback set ``prop``, when the model does not run it."""
        return None


class Interval(Kind):
    summary = ("ticks n_intervals every interval ms (modelled by the `ticks` workload); a callback writing "
               "interval, disabled, max_intervals or n_intervals is refused")

    def unmodelled_write(self, cid, props, prop):
        if prop in ("interval", "disabled", "max_intervals", "n_intervals"):
            return f"that changes how the dcc.Interval {cid!r} ticks; an Interval a callback controls is not modelled"
        return None


class Location(Kind):
    summary = ("sets pathname, href, search and hash the layout leaves unset to the page's address on mount "
               "(modelled, R22); with refresh=True a different address reloads the page there (modelled: the "
               "page opens where the reload ends) and a callback writing them reloads it (refused)")

    def reload(self, cid, props, page):
        return location_reload(cid, props, page)

    def mount(self, cid, props, page, extra):
        return location_mount(props, page)

    def unmodelled_write(self, cid, props, prop):
        return location_write(cid, props, prop)


class Tabs(Kind):
    summary = "selects its first tab's value (or 'tab-1') on mount when it has no value (modelled, R22)"

    def mount(self, cid, props, page, extra):
        # Tabs.tsx: the first child's own value, else 'tab-1' (not the tab-<n> it shows a valueless tab as)
        return tabs_mount(props, extra.get("first_tab_value"))


class Store(Kind):
    summary = ("stamps modified_timestamp when it takes new data, and on mount (modelled, R4); storage_type "
               "local and session start empty, as on a first visit (R22), and without data set data and "
               "modified_timestamp on mount (refused when read); clear_data written by a callback is refused")

    def unmodelled(self, cid, props, prop):
        return web_store_mount(cid, props, prop)

    def unmodelled_write(self, cid, props, prop):
        if prop == "clear_data":
            return (f"dcc.Store {cid!r} then clears its data, stamps it and resets clear_data by itself, "
                    "which is not modelled (R23); write data=None instead")
        return None


class Dropdown(Kind):
    summary = ("clears a value its options lack, by itself, on mount and when its options change "
               "(refused when it would happen, R23)")

    def unmodelled(self, cid, props, prop):
        what = dropdown_clears(props) if prop == "value" else None
        return (f"dcc.Dropdown {cid!r} {what} {LAZY}; give it a value among its options "
                "(or none)" if what else None)

    def reactions(self, read):
        return frozenset({"options", "value"}) if "value" in read else frozenset()

    def react(self, cid, prop, props):
        what = dropdown_clears(props)
        return (f"dcc.Dropdown {cid!r}: after a callback set its {prop}, it {what} {LAZY}; to check "
                f"this, have the callback that sets {cid}.options also set {cid}.value to one of them"
                if what else None)


class Slider(Kind):
    summary = ("sets drag_value to its value on mount and when a callback sets value (refused when a callback "
               "reads drag_value, R23)")

    def unmodelled(self, cid, props, prop):
        what = slider_drags(props) if prop == "drag_value" else None
        return f"the slider {cid!r} {what} {LAZY}" if what else None

    def reactions(self, read):
        return frozenset({"value"}) if "drag_value" in read else frozenset()

    def react(self, cid, prop, props):
        what = slider_drags(props)
        return f"the slider {cid!r}: after a callback set its value, it {what} {LAZY}" if what else None


USER, LOCATION, TABS, STORE, DROPDOWN, SLIDER = Kind(), Location(), Tabs(), Store(), Dropdown(), Slider()
INTERVAL = Interval()
