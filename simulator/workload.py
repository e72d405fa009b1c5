"""What the user does: a sequence of actions on the simulated clock.

Actions run one after another.  Each either waits for the app to settle
first (nothing pending, nothing in flight: what a person does when they look
at the page before acting) or not, then waits ``delay`` ms, then changes
component props.  The first action marked ``measure`` starts the measured
phase: setup actions before it (typing the first values, say) are simulated
in full but not counted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from . import jsonvalue
from .errors import ScenarioError
from .renderer import EPOCH_MS


class _Click:
    """Stands for "one more event": ``n_clicks`` (``n_submit``, ``n_blur``) becomes (itself or 0) + 1."""

    def __repr__(self) -> str:
        return "CLICK"


CLICK = _Click()

#: The counters a component increments on a user event, each with its ``_timestamp`` beside it
#: (R29): a click (html components, dcc.Button), Enter in a dcc.Input, leaving a dcc control (blur).
COUNTERS = ("n_clicks", "n_submit", "n_blur")


def event_props(prop: str) -> tuple[str, str] | None:
    """``(counter, timestamp)`` for an event counter or its timestamp (``"b.n_clicks"`` or
    ``"b.n_clicks_timestamp"`` -> ``("b.n_clicks", "b.n_clicks_timestamp")``); None for any other prop."""
    cid, _, name = prop.rpartition(".")
    base = name[:-len("_timestamp")] if name.endswith("_timestamp") else name
    if base not in COUNTERS:
        return None
    return f"{cid}.{base}", f"{cid}.{base}_timestamp"


def resolve(props: dict[str, Any], layout: dict[str, Any], now: float) -> dict[str, Any]:
    """An action's props as values at time ``now``: ``CLICK`` becomes the next ``n_clicks``.

    An event sets its counter and its timestamp in one change, the count
    first (R29; ``onClick``: ``setProps({n_clicks: n_clicks + 1,
    n_clicks_timestamp: Date.now()})``, and ``n_submit`` / ``n_blur`` alike),
    so a callback on the timestamp runs beside one on the count.  Each is set
    where the layout has the prop (the app set it, or a callback names it);
    elsewhere nobody can see it.  ``CLICK`` may name either prop.  An html
    component with ``disable_n_clicks`` fires no click.

    A click on a ``n_clicks`` that a callback set to something other than a
    number (or null) is refused: the browser would compute ``"3" + 1``, which
    the model does not.
    """
    out = {}
    for k, v in props.items():
        if v is not CLICK:
            out[k] = v
            continue
        counter, stamp = event_props(k) or (k, None)
        if counter in out:
            continue   # the action names both props of one event: it is one event
        if counter.endswith(".n_clicks") and layout.get(counter[:-len("n_clicks")] + "disable_n_clicks"):
            continue
        if counter not in layout and (stamp is None or stamp not in layout):
            out[k] = v   # its component is not on the page (R30): Renderer.change says the user could not act
            continue
        if counter in layout:
            current = layout[counter]
            if current is not None and (isinstance(current, bool) or not isinstance(current, (int, float))):
                raise ScenarioError(f"click on {k.rpartition('.')[0]}: {counter} holds {current!r:.60}, not a number "
                                    "(a callback wrote it); clicking it is not modelled")
            out[counter] = (current or 0) + 1
        if stamp is not None and stamp in layout and props.get(stamp, CLICK) is CLICK:
            out[stamp] = EPOCH_MS + int(now)   # after the count, in setProps' order
    return out


@dataclass(frozen=True)
class Action:
    props: dict[str, Any]
    delay: float = 0.0
    wait_settle: bool = False
    measure: bool = False
    label: str = ""
    #: It acts on components an earlier action's layout change brings (R30): not on the first page, so
    #: checked when it happens; a component that is not there then cannot be acted on (ignored, R26's way).
    arrives: bool = False

    def __post_init__(self):
        if not isinstance(self.props, dict) or not all(isinstance(k, str) for k in self.props):
            raise ScenarioError(f"Action props must be a dict of 'component_id.prop' strings, not {self.props!r:.60}")
        if isinstance(self.delay, bool) or not isinstance(self.delay, (int, float)) \
                or not math.isfinite(self.delay) or self.delay < 0:
            raise ScenarioError(f"Action delay must be a finite number of ms >= 0, not {self.delay!r}")

    def describe(self) -> str:
        if self.label:
            return self.label
        return ", ".join(f"{k} = {v!r}" for k, v in self.props.items())


def type_into(component_id: str, text: str, *, prop: str = "value", **kw: Any) -> Action:
    return Action({f"{component_id}.{prop}": text}, label=kw.pop("label", f"type {text!r} into {component_id}"), **kw)


def click(component_id: str, **kw: Any) -> Action:
    return Action({f"{component_id}.n_clicks": CLICK}, label=kw.pop("label", f"click {component_id}"), **kw)


def ticks(interval: Any, for_ms: float, **kw: Any) -> list[Action]:
    """A ``dcc.Interval`` ticking by itself for ``for_ms`` ms of page time, as ``Interval.react.js`` does.

    One action per tick, ``interval`` ms apart (the first after one period),
    ``n_intervals`` counting up from the layout's value; none when it is
    ``disabled``, and none past ``max_intervals``.  Merge them with the user's
    actions by time with :func:`merge`.  ``kw`` goes to the first tick
    (``measure=True``, say).
    """
    props = getattr(interval, "initial", None)
    if props is None or type(interval).__name__ != "Interval":
        raise ScenarioError(f"ticks() takes a dcc.Interval, not {interval!r:.60}")
    period = props.get("interval", 1000)
    if isinstance(period, bool) or not isinstance(period, (int, float)) or not period > 0:
        raise ScenarioError(f"dcc.Interval {interval.id!r}: interval={period!r} is not a period in ms")
    if props.get("disabled"):
        return []
    start = props.get("n_intervals") or 0
    limit = props.get("max_intervals", -1)
    count = int(for_ms // period)
    if limit is not None and limit != -1:
        count = min(count, max(0, int(limit) - start))
    key = f"{interval.key}.n_intervals"
    return [Action({key: start + k}, delay=period, label=f"{interval.id} ticks ({start + k})",
                   **(kw if k == 1 else {})) for k in range(1, count + 1)]


def merge(*streams: list[Action]) -> list[Action]:
    """Actions of several streams (the user's, an Interval's ticks) in one sequence, by the time each is due.

    Each stream's delays add up to its own times; the merged actions keep
    those times (ties: the earlier stream first).  Waiting for the page to
    settle is not kept: its time is unknown until the run.
    """
    timed = []
    for order, stream in enumerate(streams):
        t = 0.0
        for k, action in enumerate(stream):
            if action.wait_settle:
                raise ScenarioError(f"merge(): {action.describe()!r} waits for the page to settle, so its time "
                                    "is not known before the run; give it a delay instead")
            t += action.delay
            timed.append((t, order, k, action))
    timed.sort(key=lambda item: item[:3])
    out, last = [], 0.0
    for t, _, _, action in timed:
        out.append(Action(action.props, delay=t - last, measure=action.measure, label=action.label))
        last = t
    return out


@dataclass(frozen=True)
class Plan:
    """The actions of one run."""

    actions: tuple[Action, ...]
    notes: dict[str, Any] = field(default_factory=dict)

    def validate(self, layout: dict[str, Any]) -> None:
        """Refuse, before anything runs, an action on a prop the layout does not have."""
        for action in self.actions:
            for prop in action.props:
                if prop not in layout and not action.arrives:
                    raise ScenarioError(f"user action {action.describe()!r} sets {prop!r}, which is not a prop "
                                        "of any component in the layout")
                if action.props[prop] is not CLICK:
                    jsonvalue.check(action.props[prop], f"user action {action.describe()!r} sets {prop}")
