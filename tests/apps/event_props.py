"""Three user events a callback can read besides n_clicks, each racing a full-copy writer of one Store (R29).

``saved`` reads only the button's n_clicks_timestamp (a click sets it),
``searched`` reads the input's n_submit (Enter), ``left`` reads a dcc.Button's
n_blur (leaving it). Each reads the Store and writes a full copy back, so any
two of them, or one and ``named``, lose a key when they run together. The
"never" button has disable_n_clicks: it fires no click at all.
"""

from dash import Dash, Input, Output, State, dcc, html

app = Dash(__name__)
app.layout = html.Div([html.Button("Save", id="save"), dcc.Input(id="q", value="x"), dcc.Button("Leave", id="leave"),
                       html.Button("Never", id="never", disable_n_clicks=True), dcc.Store(id="st", data={})])


def _write(key):
    def body(value, st):
        return {**st, key: value is not None}
    body.__name__ = key
    return body


for key, (cid, prop) in {"saved": ("save", "n_clicks_timestamp"), "searched": ("q", "n_submit"),
                         "left": ("leave", "n_blur"), "never": ("never", "n_clicks")}.items():
    app.callback(Output("st", "data", allow_duplicate=True), Input(cid, prop), State("st", "data"),
                 prevent_initial_call=True)(_write(key))
