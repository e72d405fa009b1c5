"""A background job whose cancel button has a dict id (R31): the renderer never cancels it, and lint says so.

The server sends the job's cancel Inputs with the id as a JSON string; the renderer holds the callback's
Inputs with the id parsed; Ramda's intersection finds them unequal, so no cancelJob is ever sent (a trial
saw "finished run 1" in Chromium after clicking cancel).
"""
import os
import tempfile
import time

import diskcache
from dash import Dash, DiskcacheManager, Input, Output, html

manager = DiskcacheManager(diskcache.Cache(os.path.join(tempfile.gettempdir(), "callback-race-background-apps")))
app = Dash(__name__, background_callback_manager=manager)
app.layout = html.Div([html.Button("run", id="run"), html.Button("cancel", id={"type": "cancel", "index": 0}),
                       html.Div(id="out")])


@app.callback(Output("out", "children"), Input("run", "n_clicks"), background=True, interval=200,
              cancel=Input({"type": "cancel", "index": 0}, "n_clicks"), prevent_initial_call=True)
def job(n):
    time.sleep(0.5)
    return f"finished run {n}"
