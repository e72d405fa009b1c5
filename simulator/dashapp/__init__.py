"""Check a real Dash app: load it, run its real callbacks under the simulated renderer.

* :mod:`.load` imports the app and reads what the browser receives;
* :mod:`.convert` builds the simulator's app from it, refusing what is not modelled;
* :mod:`.server` answers each simulated request with the real callback (fast or through Flask);
* :mod:`.clock` gives callbacks the simulated clock (``time.sleep`` costs simulated server time);
* :mod:`.oracle` decides divergence with no hand-written check: serial execution is the reference;
* :mod:`.workloads` generates what a user can do to the app;
* :mod:`.lint` finds the known bad designs statically, before any run;
* :mod:`.report` runs it all and says what diverges, why, and which fix applies.
"""

from .errors import CheckError, Unsupported

__all__ = ["CheckError", "Unsupported"]
