"""An Interval samples into a Store once Record is pressed (a trial app): a slow tick superseded between two kept
ones loses a sample, but only when the user presses Record early enough to leave three ticks after it.

The explorer must see every place the press can take among the ticks, whatever the seed.
"""
from dash import Dash, dcc, html, Input, Output, State, Patch
from dash.exceptions import PreventUpdate

app = Dash(__name__)
app.layout = html.Div([
    dcc.Interval(id="poll", interval=500, max_intervals=4),
    html.Button("record", id="record"),
    dcc.Store(id="recording", data=False),
    dcc.Store(id="samples", data=[]),
    html.Div(id="show"),
])

@app.callback(Output("recording", "data"), Input("record", "n_clicks"), prevent_initial_call=True)
def start(n):
    return True

@app.callback(Output("samples", "data"), Input("poll", "n_intervals"), State("recording", "data"),
              prevent_initial_call=True)
def sample(n, recording):
    if not recording:
        raise PreventUpdate
    p = Patch()
    p.append(n)
    return p

@app.callback(Output("show", "children"), Input("samples", "data"))
def show(s):
    return ",".join(map(str, s))
