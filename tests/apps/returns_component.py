"""A callback that returns a component no callback names: a value like any other (R27)."""

from dash import Dash, Input, Output, dcc, html

app = Dash(__name__)
app.layout = html.Div([dcc.Input(id="name"), html.Div(id="out")])


@app.callback(Output("out", "children"), Input("name", "value"), prevent_initial_call=True)
def greet(name):
    return html.B(f"hello {name}")
