"""The components ``check`` knows: what each does to its own props, by itself (R22, R23).

A callback's verdict depends on every change of the props it reads.  Most
components change their props only when the user acts (a click, a pick, a
keystroke), which the workloads play.  Some also change them by themselves:
a ``dcc.Location`` reports the address on mount, a ``dcc.Tabs`` selects its
first tab, a ``dcc.Dropdown`` clears a value its options lack, a ``dcc.Graph``
reports ``relayoutData`` once plotly.js has drawn it.  This table says, per
component type, which of those the model runs (R22) and which it refuses
(R23).  The same table is in ``docs/renderer-model.md`` ("Components").

A component that is not in the table cannot be trusted either way, so a
callback that reads one of its props (Input or State) is refused, naming it;
``--assume-user-only TYPE`` is the user's word that such a component changes
its props only when the user acts.  A component no callback reads is never
refused: what it does to itself reaches no callback.
"""

from __future__ import annotations

from .. import behaviour
from ..behaviour import DROPDOWN, LOCATION, SLIDER, STORE, TABS, USER, Kind

DCC, HTML, DASH_TABLE = "dash_core_components", "dash_html_components", "dash_table"


class Debounced(Kind):
    summary = ("changes value when the user types; with debounce=N the value is sent N seconds after the "
               "last keystroke (the workloads send it then, and drop values typed over before), with "
               "debounce=True on Enter or blur (each workload change is one Enter)")


class DataTable(Kind):
    summary = ("sets its derived_* props itself (on mount, and whenever its data, sorting, filtering or paging "
               "change), and with a custom page, sort or filter action clears its active and selected cells "
               "and rows when those change (refused when a callback reads them, R23)")

    CLEARED = ("active_cell", "selected_cells", "start_cell", "end_cell", "selected_rows", "selected_row_ids")

    def unmodelled(self, cid, props, prop):
        custom = [a for a in ("page_action", "sort_action", "filter_action") if props.get(a) == "custom"]
        if prop.startswith("derived_"):
            why = ("sets its derived_* props itself (on mount, and whenever its data, sorting, filtering or "
                   "paging change)")
        elif prop in self.CLEARED and custom:
            why = f"clears {prop} itself when its page, sort or filter changes ({', '.join(custom)}='custom')"
        else:
            return None
        return (f"dash_table.DataTable {cid!r} {why}, at times the model does not know (R23); read a prop the "
                "user changes instead")


class DatePicker(Kind):
    summary = ("with no date, sets its date props itself once its lazily loaded code runs (refused when a "
               "callback reads them, R23); the user picks dates")

    def __init__(self, props: tuple[str, ...]):
        self.props = props

    def unmodelled(self, cid, props, prop):
        if prop in self.props and any(props.get(p) is None for p in self.props):
            return (f"the date picker {cid!r} has no {' / '.join(self.props)}, so it sets it itself "
                    f"{behaviour.LAZY}; give it a date")
        return None


class Itself(Kind):
    """A type that sets some props by itself at times the model does not know: reading them is refused."""

    def __init__(self, props: tuple[str, ...] | None, why: str):
        self.props, self.why = props, why
        self.summary = why + " (refused when a callback reads them, R23)"

    def unmodelled(self, cid, props, prop):
        if self.props is None or prop in self.props:
            return (f"{cid!r} {self.why}, at times the model does not know (R23); check cannot tell when a "
                    f"callback on {prop} runs: read a prop the user changes instead, or leave this callback "
                    "out of the app you check")
        return None


#: Every component type the model knows, by (type, namespace) as the layout JSON names them.
TABLE: dict[tuple[str, str], Kind] = {
    ("Input", DCC): Debounced(),
    **{(name, DCC): USER for name in (
        "Textarea", "Checklist", "RadioItems", "Button", "ConfirmDialog", "ConfirmDialogProvider",
        "Clipboard", "Upload", "Markdown", "Link", "Loading", "Download", "Tooltip", "Tab")},
    ("DatePickerSingle", DCC): DatePicker(("date",)),
    ("DatePickerRange", DCC): DatePicker(("start_date", "end_date")),
    ("Location", DCC): LOCATION,
    ("Tabs", DCC): TABS,
    ("Store", DCC): STORE,
    ("Interval", DCC): behaviour.INTERVAL,
    ("Dropdown", DCC): DROPDOWN,
    ("Slider", DCC): SLIDER,
    ("RangeSlider", DCC): SLIDER,
    ("Graph", DCC): Itself(("relayoutData",), "sets relayoutData itself when plotly.js lays the figure out "
                           "(to {'autosize': True} once it has drawn, and on every resize)"),
    ("Geolocation", DCC): Itself(None, "sets its position props itself when the browser reports a location"),
    ("DataTable", DASH_TABLE): DataTable(),
}


def kind(type_: str, namespace: str, assumed: frozenset[str] = frozenset()) -> Kind | None:
    """The table's entry for a component, or ``USER`` when the user said so; None: not known."""
    if namespace == HTML:
        return USER
    found = TABLE.get((type_, namespace))
    if found is not None:
        return found
    if f"{namespace}.{type_}" in assumed or namespace in assumed or type_ in assumed:
        return USER
    return None


def table_rows() -> list[tuple[str, str]]:
    """(component, what it does by itself) for the docs, html first."""
    rows = [("html.* (every html component)", USER.summary)]
    prefix = {DCC: "dcc", DASH_TABLE: "dash_table"}
    for (type_, namespace), entry in sorted(TABLE.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        rows.append((f"{prefix[namespace]}.{type_}", entry.summary))
    return rows
