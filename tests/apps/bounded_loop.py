"""A counter that re-triggers itself through its own output until it reaches a bound."""

from dash import Dash, Input, Output, State, dcc, html, no_update

app = Dash(__name__)
app.layout = html.Div([html.Button("Start", id="start"), dcc.Store(id="count", data=0), dcc.Store(id="echo", data=0)])


@app.callback(Output("count", "data"), Input("start", "n_clicks"), Input("echo", "data"), State("count", "data"),
              prevent_initial_call=True)
def step(n_clicks, echo, count):
    return count + 1 if count < 3 else no_update


@app.callback(Output("echo", "data"), Input("count", "data"), prevent_initial_call=True)
def bounce(count):
    return count
