"""R19 with ALL Inputs (R25), for the Chromium fidelity test.

On load ``fill`` and ``fill_x`` answer PreventUpdate, so nothing ``count`` and
``plain`` read was updated.  R19 drops ``plain``; ``count``, whose only Input
is ALL, is kept and runs.  The server logs each call (``/calls``).
"""

from dash import ALL, Dash, Input, Output, dcc, html
from dash.exceptions import PreventUpdate

app = Dash(__name__)
CALLS: list[str] = []

app.layout = html.Div([html.Button(id="go"), dcc.Input(id="x")]
                      + [dcc.Input(id={"type": "item", "index": i}) for i in range(2)]
                      + [html.Div(id="n"), html.Div(id="m")])


@app.callback(Output({"type": "item", "index": ALL}, "value"), Input("go", "n_clicks"))
def fill(n):
    CALLS.append("fill")
    raise PreventUpdate


@app.callback(Output("x", "value"), Input("go", "n_clicks"))
def fill_x(n):
    CALLS.append("fill_x")
    raise PreventUpdate


@app.callback(Output("n", "children"), Input({"type": "item", "index": ALL}, "value"))
def count(values):
    CALLS.append("count")
    return f"{len(values)} items"


@app.callback(Output("m", "children"), Input("x", "value"))
def plain(x):
    CALLS.append("plain")
    return f"x={x}"


@app.server.route("/calls")
def calls():
    return ",".join(CALLS)
