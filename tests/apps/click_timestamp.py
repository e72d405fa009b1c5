"""One click, two read-modify-write writers of one Store: one on n_clicks, one on n_clicks_timestamp.

A click sets both props in one change (html.Button's onClick), so both
callbacks run and race: one of the two keys is lost.
"""

from dash import Dash, Input, Output, State, dcc, html

app = Dash(__name__)
app.layout = html.Div([html.Button("Save", id="save"), dcc.Store(id="state", data={})])


@app.callback(Output("state", "data", allow_duplicate=True), Input("save", "n_clicks"), State("state", "data"),
              prevent_initial_call=True)
def count(n, state):
    return dict(state, count=n)


@app.callback(Output("state", "data", allow_duplicate=True), Input("save", "n_clicks_timestamp"),
              State("state", "data"), prevent_initial_call=True)
def saved(ts, state):
    return dict(state, saved=ts is not None)
