"""Layout components: just enough of dcc and html to write real callbacks.

A component is an id and a dict of props.  Known component types list their
props so that a typo in ``Input("name", "valeu")`` is an error, as it is in
the renderer; the generic :class:`Component` accepts any prop.
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar, Iterable, Iterator

from . import behaviour, wildcards
from .errors import DependencyException, NotModelled
from .page import PageURL


class Component:
    """A generic component: any props, no behaviour of its own.

    Arguments follow Dash's own signatures: ``html.Div(children, id=...)``
    takes its children first, ``dcc.Dropdown(options, value, ...)`` its
    options, ``dcc.Store(id, ...)`` its id, in the order Dash 4's generated
    ``__init__`` lists them (``positional``), so a layout pastes verbatim.

    ``defaults`` are the props the renderer's layout holds before anyone sets
    them.  Dash documents more defaults (``n_clicks=0``, ``multi=False``):
    those live inside the React component and never reach the layout, so a
    callback reading such a prop before its first change gets None, as here
    (Dash's ``to_plotly_json`` sends only the props the Python code set).
    """

    props: ClassVar[tuple[str, ...] | None] = None  # None: any prop is valid
    defaults: ClassVar[dict[str, Any]] = {}
    #: the ids of the html.Fieldsets around it, whose ``disabled`` disables it too (R26)
    fieldsets: tuple[str, ...] = ()
    #: the ids of the html components around it that count clicks (innermost last): a click bubbles to them (R29)
    around: tuple[str, ...] = ()
    positional: ClassVar[tuple[str, ...]] = ("children", "id")
    #: the props (``"holder.children"``) that hold it, at any depth: writing one takes it off the page (R30)
    within: tuple[str, ...] = ()
    #: where it sits in the layout tree, as the renderer's paths say (``computePaths``): ALL lists
    #: dict ids in the order the paths got them (R30)
    path: tuple = ()
    #: its ``namespace`` and ``type`` in Dash's JSON (``to_plotly_json``)
    wire: ClassVar[tuple[str, str]] = ("simulator", "Component")

    def __init__(self, *args: Any, **props: Any):
        kind = type(self).__name__
        if len(args) > len(self.positional):
            raise DependencyException(
                f"{kind}() takes at most {len(self.positional)} positional arguments "
                f"({', '.join(self.positional[:4])}, ...), got {len(args)}")
        for prop, value in zip(self.positional, args):
            if prop in props:
                raise DependencyException(f"{kind}() got {prop!r} twice, by position and by name")
            props[prop] = value
        id = props.pop("id", None)
        check_id(id, f"{kind}(id={id!r})")
        self.id = id
        self.children = props.pop("children", None) if "children" in self.positional else None
        values = copy.deepcopy(self.defaults)
        values.update(props)
        if self.props is not None:
            unknown = sorted(set(values) - set(self.props))
            if unknown:
                raise DependencyException(
                    f"{kind}(id={id!r}) has no prop {unknown[0]!r}; it has {', '.join(self.props)}")
        self.initial = values

    @property
    def key(self) -> str:
        """Its id as the renderer writes it: a string id as it is, a dict id as ``stringifyId`` (R25)."""
        return wildcards.id_key(self.id)

    @property
    def disabled_stops_user(self) -> bool:
        """Whether a truthy ``disabled`` prop makes it ignore the user (R26): a form control, not a Div."""
        return self.props is not None and "disabled" in self.props

    def has_prop(self, prop: str) -> bool:
        return self.props is None or prop in self.props or prop == "id"   # every component has an id

    # --- what it does by itself (R22, R23): its kind says, from its id and layout props --------------
    #: What the component does to its own props (:mod:`.behaviour`); ``USER``: nothing by itself.
    kind: ClassVar[behaviour.Kind] = behaviour.USER
    #: What its kind needs from the layout besides props (a dcc.Tabs' first tab).
    extra: ClassVar[dict[str, Any]] = {}

    def reload(self, page: PageURL) -> PageURL | None:
        """Where this component sends the browser when it mounts (a page reload, R22); None: nowhere."""
        return self.kind.reload(self.key, self.initial, page)

    def mount(self, page: PageURL) -> dict[str, Any]:
        """The props it sets itself on mount, before any initial request leaves (R22)."""
        return self.kind.mount(self.key, self.initial, page, self.extra)

    def unmodelled(self, prop: str) -> str | None:
        """Why a callback may not read ``prop`` (the component changes it in a way the model does not run), or None."""
        return self.kind.unmodelled(self.key, self.initial, prop)

    def unmodelled_write(self, prop: str) -> str | None:
        """Why a callback may not write ``prop`` (what the component then does is not modelled), or None."""
        if prop == "id":   # readable (State(..., "id")); a write would move the component in the renderer's paths
            return "a new id changes which callbacks the component feeds; not modelled"
        return self.kind.unmodelled_write(self.key, self.initial, prop)

    def reactions(self, read: frozenset[str]) -> frozenset[str]:
        """The props whose setting by a callback :meth:`react` must see, given the props callbacks ``read``."""
        return self.kind.reactions(read)

    def react(self, prop: str, props: dict[str, Any]) -> None:
        """Called after a callback set ``prop`` (one of :meth:`reactions`); ``props`` are its current props.

        A component that would then change props of its own in a way the
        model does not run raises :class:`~simulator.errors.NotModelled` (R23).
        """
        why = self.kind.react(self.key, prop, props)
        if why:
            raise NotModelled(why)

    def walk(self) -> Iterator["Component"]:
        yield self
        yield from walk(self.children)

    def to_plotly_json(self) -> dict[str, Any]:
        """The component as Dash sends it: ``{"props", "type", "namespace"}`` (components inside too)."""
        props = {k: to_json(v) for k, v in self.initial.items()}
        if self.children is not None:
            props["children"] = to_json(self.children)
        if self.id is not None:
            props["id"] = self.id
        return {"props": props, "type": self.wire[1], "namespace": self.wire[0]}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(id={self.id!r})"


def check_id(id: Any, where: str) -> None:
    """A component id is a non-empty string, or a dict of values that pattern-matching callbacks name (R25)."""
    if isinstance(id, dict):
        wildcards.check(id, where, wildcards=False)
        return
    if id is not None and (not isinstance(id, str) or not id):
        raise DependencyException(f"{where}: a component id must be a non-empty string")


def to_json(value: Any) -> Any:
    """``value`` with every component in it as its JSON (what a callback's answer carries, R27)."""
    if isinstance(value, Component):
        return value.to_plotly_json()
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    return value


def from_json(value: Any) -> Any:
    """The simulator's components back from their JSON (:meth:`Component.to_plotly_json`)."""
    if isinstance(value, list):
        return [from_json(v) for v in value]
    if not (isinstance(value, dict) and "props" in value and "type" in value):
        return value
    kind = _KINDS.get((value.get("namespace"), value.get("type")))
    if kind is None:
        raise NotModelled(f"a callback returns a {value.get('namespace')} {value.get('type')}, a component the "
                          "Dash-like API does not have")
    props = {k: from_json(v) for k, v in (value.get("props") or {}).items()}
    children = props.pop("children", None)
    comp = kind(**props)
    comp.children = children
    return comp


def place(layout: Any, within: tuple[str, ...] = (), path: tuple = ()) -> None:
    """Mark each component with the props that hold it (``within``) and its place (``path``), R30."""
    if isinstance(layout, (list, tuple)):
        for i, child in enumerate(layout):
            place(child, within, path + (i,))
    elif isinstance(layout, Component):
        layout.within, layout.path = within, path
        place(layout.children, within + (f"{layout.key}.children",) if layout.id is not None else within,
              path + ("props", "children"))


def arriving(holder: Component, prop: str, value: Any) -> dict[str, "Component"]:
    """R30 in the Dash-like API: the components a callback's answer puts into ``holder.prop``, by key.

    Components that act when they mount (a Store, a Location, an Interval)
    are refused by name, as in ``check``.
    """
    tree = from_json(value)
    place(tree, holder.within + (f"{holder.key}.{prop}",), holder.path + ("props", prop))
    found: dict[str, Component] = {}
    for comp in walk(tree):
        if comp.id is None:
            continue
        if isinstance(comp, (Store, Location, Interval)):
            raise NotModelled(f"a callback writes components into {holder.key}.{prop}: the new "
                              f"{type(comp).__name__} {comp.key} acts when it mounts (R4, R22), which the model runs "
                              "on page load only; a layout change bringing one is not modelled (R30)")
        found[comp.key] = comp
    return found


def walk(children: Any) -> Iterator[Component]:
    """Every component in a layout: a component, a list of them, or nested."""
    if isinstance(children, Component):
        yield from children.walk()
    elif isinstance(children, (list, tuple)):
        for child in children:
            yield from walk(child)


# Each component's props and positional order are Dash 4.4's (``_prop_names`` and
# the generated ``__init__``), without ``id`` (every component has one) and
# ``componentPath`` (the renderer's own).

_PERSISTENCE = ("persistence", "persisted_props", "persistence_type")


class TextInput(Component):
    """``dcc.Input``: the user types into ``value`` (R1a, R4)."""

    wire = ('dash_core_components', 'Input')

    positional = ("value", "type", "debounce", "placeholder", "n_submit", "n_submit_timestamp", "inputMode",
                  "autoComplete", "readOnly", "required", "autoFocus", "disabled", "list", "multiple", "spellCheck",
                  "name", "min", "max", "step", "minLength", "maxLength", "pattern", "selectionStart",
                  "selectionEnd", "selectionDirection", "n_blur", "n_blur_timestamp", "size", "style", "className",
                  *_PERSISTENCE, "id")
    props = positional[:-1]
    defaults = {"value": None}


class Textarea(Component):
    """``dcc.Textarea``: like ``dcc.Input``, the user types into ``value``."""

    wire = ('dash_core_components', 'Textarea')

    positional = ("value", "autoFocus", "cols", "disabled", "form", "maxLength", "minLength", "name", "placeholder",
                  "readOnly", "required", "rows", "wrap", "accessKey", "contentEditable", "contextMenu", "dir",
                  "draggable", "hidden", "lang", "spellCheck", "style", "tabIndex", "title", "n_blur",
                  "n_blur_timestamp", "n_clicks", "n_clicks_timestamp", "className", *_PERSISTENCE, "id")
    props = positional[:-1]
    defaults = {"value": None}


class Dropdown(Component):
    """``dcc.Dropdown``: the user picks ``value`` among ``options`` (a list with ``multi=True``).

    It clears a value its options lack, by itself, whenever its options
    change; the model does not run that (R23), so a callback reading
    ``value`` is refused when it would happen: at mount, or after a
    callback's new options.
    """

    wire = ('dash_core_components', 'Dropdown')

    kind = behaviour.DROPDOWN

    positional = ("options", "value", "multi", "clearable", "searchable", "search_value", "placeholder", "disabled",
                  "closeOnSelect", "optionHeight", "maxHeight", "style", "labels", "debounce", "search_order",
                  "className", *_PERSISTENCE, "id")
    props = positional[:-1]
    defaults = {"value": None}


class RadioItems(Component):
    """``dcc.RadioItems``: the user picks one ``value`` among ``options``."""

    wire = ('dash_core_components', 'RadioItems')

    positional = ("options", "value", "inline", "style", "inputStyle", "inputClassName", "labelStyle",
                  "labelClassName", "className", *_PERSISTENCE, "id")
    props = positional[:-1]
    defaults = {"value": None}


class Checklist(RadioItems):
    """``dcc.Checklist``: ``value`` is the list of the ticked ``options``."""

    wire = ('dash_core_components', 'Checklist')


class Slider(Component):
    """``dcc.Slider``: ``value`` on release (``updatemode='mouseup'``), ``drag_value`` while dragging.

    Dash 4's slider also sets ``drag_value`` to its value on mount and
    whenever a callback sets ``value``, from its lazily loaded code; the model
    does not run that (R23), so a callback reading ``drag_value`` is refused
    when it would happen.
    """

    wire = ('dash_core_components', 'Slider')

    kind = behaviour.SLIDER

    positional = ("min", "max", "step", "marks", "value", "drag_value", "disabled", "dots", "included", "reverse",
                  "tooltip", "updatemode", "vertical", "verticalHeight", "allow_direct_input", "className",
                  *_PERSISTENCE, "id")
    props = positional[:-1]
    defaults = {"value": None}


class Location(Component):
    """``dcc.Location``: the page's address, ``pathname``, ``search``, ``hash`` and ``href``.

    On mount it sets every one of them the layout leaves unset to the
    address the page was opened at (``app.url``), as a component change
    (R22); one the layout sets to another address reloads the page there
    when ``refresh`` is true, its default.  A callback writing them with
    ``refresh=True`` would reload the page, which is refused (R22).
    """

    wire = ('dash_core_components', 'Location')

    positional = ("id", "pathname", "search", "hash", "href", "refresh")
    props = positional[1:]

    kind = behaviour.LOCATION


class Store(Component):
    """``dcc.Store``: holds ``data``; sets ``modified_timestamp`` itself (R4).

    The Store compares each new ``data`` with what it last stored and, only
    when they differ, sets ``modified_timestamp`` to ``Date.now()`` (integer
    milliseconds) as a component change of its own.  It also does so once on
    mount when its initial data is not null.  Until then the layout holds no
    ``modified_timestamp``: a callback reading it gets None (measured in
    Chromium; -1 is only the React component's default).  ``storage_type``
    local or session behaves as memory on a first visit (R22).
    """

    wire = ('dash_core_components', 'Store')

    positional = ("id", "storage_type", "data", "clear_data", "modified_timestamp")
    props = positional[1:]
    defaults = {"data": None}

    kind = behaviour.STORE


class Interval(Component):
    """``dcc.Interval``: increments ``n_intervals`` every ``interval`` ms."""

    wire = ('dash_core_components', 'Interval')

    positional = ("id", "interval", "disabled", "n_intervals", "max_intervals")
    props = positional[1:]
    # The layout holds only what the app sets: before its first tick a callback reads
    # n_intervals as None (measured in Chromium; 0 is the React component's own default).

    kind = behaviour.INTERVAL


class Button(Component):
    """``html.Button``: a click increments ``n_clicks``."""

    wire = ('dash_html_components', 'Button')

    positional = ("children", "id", "n_clicks", "n_clicks_timestamp", "disable_n_clicks", "key", "autoFocus",
                  "disabled", "form", "formAction", "formEncType", "formMethod", "formNoValidate", "formTarget",
                  "name", "type", "value", "accessKey", "className", "contentEditable", "dir", "draggable", "hidden",
                  "lang", "role", "spellCheck", "style", "tabIndex", "title")
    props = positional[2:]
    defaults = {"n_clicks": None}


class Div(Component):
    """``html.Div``: a container (children) with any props."""

    wire = ('dash_html_components', 'Div')


def flatten(layout: Any) -> Iterable[Component]:
    return [c for c in walk(layout) if c.id is not None]


#: Each component class by its JSON ``namespace`` and ``type`` (:func:`from_json`).
_KINDS: dict[tuple[str, str], type] = {c.wire: c for c in (Component, TextInput, Textarea, Dropdown, RadioItems,
                                                            Checklist, Slider, Location, Store, Interval, Button, Div)}
