"""``dcc``: the Dash core components the simulator knows, under Dash's names."""

from .components import (Checklist, Dropdown, Interval, Location, RadioItems, Slider, Store, Textarea,
                         TextInput as Input)

__all__ = ["Input", "Textarea", "Dropdown", "RadioItems", "Checklist", "Slider", "Location", "Store", "Interval"]
