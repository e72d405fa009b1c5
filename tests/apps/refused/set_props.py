"""set_props on a dict id the layout has no component for: the renderer reports it and skips it; check refuses it (R21, R25)."""

from dash import Dash, Input, Output, dcc, html, set_props

app = Dash(__name__)
app.layout = html.Div([dcc.Input(id="name"), html.Div(id="out"), html.Div(id="side")])


@app.callback(Output("out", "children"), Input("name", "value"), prevent_initial_call=True)
def greet(name):
    set_props({"type": "side", "index": 0}, {"children": "touched"})
    return f"hello {name}"
