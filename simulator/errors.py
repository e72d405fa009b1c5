"""Errors raised while *building* an app, named as Dash names them.

Everything here is a mistake in the app definition, reported before any
simulation runs.  Mistakes that happen while a callback *runs* (an exception
in its body, a Patch that cannot be applied) are not raised: they become
modelled error responses (R18) recorded on the run, because that is what a
Dash app does with them.
"""


class DashException(Exception):
    """Base class of every app-definition error."""


class NonExistentIdException(DashException):
    """A callback names a component id that is not in the layout."""


class InvalidPropertyException(DashException):
    """A callback names a property that its component does not have."""


class DuplicateCallback(DashException):
    """Two callbacks claim one output without ``allow_duplicate=True``."""


class DependencyException(DashException):
    """A callback's Outputs / Inputs / States are malformed."""


class InvalidCallbackReturnValue(DashException):
    """A callback returned a value of the wrong shape for its outputs."""


class InvalidPatchOperation(DashException):
    """A ``Patch`` operation is malformed or cannot apply to the prop's value."""


class PreventUpdate(Exception):
    """Raise inside a callback to apply nothing (HTTP 204, R2)."""


class ScenarioError(Exception):
    """A scenario, workload or distribution named or described wrongly."""


class NotModelled(ScenarioError):
    """The app relies on something the renderer model does not do, so no verdict is given.

    Raised instead of simulating around it: a result that silently ignored
    the feature could say "never diverges" of an app that does.
    """
