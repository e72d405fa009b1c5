"""An Interval refreshes a Store (slow read-modify-write) while the user pins a symbol into it.

Chromium loses the pin when a tick that read the Store before it lands after it; check finds it with
`ticks poll.n_intervals with pin.n_clicks`.
"""
import time
from dash import Dash, Input, Output, State, dcc, html

app = Dash(__name__)
app.layout = html.Div([
    dcc.Interval(id="poll", interval=1000),
    html.Button("pin AAPL", id="pin"),
    dcc.Store(id="board", data={"pinned": [], "tick": 0}), html.Div(id="shown"),
])

@app.callback(Output("board", "data"), Input("poll", "n_intervals"), State("board", "data"),
              prevent_initial_call=True)
def refresh(n, board):
    time.sleep(0.6)                              # fetch quotes
    return {**board, "tick": n}

@app.callback(Output("board", "data", allow_duplicate=True), Input("pin", "n_clicks"), State("board", "data"),
              prevent_initial_call=True)
def pin(n, board):
    return {**board, "pinned": sorted(set(board["pinned"]) | {"AAPL"})}

@app.callback(Output("shown", "children"), Input("board", "data"))
def show(b):
    return f"pinned={b['pinned']}"
