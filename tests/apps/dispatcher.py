"""A dispatcher: one click sets a status store to "running", a slow job fired by the same click sets "done"."""

import time

from dash import Dash, Input, Output, dcc, html
from dash.exceptions import PreventUpdate

app = Dash(__name__)
app.layout = html.Div([html.Button("Run", id="run"), dcc.Store(id="status", data="idle"),
                       html.Div(id="result")])


@app.callback(Output("status", "data"), Input("run", "n_clicks"), prevent_initial_call=True)
def mark_running(n_clicks):
    return "running"


@app.callback(Output("result", "children"), Output("status", "data", allow_duplicate=True),
              Input("run", "n_clicks"), prevent_initial_call=True)
def run_job(n_clicks):
    if not n_clicks:
        raise PreventUpdate
    time.sleep(0.05)
    return f"job {n_clicks} finished", "done"
