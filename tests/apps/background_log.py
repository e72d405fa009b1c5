"""A background job that set_props a log Store and then a status line (R31).

The job's cache keeps one set_props entry, and each call replaces it: the ``log`` entry set just before
the ``status`` one is replaced before any poll reads it, so the log never reaches the page.  Found by a
new-user trial, checked in Chromium (the log view ends empty, the status reads "imported b.csv").
"""
import os
import tempfile
import time

import diskcache
from dash import Dash, DiskcacheManager, Input, Output, State, dcc, html, set_props

manager = DiskcacheManager(diskcache.Cache(os.path.join(tempfile.gettempdir(), "callback-race-background-apps")))
app = Dash(__name__, background_callback_manager=manager)
app.layout = html.Div([html.Button("Import", id="import"), dcc.Store(id="log", data=[]),
                       html.Div("idle", id="status"), html.Pre(id="log-view"), html.Div(id="done")])


@app.callback(Output("done", "children"), Input("import", "n_clicks"), State("log", "data"), background=True,
              interval=200, prevent_initial_call=True)
def import_files(n_clicks, log):
    log = list(log or [])
    for name in ("a.csv", "b.csv"):
        time.sleep(0.15)
        log.append(f"import {n_clicks}: {name}")
        set_props("log", {"data": log})
        set_props("status", {"children": f"imported {name}"})
    return f"import {n_clicks} done"


@app.callback(Output("log-view", "children"), Input("log", "data"))
def show(log):
    return "\n".join(log or [])
