"""callback-race: a headless simulator of how dash-renderer runs callbacks.

The public API, re-exported from the modules that define it::

    from simulator import Dash, Output, Input, State, Patch, no_update, PreventUpdate, ctx, set_props, dcc, html
    from simulator import Config, simulate, Plan, Action
"""

from . import dcc, html
from .app import Callback, Dash, Response
from .context import callback_context, ctx, no_update, server_time, set_props, sleep
from .dependencies import Input, Output, State
from .engine import Config, Run, Simulation, simulate
from .errors import (DashException, DependencyException, DuplicateCallback, InvalidCallbackReturnValue,
                     InvalidPatchOperation, InvalidPropertyException, NonExistentIdException, NotModelled,
                     PreventUpdate, ScenarioError)
from .graph import Graph
from .latency import parse as parse_distribution
from .patch import Patch
from .renderer import Renderer, Request
from .wildcards import ALL, ALLSMALLER, MATCH
from .workload import CLICK, Action, Plan, click, type_into

__all__ = [
    "dcc", "html", "Dash", "Callback", "Response", "ctx", "callback_context", "no_update", "server_time", "set_props",
    "Input", "Output", "State", "MATCH", "ALL", "ALLSMALLER", "Patch", "PreventUpdate", "Config", "Run", "Simulation", "simulate",
    "DashException", "DependencyException", "DuplicateCallback", "InvalidCallbackReturnValue",
    "InvalidPatchOperation", "InvalidPropertyException", "NonExistentIdException", "NotModelled", "ScenarioError",
    "Graph", "Renderer", "Request", "parse_distribution", "CLICK", "Action", "Plan", "click", "type_into",
]
