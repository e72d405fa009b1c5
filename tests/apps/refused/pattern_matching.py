from dash import ALL, Dash, Input, Output, dcc, html

app = Dash(__name__)
app.layout = html.Div([dcc.Input(id={"type": "field", "index": 0}), html.Div(id="out")])


@app.callback(Output("out", "children"), Input({"type": "field", "index": ALL}, "value"))
def join(values):
    return ", ".join(v or "" for v in values)
