"""Two buttons add to a counter in a Store with Patch() += (from a trial): a quick second click supersedes the
first request in flight (R8), and its Patch is never applied.
"""
from dash import Dash, dcc, html, Input, Output, Patch

app = Dash(__name__)
app.layout = html.Div([
    html.Button("+1", id="plus1"), html.Button("+10", id="plus10"),
    dcc.Store(id="state", data={"total": 0, "log": []}),
    html.Div(id="show"),
])

@app.callback(Output("state", "data", allow_duplicate=True), Input("plus1", "n_clicks"), prevent_initial_call=True)
def p1(n):
    p = Patch()
    p["total"] += 1
    p["log"].append("+1")
    return p

@app.callback(Output("state", "data", allow_duplicate=True), Input("plus10", "n_clicks"), prevent_initial_call=True)
def p10(n):
    p = Patch()
    p["total"] += 10
    p["log"].append("+10")
    return p

@app.callback(Output("show", "children"), Input("state", "data"))
def show(s):
    return f"{s['total']} ({len(s['log'])} ops)"
