"""A click on the button inside a clickable html.Div counts on both (the click bubbles, R29).

Both callbacks write a full copy of one Store, so every click on "del" races "card".
"""

from dash import Dash, Input, Output, State, dcc, html
app = Dash(__name__)
app.layout = html.Div([html.Div([html.Span("card"), html.Button("Del", id="del")], id="card"), dcc.Store(id="st", data={})])

@app.callback(Output("st", "data", allow_duplicate=True), Input("card", "n_clicks"), State("st", "data"),
              prevent_initial_call=True)
def select(n, d):
    return {**d, "selected": n}

@app.callback(Output("st", "data", allow_duplicate=True), Input("del", "n_clicks"), State("st", "data"),
              prevent_initial_call=True)
def delete(n, d):
    return {**d, "deleted": n}
