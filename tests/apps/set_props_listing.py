"""A page built by set_props on load, and a callback listing its buttons with ALL (R30), for check and Chromium.

Both initial calls go out in the first pass: ``likes`` lists no button, and
``build``'s set_props then puts one on the page.  The renderer requests
nothing for components set_props brings, so ``likes`` never runs again: the
page shows "0 like buttons", where a serial run shows 1.  Returning the
buttons as an Output (R30) would run ``likes`` for them.
"""
from dash import ALL, Dash, Input, Output, html, set_props

app = Dash(__name__, suppress_callback_exceptions=True)
CALLS: list[str] = []
app.layout = html.Div([html.Div(id="start", children="x"), html.Div(id="content"), html.Div(id="clicks")])


@app.callback(Input("start", "children"))
def build(_):
    CALLS.append("build")
    set_props("content", {"children": [html.Button("like", id={"t": "like", "i": 1})]})


@app.callback(Output("clicks", "children"), Input({"t": "like", "i": ALL}, "n_clicks"))
def likes(ns):
    CALLS.append("likes")
    return f"{len(ns)} like buttons"


@app.server.route("/calls")
def calls():
    return ",".join(CALLS)
