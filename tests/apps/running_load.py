"""running= on page load (R26), for the Chromium fidelity test.

``work`` runs on load with ``running=`` setting ``status`` to "busy" when its
request is sent and to "idle" when the response arrives; ``seen`` listens to
``status`` and records each value it is called with.  The server logs each
call (``/calls``) so a test can compare what a browser ran with the model.
"""

import time

from dash import Dash, Input, Output, html

app = Dash(__name__)
CALLS: list[str] = []

app.layout = html.Div([html.Button("Go", id="go"), html.Div("idle", id="status"), html.Div(id="out"),
                       html.Div(id="seen")])


@app.callback(Output("out", "children"), Input("go", "n_clicks"),
              running=[(Output("status", "children"), "busy", "idle"), (Output("go", "disabled"), True, False)])
def work(n):
    CALLS.append("work")
    time.sleep(0.3)
    return f"worked {n}"


@app.callback(Output("seen", "children"), Input("status", "children"), Input("go", "disabled"))
def seen(status, disabled):
    CALLS.append(f"seen:{status}:{disabled}")
    return f"status {status}, disabled {disabled}"


@app.server.route("/calls")
def calls():
    return ",".join(CALLS)
