"""An Input and a Store bound both ways by two callbacks (from a trial): some typing runs never settle.

A request R9 held back behind a superseded one is left waiting forever (docs/renderer-model.md, R8/R9),
so check must leave those runs out of the rate *and* its interval, and say so.
"""
from dash import Dash, dcc, html, Input, Output

app = Dash(__name__)
app.layout = html.Div([
    dcc.Input(id="name", value=""),
    dcc.Store(id="profile", data={"name": "ann"}),
    html.Div(id="show"),
])

@app.callback(Output("name", "value"), Input("profile", "data"))
def fill(p):
    return p["name"]

@app.callback(Output("profile", "data"), Input("name", "value"), prevent_initial_call=True)
def save(v):
    return {"name": v}

@app.callback(Output("show", "children"), Input("profile", "data"))
def show(p):
    return p["name"]
