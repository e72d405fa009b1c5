"""The two ways ``check`` stops before giving a verdict.

Both carry a one-line message a user can act on; the CLI prints it without a
traceback.  :class:`Unsupported` is the refusal the project's standards ask
for: a feature the model does not handle stops the check, naming the
callback and the feature, so that "never diverges" never hides it.
"""


class CheckError(Exception):
    """The app could not be loaded or read (missing file, import error, no Dash app...)."""


class Unsupported(CheckError):
    """The app uses a Dash feature the renderer model does not handle."""
