"""``dcc``: the Dash core components the simulator knows, under Dash's names."""

from .components import Interval, Store, TextInput as Input

__all__ = ["Input", "Store", "Interval"]
