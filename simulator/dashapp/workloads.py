"""What a user can do to the app, generated from its layout and callbacks.

An *input* is a prop a user changes that some callback takes as an Input,
found by component type: ``dcc.Input`` / ``Textarea`` ``value`` (text, or
numbers for ``type="number"``), any ``n_clicks`` (a click; also an html
component's or a ``dcc.Button``'s ``n_clicks_timestamp``, which the click
sets, R29), ``dcc.Input``'s ``n_submit`` (Enter) and ``n_blur`` (leaving it;
``dcc.Textarea`` and ``dcc.Button`` blur too), with their timestamps, ``Dropdown`` /
``RadioItems`` / ``Checklist`` ``value`` (from their options), ``Slider`` /
``RangeSlider`` ``value`` (within min/max), ``Location.pathname``, and
``dcc.Interval`` ``n_intervals`` (its ticks).  Values come from ``--values``
(a JSON object: ``{"component.prop": [v1, v2, ...]}``) when given, which also
makes any other prop an input.

The workloads, each measured from a settled page:

* ``alone A``: one change of A (a button whose callback writes several inputs
  is the seed's ``load``);
* ``together A+B``: A and B change in one renderer pass (what one response
  setting both does);
* ``interleave A,B``: A changes, then B within a window (U[0, window] ms),
  without waiting for A's callbacks;
* ``typing A``: rapid repeats of A at human speed;
* ``ticks A``: a ``dcc.Interval`` ticking at its period, and ``ticks A with B``
  the same while the user changes B at some moment;
* ``during load A``: A changes while the page is still loading (U[0, window]
  ms after it starts), not from a settled page;
* ``load``: the page load alone (its initial calls, R5, and what components
  set on mount, R22), when it runs any callback: every other workload
  starts with it too, but only this one checks an app whose races are all
  at load (initial calls that write one Store).

Plans of one workload differ between seeds only in their delays (the actions
are fixed), so one serial reference (:mod:`.oracle`) and one exploration
cover every seed.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import random
from dataclasses import dataclass
from typing import Any

from .. import wildcards
from ..components import Button, Component, Store, TextInput
from ..graph import Graph
from ..page import PageURL
from ..renderer import initial_layout
from ..workload import CLICK, Action, Plan, event_props
from .convert import Real
from .errors import CheckError

# By component type name, whatever the library (dcc, dash-bootstrap-components, dash-mantine...):
TEXT_TYPES = {"Input", "Textarea", "TextInput", "NumberInput"}
CHOICE_TYPES = {"Dropdown", "RadioItems", "Checklist", "Select", "Tabs"}
SLIDER_TYPES = {"Slider", "RangeSlider"}
SWITCH_TYPES = {"Checkbox", "Switch", "BooleanSwitch"}
INTERVAL = ("Interval", "dash_core_components")
REPEATS = 3


@dataclass(frozen=True)
class Params:
    interleave_window: float = 300.0   # ms: interleave's second change at U[0, window]
    typing_interval: float = 150.0     # ms: mean time between repeats
    ticks: int = 10                    # ticks of a dcc.Interval
    max_pairs: int = 12                # pairs of inputs at most (together and interleave each)


@dataclass(frozen=True)
class UserInput:
    """A prop a user changes, and the values a workload gives it."""

    prop: str
    kind: str            # text, number, click, choice, slider, path, tick, given
    values: tuple = ()   # successive values (a click is CLICK)
    period: float = 0.0  # ticks: the Interval's period, ms
    debounce: float = 0.0  # ms a dcc.Input(debounce=N) waits after the last keystroke before sending
    ticks: int | None = None  # ticks: how many the Interval makes at most (max_intervals), None: no limit
    page: PageURL | None = None  # path: the address the page opened at (R22), for the rest of the address
    bubbles: tuple[str, ...] = ()  # click: the click props of the components around it it bubbles to (R29)
    #: A dcc.Input(debounce=True) sends its value only on Enter or blur, in one change with the count:
    #: ``commit``, the counter a typed value comes with (Enter); ``carries``, the value a blur sends.
    commit: str = ""
    carries: str = ""

    def change(self, k: int) -> dict[str, Any]:
        """The props the k-th change sets: a navigation moves a Location's whole address at once.

        ``Location.react.js`` (``onLocationChange``): after a link or the back
        button, it sets every one of pathname, href, search and hash that
        differs from the new address, in one change.
        """
        value = self.value(k)
        if self.commit:    # Input.tsx onKeyPress: n_submit counted, then the value sent, before any pass
            return {self.commit: CLICK, self.prop: value}
        if self.carries:   # Input.tsx onBlur: n_blur counted, then the value typed before leaving sent
            return {self.prop: value, self.carries: self.values[k % len(self.values)]}
        if self.kind == "click" and self.bubbles:   # the click bubbles: each html component around counts it
            return {self.prop: value, **{p: CLICK for p in self.bubbles}}
        if self.kind != "path" or self.page is None:
            return {self.prop: value}
        cid, _, field = self.prop.rpartition(".")
        address = self.page.with_field(field, value)
        if field == "pathname":    # a new path: a link to it carries no query or fragment
            address = address.with_field("search", "").with_field("hash", "")
        return {f"{cid}.{name}": address.field(name) for name in ("pathname", "href", "search", "hash")}

    def value(self, k: int) -> Any:
        if self.kind in EVENTS:
            return CLICK
        if self.kind == "tick":              # n_intervals counts up from where it started
            return self.values[0] + k + 1
        return self.values[k % len(self.values)]


def _slider_middle(comp: Real, lo: Any, hi: Any) -> Any:
    """A value in the middle of a slider that its user can pick: on its ``step`` (1 unless set), or with
    ``step=None`` one of its ``marks`` (a trial's step=1 slider was given 1.5, which no user can pick)."""
    step = comp.initial.get("step", 1)
    marks = comp.initial.get("marks")
    if step is None and isinstance(marks, dict):
        picks = sorted(float(k) for k in marks if _is_number(k))
        if picks:
            middle = picks[len(picks) // 2]
            return int(middle) if middle.is_integer() else middle
    if not _is_number(step) or not step or not _is_number(lo) or not _is_number(hi):
        return lo
    middle = lo + round((hi - lo) / 2 / step) * step
    return int(middle) if float(middle).is_integer() and all(isinstance(x, int) for x in (lo, step)) else middle


def _is_number(x: Any) -> bool:
    try:
        float(x)
    except (TypeError, ValueError):
        return False
    return not isinstance(x, bool)


def _options(comp: Real) -> list[Any]:
    if "tab_values" in comp.extra:          # a dcc.Tabs: its tabs are its options
        return list(comp.extra["tab_values"])
    opts = comp.initial.get("options") or []
    if isinstance(opts, dict):
        return list(opts)
    out = []
    for o in opts:
        out.append(o.get("value") if isinstance(o, dict) else o)
    return out


def _label(comp: Component) -> str:
    """What typed values start with: the id, or for a dict id its keys and values (``index=2,type=item``)."""
    if isinstance(comp.id, dict):
        return ",".join(f"{k}={v}" for k, v in sorted(comp.id.items()))
    return comp.id


def _classify(comp: Component, prop: str, given: dict[str, list], page: PageURL = PageURL()) -> UserInput | None:
    key = f"{comp.key}.{prop}"
    name = _label(comp)
    current = comp.initial.get(prop)
    if current is None:    # what the component set itself on mount (R22): a dcc.Tabs' first tab
        current = comp.mount(PageURL()).get(prop)
    if key in given:
        return UserInput(key, "given", tuple(given[key]))
    if isinstance(comp, TextInput) and prop == "value":      # the simulator's own dcc.Input / html.Button
        return UserInput(key, "text", tuple(f"{name}-{k}" for k in range(1, REPEATS + 2)))
    event = _event(comp, prop)
    if event is not None:
        return UserInput(key, event)
    if not isinstance(comp, Real):
        return None
    kind = (comp.type, comp.namespace)
    if comp.type in SWITCH_TYPES and prop in ("value", "checked", "on"):
        return UserInput(key, "choice", (not current, bool(current)))
    if comp.type in TEXT_TYPES and prop == "value":
        wait = _debounce_ms(comp)
        if comp.initial.get("type") == "number":
            base = current if isinstance(current, (int, float)) else 0
            return UserInput(key, "number", tuple(base + k for k in range(1, REPEATS + 2)), debounce=wait)
        return UserInput(key, "text", tuple(f"{name}-{k}" for k in range(1, REPEATS + 2)), debounce=wait)
    if comp.type in CHOICE_TYPES and prop == "value":
        many = comp.type == "Checklist" or comp.initial.get("multi")
        # A pick is a change only when it differs from what is selected: for a multi-select that is the
        # list of the one option, compared with the current list (["a"] is no change from ["a"]).
        picks = [[o] if many else o for o in _options(comp)]
        picks = [p for p in picks if p != current] or picks
        if not picks:
            return None
        return UserInput(key, "choice", tuple(picks))
    if comp.type in SLIDER_TYPES and prop == "value":
        lo, hi = comp.initial.get("min", 0), comp.initial.get("max", 10)
        points = [p for p in (hi, lo, _slider_middle(comp, lo, hi)) if p != current] or [hi]
        if comp.type == "RangeSlider":
            return UserInput(key, "slider", tuple([lo, p] for p in points))
        return UserInput(key, "slider", tuple(points))
    if kind == ("Location", "dash_core_components") and prop in ("pathname", "search", "hash"):
        mark = {"pathname": "/", "search": "?", "hash": "#"}[prop]
        return UserInput(key, "path", tuple(f"{mark}{name}-{k}" for k in range(1, REPEATS + 2)), page=page)
    if kind == INTERVAL and prop == "n_intervals":
        # Interval.react.js (handleTimer): no timer when disabled, when max_intervals is 0, or once
        # n_intervals has reached a max_intervals other than -1.
        limit = comp.initial.get("max_intervals", -1)
        start = comp.initial.get("n_intervals") or 0
        left = None if limit is None or limit == -1 else int(limit) - int(start)
        if comp.initial.get("disabled") or left is not None and left <= 0:
            return None
        period = float(comp.initial.get("interval", 1000))
        return UserInput(key, "tick", (start,), period, ticks=left)
    return None


#: User events, by counter (R29): each sets the counter + 1 and its timestamp in one change.
EVENTS = {"click": "n_clicks", "submit": "n_submit", "blur": "n_blur"}


def _event(comp: Component, prop: str) -> str | None:
    """The user event (``click``, ``submit``, ``blur``) that changes ``prop``, or None.

    Any component's ``n_clicks`` is a click; its ``n_clicks_timestamp`` only
    where the component sets it (every html component, ``dcc.Button``,
    ``dcc.Textarea``).  An html component with ``disable_n_clicks`` fires
    none.  ``dcc.Input`` counts Enter (``n_submit``) and blur (``n_blur``);
    ``dcc.Textarea`` and ``dcc.Button`` blur too (``Input.tsx``,
    ``Textarea.tsx``, ``Button.tsx``).
    """
    pair = event_props(f"c.{prop}")
    if pair is None:
        return None
    counter = pair[0][2:]
    if isinstance(comp, Real):
        namespace, type_ = comp.namespace, comp.type
    elif isinstance(comp, Button):
        namespace, type_ = "dash_html_components", "Button"
    elif isinstance(comp, TextInput):
        namespace, type_ = "dash_core_components", "Input"
    else:
        return None
    html = namespace == "dash_html_components"
    dcc = type_ if namespace == "dash_core_components" else None
    if counter == "n_clicks":
        if html and comp.initial.get("disable_n_clicks"):
            return None
        if prop == "n_clicks" or html or dcc in ("Button", "Textarea"):
            return "click"
        return None
    if counter == "n_submit" and dcc == "Input":
        return "submit"
    if counter == "n_blur" and dcc in ("Input", "Textarea", "Button"):
        return "blur"
    return None


def _bubbles(comp: Component, layout: dict[str, Any]) -> tuple[str, ...]:
    """The click props a click on ``comp`` also sets, bubbling up (innermost first): each html component
    around it counts the click itself (its ``onClick``), where the layout has its count or timestamp."""
    out = []
    for cid in reversed(comp.around):
        counter, stamp = event_props(f"{cid}.n_clicks")
        if counter in layout or stamp in layout:
            out.append(counter if counter in layout else stamp)
    return tuple(out)


def _commits_on_event(comp: Component) -> bool:
    """A ``dcc.Input(debounce=True)``: it sends its value only on Enter or blur (``Input.tsx``)."""
    return isinstance(comp, Real) and (comp.type, comp.namespace) == ("Input", "dash_core_components") \
        and comp.initial.get("debounce") is True


def _committed(comp: Real, got: UserInput, layout: dict[str, Any], given: dict[str, list],
               page: PageURL) -> UserInput:
    """What a debounce=True input's changes really send: a typed value comes with Enter's count
    (``onKeyPress`` sets n_submit, then the value, both before the renderer's next pass), and leaving
    it sends what was typed with the blur's count (``onBlur``).  Enter alone changes no value."""
    if got.kind in ("text", "number"):
        counter, stamp = event_props(f"{comp.key}.n_submit")
        if counter in layout or stamp in layout:
            return dataclasses.replace(got, commit=counter if counter in layout else stamp)
    if got.kind == "blur" and f"{comp.key}.value" in layout:
        typed = _classify(comp, "value", given, page)
        if typed is not None and typed.kind in ("text", "number"):
            return dataclasses.replace(got, carries=f"{comp.key}.value", values=typed.values)
    return got


def _debounce_ms(comp: Real) -> float:
    """``dcc.Input(debounce=N)``: the value is sent N seconds after the last keystroke (``Input.tsx``).

    ``debounce=True`` sends it on Enter or blur, with the event's count
    in the same change (:func:`_committed`): nothing waits.
    """
    wait = comp.initial.get("debounce")
    if (comp.type, comp.namespace) != ("Input", "dash_core_components") or isinstance(wait, bool) \
            or not isinstance(wait, (int, float)) or not wait > 0:
        return 0.0
    return float(wait) * 1000.0


def debounced(actions: list[Action], waits: dict[str, float]) -> list[Action]:
    """The actions as a debounced input sends them: each change ``waits[prop]`` ms late, and a change
    followed by another of the same prop before then never sent (its timer is reset).

    Actions of one prop each (``alone``, ``interleave``, ``typing``); the
    first keeps its place as the one taken from a settled page.
    """
    if not any(p in waits for a in actions for p in a.props):
        return actions
    times, t = [], 0.0
    for a in actions:
        t += a.delay
        times.append(t)
    sent = []
    for i, (a, t) in enumerate(zip(actions, times)):
        prop = next(iter(a.props))       # the input's own prop (a navigation also sets the rest of the address)
        wait = waits.get(prop, 0.0)
        if any(prop in b.props and u < t + wait for b, u in zip(actions[i + 1:], times[i + 1:])):
            continue        # the next keystroke came first: this value is never sent
        sent.append((t + wait, i, a))
    sent.sort(key=lambda x: (x[0], x[1]))
    out, previous = [], 0.0
    for k, (t, _, a) in enumerate(sent):
        out.append(Action(a.props, delay=t - previous if k else t, wait_settle=k == 0, measure=k == 0,
                          label=a.label))
        previous = t
    return out


def read_values(path: str | None) -> dict[str, list]:
    """``--values FILE``: ``{"component.prop": [v1, v2, ...]}`` (JSON)."""
    if not path:
        return {}
    try:
        with open(path) as fh:
            data = json.load(fh)
    except OSError as exc:
        raise CheckError(f"--values {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise CheckError(f"--values {path}: not JSON ({exc})") from None
    if not isinstance(data, dict) or not all(isinstance(v, list) and v for v in data.values()):
        raise CheckError(f"--values {path}: expected an object mapping 'component.prop' to a non-empty list")
    return data


def inputs(graph: Graph, given: dict[str, list] | None = None) -> tuple[list[UserInput], list[str]]:
    """The user inputs of the app, and the Inputs no workload changes (for the report)."""
    given = given or {}
    for key in given:
        if key not in {f"{c}.{p}" for c, comp in graph.components.items() for p in comp.initial} and \
                not any(key in n.input_keys for n in graph.nodes):
            raise CheckError(f"--values: {key!r} is not a prop of the app's layout")
    found, skipped, seen = [], [], set()
    read = {k for n in graph.nodes for k in n.input_keys}
    layout = initial_layout(graph)
    for node in graph.nodes:
        for key in node.input_keys:
            if key in seen:
                continue
            seen.add(key)
            cid, _, prop = key.rpartition(".")
            comp = graph.components[cid]
            got = _classify(comp, prop, given, graph.page)
            if got is not None and got.kind in EVENTS:
                # one event, whichever of its props callbacks read: named by its counter when one reads it
                counter, _ = event_props(key)
                got = UserInput(counter if counter in read else key, got.kind,
                                bubbles=_bubbles(comp, layout) if got.kind == "click" else ())
                if got.prop in seen - {key}:
                    continue
                seen.add(got.prop)
            if got is not None and _commits_on_event(comp):
                got = _committed(comp, got, layout, given, graph.page)
            written = any(key in n.plain_outputs for n in graph.nodes)
            user_facing = isinstance(comp, Real) and (comp.type in TEXT_TYPES | CHOICE_TYPES | SLIDER_TYPES
                                                      | SWITCH_TYPES or event_props(key) is not None)
            if got is None and comp.initial.get("disable_n_clicks") and prop.startswith("n_clicks"):
                continue    # an html component with disable_n_clicks never counts a click: nothing to check
            if got is None and (not written or user_facing) and not isinstance(comp, Store) \
                    and key not in graph.derived.values():
                # a prop a user may change that no workload knows how to (a Dropdown whose options only a
                # callback sets, a DatePicker's date): listed, so the report says what was not exercised
                skipped.append(key)
            elif got is not None:
                found.append(got)
    return found, skipped


def arrived(graph: Graph, workloads: list[Workload], params: Params = Params(),
            request_budget: int = 2000) -> list[Workload]:
    """R30: workloads on the inputs of components that arrive with a layout change.

    Each ``alone`` workload (and the page load itself) is run serially; the
    inputs of components its page then has that the first page lacked get an
    ``after`` and an ``after_typing`` workload: the bringing action, then the
    user acting on what it brought, each from a settled page.
    """
    from .oracle import serial_page
    if not graph.relayouts:
        return []
    out: list[Workload] = []
    seen: set[str] = set()
    for bringer in [None] + [w for w in workloads if w.kind == "alone"]:
        before = () if bringer is None else tuple(bringer.plan(0).actions)
        page = serial_page(graph, Plan(before), request_budget)
        if page is None:
            continue
        new = {k for k in page.graph.components if k not in graph.components}
        if not new:
            continue
        found, _ = inputs(page.graph)
        words = "" if bringer is None else f" after {bringer.describe()}"
        fresh = [u for u in found if u.kind != "tick" and u.prop.rpartition(".")[0] in new and u.prop not in seen]
        for u in fresh:
            seen.add(u.prop)
            out.append(Workload(f"alone {u.prop}{words}", "after", (u,), params, before))
            if u.kind in EVENTS or len(set(map(json.dumps, u.values))) > 1:
                out.append(Workload(f"typing {u.prop}{words}", "after_typing", (u,), params, before))
        # each new input with every other input on that page, related pairs first, up to max_pairs
        kept, _ = pairs(found, params, page.graph, lambda a, b: (a in fresh or b in fresh)
                        and f"{a.prop},{b.prop}" not in seen)
        for a, b in kept:
            seen.add(f"{a.prop},{b.prop}")
            out.append(Workload(f"interleave {a.prop},{b.prop}{words}", "after_interleave", (a, b), params, before))
    return out


def later(graph: Graph, covered: list[Workload] = ()) -> list[str]:
    """Inputs of components not on the first page, which only a layout change brings (R30).

    Those no ``covered`` workload (:func:`arrived`) acts on are listed by the
    report as not checked.
    """
    if not graph.app.dynamic:
        return []
    acted = [u.prop for w in covered for u in w.inputs]
    out: list[str] = []
    for cb in graph.app.callbacks:
        for dep in cb.inputs:
            if dep.pattern:
                here = any(isinstance(c.id, dict) and wildcards.matches(dep.component_id, c.id, {})
                           for c in graph.components.values())
            else:
                here = dep.id_key in graph.components
            done = any(p.rpartition(".")[2] == dep.component_property and _names(dep, p.rpartition(".")[0])
                       for p in acted)
            if not here and not done and dep.key not in out:
                out.append(dep.key)
    return out


def _names(dep: Any, key: str) -> bool:
    """Does ``dep`` (a plain id or a pattern) name the component ``key``?"""
    if not dep.pattern:
        return dep.id_key == key
    return key.startswith("{") and wildcards.matches(dep.component_id, json.loads(key), {})


@dataclass(frozen=True)
class Workload:
    """One generated workload: its name and how to make its plan for a seed."""

    name: str
    kind: str
    inputs: tuple[UserInput, ...]
    params: Params = Params()
    #: ``after``, ``after_typing`` (R30): the actions that bring the input's component, each from a settled page
    before: tuple[Action, ...] = ()

    def plan(self, seed: Any, rng: Any = None) -> Plan:
        """The actions of the trial ``seed``; ``rng`` (anything with ``uniform``) overrides its draws."""
        if self.kind == "load":
            return Plan(())
        rng = rng or random.Random(f"{seed}/workload/{self.name}")
        a = self.inputs[0]
        first = dict(wait_settle=True, measure=True)
        if self.kind == "alone":
            actions = [_act(a.change(0), **first)]
        elif self.kind == "together":
            actions = [_act({k: v for u in self.inputs for k, v in u.change(0).items()}, **first)]
        elif self.kind == "interleave":
            b = self.inputs[1]
            actions = [_act(a.change(0), **first),
                       _act(b.change(0), delay=rng.uniform(0, self.params.interleave_window))]
        elif self.kind == "typing":
            actions = [_act(a.change(k), **(first if k == 0 else {}),
                            delay=0.0 if k == 0 else rng.uniform(0.5, 1.5) * self.params.typing_interval)
                       for k in range(REPEATS)]
        elif self.kind == "during_load":   # the user acts while the initial calls are still running
            actions = [_act(a.change(0), measure=True, delay=rng.uniform(0, self.params.interleave_window))]
        elif self.kind == "after_interleave":         # R30: two inputs, one at least brought by the actions before
            b = self.inputs[1]
            actions = [dataclasses.replace(x, wait_settle=True, measure=False) for x in self.before]
            pair = [_act(a.change(0), wait_settle=True, measure=True),
                    _act(b.change(0), delay=rng.uniform(0, self.params.interleave_window))]
            pair = debounced(pair, {u.prop: u.debounce for u in (a, b) if u.debounce})
            actions += [dataclasses.replace(x, arrives=True) for x in pair]
        elif self.kind in ("after", "after_typing"):   # R30: on a component an earlier action brings
            actions = [dataclasses.replace(b, wait_settle=True, measure=False) for b in self.before]
            repeats = 1 if self.kind == "after" else REPEATS
            mine = [_act(a.change(k), wait_settle=k == 0, measure=k == 0, arrives=True,
                         delay=0.0 if k == 0 else rng.uniform(0.5, 1.5) * self.params.typing_interval)
                    for k in range(repeats)]
            if a.debounce:
                mine = [dataclasses.replace(m, arrives=True) for m in debounced(mine, {a.prop: a.debounce})]
            actions += mine
        else:  # ticks, ticks_with
            ticks = self.params.ticks if a.ticks is None else min(self.params.ticks, a.ticks)
            actions = [_act(a.change(k), **(first if k == 0 else {}), delay=0.0 if k == 0 else a.period)
                       for k in range(ticks)]
            if self.kind == "ticks_with":      # the user acts at some moment while the Interval ticks
                actions = _insert(actions, _act(self.inputs[1].change(0)),
                                  rng.uniform(0, a.period * max(ticks - 1, 1)))
        if self.kind in ("alone", "interleave", "typing"):
            actions = debounced(actions, {u.prop: u.debounce for u in self.inputs if u.debounce})
        return Plan(tuple(actions))

    def orders(self, seed: Any) -> list[Plan]:
        """A plan for every order of actions the workload can give, ``plan(seed)`` first.

        The explorer abstracts the delays between actions, not their order,
        so a proof holds for the orders it explored, and the serial reference
        differs from one order to another.  The order depends on the draws
        in two kinds: where the user acts among an Interval's ticks
        (``ticks_with``: one plan per gap between ticks), and which values a
        debounced input sends, in what order (each comparison is of one
        draw with a fixed wait, so the draws' extremes give every outcome).
        """
        plans = [self.plan(seed)]
        if self.kind == "ticks_with":
            a = self.inputs[0]
            ticks = self.params.ticks if a.ticks is None else min(self.params.ticks, a.ticks)
            plans += [self.plan(seed, _Fixed([(j + 0.5) * a.period])) for j in range(max(ticks - 1, 1))]
        elif self.kind in ("alone", "interleave", "typing", "after_typing", "after_interleave") \
                and any(u.debounce for u in self.inputs):
            draws = {"alone": 0, "interleave": 1, "typing": REPEATS - 1, "after_typing": REPEATS - 1,
                     "after_interleave": 1}[self.kind]
            plans += [self.plan(seed, _Fixed(ends, extreme=True))
                      for ends in itertools.product((0, 1), repeat=draws)]
        if self.kind in ("interleave", "after_interleave"):   # the user may change either first
            plans += [_swapped(p) for p in plans]
        out: dict[str, Plan] = {}
        for p in plans:
            out.setdefault(order_of(p), p)
        return list(out.values())

    def describe(self) -> str:
        """The actions, in words (the same for every seed but for the delays)."""
        if self.kind == "load":
            return "the page loads: its initial calls (R5) and mount changes (R22), no user action"
        if self.kind == "during_load":
            return f"{_act(self.inputs[0].change(0)).label} U[0, window] ms after the page starts loading"
        if self.kind == "ticks_with":
            t, u = self.inputs
            return (f"{t.prop} ticks every {t.period:.0f} ms; {_act(u.change(0)).label} at a moment "
                    "U[0, ticks] while it ticks")
        if self.kind == "interleave":    # in the order the user makes them; a debounce may swap them (below)
            a, b = self.inputs
            words = f"{_act(a.change(0)).label}; {_act(b.change(0)).label} (U[0, window] ms later)"
        else:
            words = "; ".join(a.describe() + (f" (after {a.delay:.0f} ms)" if a.delay else "")
                              for a in self.plan(0).actions)
        late = [f"{u.prop} is sent {u.debounce:.0f} ms after its last keystroke (debounce)"
                for u in self.inputs if u.debounce and self.kind in ("alone", "interleave", "typing")]
        return words + "".join(f"; {w}" for w in late)


def _swapped(plan: Plan) -> Plan:
    """``plan`` with its last two actions the other way round (the second now first, from the same page)."""
    *head, first, second = plan.actions
    return Plan((*head, dataclasses.replace(second, wait_settle=first.wait_settle, measure=first.measure, delay=0.0),
                 dataclasses.replace(first, wait_settle=False, measure=False, delay=second.delay)))


class _Fixed:
    """Draws given in advance, for :meth:`Workload.orders`: values, or which end of each range (``extreme``)."""

    def __init__(self, values: list[float], extreme: bool = False):
        self.values, self.extreme = list(values), extreme

    def uniform(self, lo: float, hi: float) -> float:
        v = self.values.pop(0)
        return (hi if v else lo) if self.extreme else v


def order_of(plan: Plan) -> str:
    """What a plan's order is: its actions' changes and waits, without their delays."""
    return json.dumps([[a.props, a.wait_settle] for a in plan.actions], default=repr, sort_keys=True)


def _insert(actions: list[Action], action: Action, at: float) -> list[Action]:
    """``actions`` with ``action`` made ``at`` ms after the first one (delays stay relative)."""
    out, t, placed = [], 0.0, False
    for k, a in enumerate(actions):
        t_next = t + (a.delay if k else 0.0)
        if not placed and k and at < t_next:
            out.append(Action(action.props, delay=at - t, label=action.label))
            out.append(Action(a.props, delay=t_next - at, wait_settle=a.wait_settle, measure=a.measure,
                              label=a.label))
            placed = True
        else:
            out.append(a)
        t = t_next
    if not placed:
        out.append(Action(action.props, delay=max(0.0, at - t), label=action.label))
    return out


def _act(props: dict[str, Any], **kw: Any) -> Action:
    words = ", ".join(_event_words(k) if v is CLICK else
                      f"navigate {k.rpartition('.')[0]} to {v!r}" if k.endswith(".href") else f"{k} = {v!r}"
                      for k, v in props.items()
                      if not (k.rpartition(".")[2] in ("pathname", "search", "hash")
                              and f"{k.rpartition('.')[0]}.href" in props))
    return Action(props, label=words, **kw)


def _event_words(prop: str) -> str:
    cid, _, name = prop.rpartition(".")
    if name.startswith("n_submit"):
        return f"press Enter in {cid}"
    if name.startswith("n_blur"):
        return f"leave {cid} (blur)"
    return f"click {cid}"


def _touched(graph: Graph | None, prop: str) -> set[str]:
    """What a change of ``prop`` can reach: every prop its callbacks (and theirs) write or read as State."""
    if graph is None:
        return set()
    seen, frontier, out = set(), [prop], set()
    while frontier:
        key = frontier.pop()
        for cb in graph.listeners(key):
            node = graph.node(cb)
            if node in seen:
                continue
            seen.add(node)
            out.update(node.plain_outputs, node.state_keys)
            frontier.extend(node.plain_outputs)
    return out


def pairs(found: list[UserInput], params: Params = Params(), graph: Graph | None = None,
          keep: Any = None) -> tuple[list[tuple[UserInput, UserInput]], list[str]]:
    """The pairs of user inputs to try together and interleaved, and the names of those left out.

    Pairs whose changes reach a common prop (a Store both end up writing, or
    one writes and the other reads) come first, so the ``max_pairs`` cap
    leaves out the unrelated ones; what it leaves out is reported.  ``keep``:
    only the pairs it accepts (:func:`arrived`: those with a new input).
    """
    user = [u for u in found if u.kind != "tick"]
    every = [p for p in itertools.combinations(user, 2) if keep is None or keep(*p)]
    touched = {u.prop: _touched(graph, u.prop) for u in user}
    related = [p for p in every if touched[p[0].prop] & touched[p[1].prop]]
    ordered = related + [p for p in every if p not in related]
    kept = ordered[:params.max_pairs]
    return kept, [f"{a.prop},{b.prop}" for a, b in ordered[params.max_pairs:]]


def _set_together(graph: Graph | None, a: UserInput, b: UserInput) -> bool:
    """Can one renderer pass change both? Only a response can (no person changes two inputs at once)."""
    if graph is None:
        return True
    return any(a.prop in n.plain_outputs and b.prop in n.plain_outputs for n in graph.nodes)


def generate(found: list[UserInput], params: Params = Params(), load: bool = False,
             graph: Graph | None = None) -> list[Workload]:
    """Every workload of the module docstring, in a fixed order (``load`` first when asked for).

    With ``graph``, pairs are ordered by :func:`pairs` and ``together`` is
    made only for two inputs one callback writes (a response sets both).
    """
    out: list[Workload] = [Workload("load", "load", (), params)] if load else []
    user = [u for u in found if u.kind != "tick"]
    for u in user:
        out.append(Workload(f"alone {u.prop}", "alone", (u,), params))
    kept, _ = pairs(found, params, graph)
    for a, b in kept:
        if a.kind == b.kind == "path" and a.prop.rpartition(".")[0] == b.prop.rpartition(".")[0]:
            continue    # one address cannot go two places in one change: the two navigations interleave below
        if _set_together(graph, a, b):
            out.append(Workload(f"together {a.prop}+{b.prop}", "together", (a, b), params))
    for a, b in kept:
        out.append(Workload(f"interleave {a.prop},{b.prop}", "interleave", (a, b), params))
    for u in user:
        if u.kind not in EVENTS and len(set(map(json.dumps, u.values))) > 1 or u.kind in EVENTS:
            out.append(Workload(f"typing {u.prop}", "typing", (u,), params))
    if load:
        for u in user:
            out.append(Workload(f"during load {u.prop}", "during_load", (u,), params))
    ticks = [u for u in found if u.kind == "tick"]
    for t in ticks:
        out.append(Workload(f"ticks {t.prop}", "ticks", (t,), params))
    for t in ticks:
        for u in user[:params.max_pairs]:
            out.append(Workload(f"ticks {t.prop} with {u.prop}", "ticks_with", (t, u), params))
    return out
