"""An ALL-pattern writer and a plain writer of one Store (R25): each returns a full copy, so one loses the other's key."""

from dash import Dash, Input, Output, State, dcc, html, ALL, MATCH, ctx
app = Dash(__name__)
app.layout = html.Div([dcc.Input(id={"type": "item", "index": i}) for i in range(2)]
                      + [dcc.Input(id="note"), dcc.Store(id="store", data={}), html.Div(id="out")])

@app.callback(Output("store", "data", allow_duplicate=True), Input({"type": "item", "index": ALL}, "value"),
              State("store", "data"), prevent_initial_call=True)
def save_items(values, data):
    return {**data, "items": values}

@app.callback(Output("store", "data", allow_duplicate=True), Input("note", "value"), State("store", "data"),
              prevent_initial_call=True)
def save_note(note, data):
    return {**data, "note": note}

@app.callback(Output({"type": "item", "index": MATCH}, "placeholder"), Input({"type": "item", "index": MATCH}, "value"))
def echo(value):
    return f"typed {value} in {ctx.triggered_id}"
