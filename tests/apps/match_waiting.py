"""MATCH Outputs on the first page, their Inputs arriving later with a form (R30), for the Chromium test:
fillVals skips an instance whose Inputs are all missing, and the form's arrival requests it, even with
prevent_initial_call.
"""
from dash import MATCH, Dash, Input, Output, ctx, dcc, html

app = Dash(__name__)
CALLS = []
app.layout = html.Div([html.Button("go", id="go"), html.Div(id="form"),
                       html.Div([html.Span(id={"type": "out", "index": i}) for i in range(2)])])


@app.callback(Output("form", "children"), Input("go", "n_clicks"))
def form(n):
    CALLS.append("form")
    return [dcc.Input(id={"type": "in", "index": i}, value=f"v{i}") for i in range(2)]


@app.callback(Output({"type": "out", "index": MATCH}, "children"), Input({"type": "in", "index": MATCH}, "value"),
              prevent_initial_call=True)
def echo(v):
    CALLS.append(f"echo:{ctx.triggered_id and ctx.triggered_id['index']}")
    return f"<{v}>"


@app.server.route("/calls")
def calls():
    return ",".join(CALLS)
