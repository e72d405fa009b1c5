"""A debounced number input and a text input, both written into one Store (for tests/test_orders.py)."""

from dash import Dash, Input, Output, State, dcc, html

app = Dash(__name__)
app.layout = html.Div([dcc.Input(id="qty", type="number", debounce=0.15), dcc.Input(id="note"),
                       dcc.Store(id="form", data={})])


@app.callback(Output("form", "data"), Input("qty", "value"), Input("note", "value"), State("form", "data"))
def save(qty, note, form):
    return {**(form or {}), "qty": qty, "note": note}
