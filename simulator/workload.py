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


class _Click:
    """Stands for "one more click": ``n_clicks`` becomes (n_clicks or 0) + 1."""

    def __repr__(self) -> str:
        return "CLICK"


CLICK = _Click()


def resolve(props: dict[str, Any], layout: dict[str, Any]) -> dict[str, Any]:
    """An action's props as values: ``CLICK`` becomes the next ``n_clicks``.

    A click on a ``n_clicks`` that a callback set to something other than a
    number (or null) is refused: the browser would compute ``"3" + 1``, which
    the model does not.
    """
    out = {}
    for k, v in props.items():
        if v is CLICK:
            current = layout[k]
            if current is not None and (isinstance(current, bool) or not isinstance(current, (int, float))):
                raise ScenarioError(f"click on {k.rpartition('.')[0]}: {k} holds {current!r:.60}, not a number "
                                    "(a callback wrote it); clicking it is not modelled")
            v = (current or 0) + 1
        out[k] = v
    return out


@dataclass(frozen=True)
class Action:
    props: dict[str, Any]
    delay: float = 0.0
    wait_settle: bool = False
    measure: bool = False
    label: str = ""

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


@dataclass(frozen=True)
class Plan:
    """The actions of one run."""

    actions: tuple[Action, ...]
    notes: dict[str, Any] = field(default_factory=dict)

    def validate(self, layout: dict[str, Any]) -> None:
        """Refuse, before anything runs, an action on a prop the layout does not have."""
        for action in self.actions:
            for prop in action.props:
                if prop not in layout:
                    raise ScenarioError(f"user action {action.describe()!r} sets {prop!r}, which is not a prop "
                                        "of any component in the layout")
                if action.props[prop] is not CLICK:
                    jsonvalue.check(action.props[prop], f"user action {action.describe()!r} sets {prop}")
