"""The Dash docs' background-callback example: a progress bar, the run button disabled and the cancel
button enabled while the job runs (running=), a cancel Input (R26, R31).

A click on cancel while the job runs kills it: the page keeps "Button not clicked". That is what the
user asked for, not a lost update: serially a job is over before the next click, so check's reference
also has the pages where the cancel came while the job ran, after any number of its calls.
"""
import os
import tempfile
import time

import diskcache
from dash import Dash, DiskcacheManager, Input, Output, html

manager = DiskcacheManager(diskcache.Cache(os.path.join(tempfile.gettempdir(), "callback-race-background-apps")))
app = Dash(__name__, background_callback_manager=manager)
app.layout = html.Div([
    html.Div([html.P(id="paragraph_id", children=["Button not clicked"]),
              html.Progress(id="progress_bar", value="0")]),
    html.Button(id="button_id", children="Run Job!"),
    html.Button(id="cancel_button_id", children="Cancel Running Job!"),
])


@app.callback(
    output=Output("paragraph_id", "children"),
    inputs=Input("button_id", "n_clicks"),
    background=True,
    interval=200,
    running=[
        (Output("button_id", "disabled"), True, False),
        (Output("cancel_button_id", "disabled"), False, True),
        (Output("paragraph_id", "style"), {"visibility": "hidden"}, {"visibility": "visible"}),
        (Output("progress_bar", "style"), {"visibility": "visible"}, {"visibility": "hidden"}),
    ],
    cancel=Input("cancel_button_id", "n_clicks"),
    progress=[Output("progress_bar", "value"), Output("progress_bar", "max")],
    prevent_initial_call=True,
)
def update_progress(set_progress, n_clicks):
    total = 5
    for i in range(total + 1):
        set_progress((str(i), str(total)))
        time.sleep(0.1)
    return f"Clicked {n_clicks} times"
