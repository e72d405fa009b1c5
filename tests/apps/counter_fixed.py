"""The counter fixed as check advises: the count derived from the n_clicks totals, proved safe."""

import time
from dash import Dash, Input, Output, dcc, html
app = Dash(__name__)
app.layout = html.Div([html.Button("+", id="inc"), html.Button("-", id="dec"), dcc.Store(id="count", data=0)])

@app.callback(Output("count", "data"), Input("inc", "n_clicks"), Input("dec", "n_clicks"),
              prevent_initial_call=True)
def step(inc, dec):
    time.sleep(0.2)
    return (inc or 0) - (dec or 0)
