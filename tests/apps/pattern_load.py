"""Pattern-matching callbacks on page load (R25), for the Chromium fidelity test.

Items are laid out in the order 2, 0, 1, so that ``ALL`` (layout order) and
``ALLSMALLER`` (value order) differ.  ``join`` reads every echo, so it waits
for all of their initial calls (R9) and runs once.  The server logs each call
(``/calls``) so a test can compare what a browser ran with what ``check`` models.
"""

from dash import ALL, ALLSMALLER, MATCH, Dash, Input, Output, State, ctx, html, dcc

app = Dash(__name__)
CALLS: list[str] = []
ORDER = (2, 0, 1)

app.layout = html.Div(
    [dcc.Input(id={"type": "item", "index": i}, value=f"v{i}") for i in ORDER]
    + [html.Div(id={"type": "echo", "index": i}) for i in ORDER]
    + [html.Div(id={"type": "before", "index": i}) for i in ORDER]
    + [html.Div(id="joined"), html.Div(id="trigger")])


@app.callback(Output({"type": "echo", "index": MATCH}, "children"), Input({"type": "item", "index": MATCH}, "value"))
def echo(value):
    CALLS.append("echo")
    return f"echo {value} at {ctx.outputs_list['id']['index']}"


@app.callback(Output({"type": "before", "index": MATCH}, "children"), Input({"type": "item", "index": MATCH}, "value"),
              State({"type": "item", "index": ALLSMALLER}, "value"))
def before(value, smaller):
    CALLS.append("before")
    return f"{value} after {'+'.join(smaller) or 'nothing'}"


@app.callback(Output("joined", "children"), Input({"type": "echo", "index": ALL}, "children"))
def join(echoes):
    CALLS.append("join")
    return " | ".join(str(e) for e in echoes)


@app.callback(Output("trigger", "children"), Input({"type": "item", "index": ALL}, "value"))
def trigger(values):
    CALLS.append("trigger")
    return f"{len(values)} values, triggered by {ctx.triggered_id}"


@app.server.route("/calls")
def calls():
    return ",".join(CALLS)
