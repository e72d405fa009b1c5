"""ALL lists dict ids in the order the renderer's paths got them (R30, computePaths), for the Chromium test.

Two sections are filled on load by their own callbacks, fill_a slower (it sleeps); a static filter sits after
them in the layout.  In Chromium the summary reads static|b|a: the static id was on the first page, and the
new ones follow in the order they arrived, not in layout order (a|b|static).
"""
import time
from dash import ALL, Dash, Input, Output, dcc, html

app = Dash(__name__)
CALLS = []
app.layout = html.Div([html.Button("go", id="go"), html.Div(id="secA"), html.Div(id="secB"),
                       dcc.Input(id={"type": "f", "name": "z-static"}, value="static"), html.Div(id="summary")])


@app.callback(Output("secA", "children"), Input("go", "n_clicks"))
def fill_a(n):
    time.sleep(0.5)
    CALLS.append("fill_a")
    return [dcc.Input(id={"type": "f", "name": "a"}, value="a")]


@app.callback(Output("secB", "children"), Input("go", "n_clicks"))
def fill_b(n):
    CALLS.append("fill_b")
    return [dcc.Input(id={"type": "f", "name": "b"}, value="b")]


@app.callback(Output("summary", "children"), Input({"type": "f", "name": ALL}, "value"))
def summary(values):
    CALLS.append("summary:" + "|".join(values))
    return "|".join(values)


@app.server.route("/calls")
def calls():
    return ",".join(CALLS)
