"""A clientside callback and a server callback both write one store."""

from dash import Dash, Input, Output, dcc, html

app = Dash(__name__)
app.layout = html.Div([dcc.Input(id="name"), html.Button("Reset", id="reset"), dcc.Store(id="profile", data={})])

app.clientside_callback(
    "function(n) { return {}; }",
    Output("profile", "data", allow_duplicate=True), Input("reset", "n_clicks"), prevent_initial_call=True)


@app.callback(Output("profile", "data", allow_duplicate=True), Input("name", "value"), prevent_initial_call=True)
def set_name(name):
    return {"name": name}
