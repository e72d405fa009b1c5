"""``html``: the Dash HTML components the simulator knows, under Dash's names."""

from .components import Button, Component, Div

Span = P = Component

__all__ = ["Button", "Div", "Span", "P"]
