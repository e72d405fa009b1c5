"""A +/- counter that adds one per trigger (ctx.triggered_id): merged or superseded requests lose clicks."""

import time
from dash import Dash, Input, Output, State, ctx, dcc, html
app = Dash(__name__)
app.layout = html.Div([html.Button("+", id="inc"), html.Button("-", id="dec"), dcc.Store(id="count", data=0)])

@app.callback(Output("count", "data"), Input("inc", "n_clicks"), Input("dec", "n_clicks"), State("count", "data"),
              prevent_initial_call=True)
def step(inc, dec, count):
    time.sleep(0.2)
    return count + 1 if ctx.triggered_id == "inc" else count - 1
