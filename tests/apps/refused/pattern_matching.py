"""MATCH in an Input of a callback whose Output has no MATCH (Dash's issue #2462): each firing takes the trigger's values; not modelled (R25)."""

from dash import MATCH, Dash, Input, Output, dcc, html

app = Dash(__name__)
app.layout = html.Div([dcc.Input(id={"type": "field", "index": 0}), html.Div(id="out")])


@app.callback(Output("out", "children"), Input({"type": "field", "index": MATCH}, "value"))
def join(value):
    return value or ""
