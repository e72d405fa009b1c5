"""Components as values (R27), for the Chromium fidelity test.

``box`` starts with components no callback names; ``show`` reads them as State
on load, and ``greet`` writes a component into ``out`` that ``echo`` reads back.
The server logs each call's arguments (``/calls``).
"""

import json

from dash import Dash, Input, Output, State, html

app = Dash(__name__)
CALLS: list[str] = []

app.layout = html.Div([html.Button("Go", id="go"), html.Div([html.B("bold"), "text"], id="box"),
                       html.Div(id="shown"), html.Div(id="out"), html.Div(id="echo")])


@app.callback(Output("shown", "children"), Input("go", "n_clicks"), State("box", "children"))
def show(n, box):
    CALLS.append("show")
    return json.dumps(box, sort_keys=True)


@app.callback(Output("out", "children"), Input("go", "n_clicks"))
def greet(n):
    CALLS.append("greet")
    return html.I(f"hello {n}")


@app.callback(Output("echo", "children"), Input("out", "children"))
def echo(out):
    CALLS.append("echo")
    return json.dumps(out, sort_keys=True)


@app.server.route("/calls")
def calls():
    return ",".join(CALLS)
