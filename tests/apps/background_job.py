"""A background callback (R31) that set_props a Store from its own State: a second click loses the first job's write.

``work`` runs as a background job on Dash's DiskcacheManager: it reports
progress, set_props ``store`` with its click count added to what it read, sleeps
and answers.  A second click while the first job runs outdates it (its next
poll ends the chain, R31), so the first job's set_props never lands, and the
second job read the Store from before: ``check`` finds ``store.data`` losing
``job1``.  ``stop`` is the job's cancel Input: cancelling is what the user asked
for, not a lost update.
"""
import os
import tempfile
import time

import diskcache
from dash import Dash, DiskcacheManager, Input, Output, State, dcc, html, set_props


def build(running=None) -> Dash:
    """The app; ``running``: the callback's running= list (background_job_disabled.py passes one)."""
    manager = DiskcacheManager(diskcache.Cache(os.path.join(tempfile.gettempdir(), "callback-race-background-apps")))
    app = Dash(__name__, background_callback_manager=manager)
    app.layout = html.Div([html.Button("go", id="go"), html.Button("stop", id="stop"), html.Div(id="out"),
                           html.Div(id="bar"), dcc.Store(id="store", data={})])

    @app.callback(Output("out", "children"), Input("go", "n_clicks"), State("store", "data"), background=True,
                  interval=200, progress=Output("bar", "children"), progress_default="idle",
                  cancel=Input("stop", "n_clicks"), prevent_initial_call=True, running=running)
    def work(set_progress, n, data):
        set_progress("started")
        set_props("store", {"data": {**(data or {}), f"job{n}": "started"}})
        time.sleep(0.3)
        set_progress("half")
        return f"done {n}"
    return app


app = build()
