"""A dcc.Interval every 100 ms drives a callback that takes 300 ms."""

import time

from dash import Dash, Input, Output, dcc, html

app = Dash(__name__)
app.layout = html.Div([dcc.Interval(id="clock", interval=100), html.Div(id="reading")])


@app.callback(Output("reading", "children"), Input("clock", "n_intervals"), prevent_initial_call=True)
def read_sensor(n_intervals):
    time.sleep(0.3)
    return f"reading {n_intervals}"
