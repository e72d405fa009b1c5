"""A counter reading its own Store, guarded by running= disabling its button (from two trials): the explorer
refutes it only by putting clicks planned 100 ms apart into one renderer pass, and must say that is what it needs.
"""
from dash import Dash, Input, Output, State, dcc, html

app = Dash(__name__)
app.layout = html.Div([html.Button("+", id="inc"), dcc.Store(id="count", data=0)])


@app.callback(Output("count", "data"), Input("inc", "n_clicks"), State("count", "data"),
              running=[(Output("inc", "disabled"), True, False)], prevent_initial_call=True)
def step(n, count):
    return count + 1
