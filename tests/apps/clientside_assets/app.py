"""clientside_race.py with its clientside writer in assets/race.js, named by ClientsideFunction (R15)."""

import time

from dash import ClientsideFunction, Dash, Input, Output, State, dcc, html

app = Dash(__name__)
app.layout = html.Div([html.Button("Add", id="add"), dcc.Input(id="name"), dcc.Store(id="profile", data={})])

app.clientside_callback(
    ClientsideFunction(namespace="race", function_name="add_click"),
    Output("profile", "data", allow_duplicate=True), Input("add", "n_clicks"), State("profile", "data"),
    prevent_initial_call=True)


@app.callback(Output("profile", "data", allow_duplicate=True), Input("name", "value"), State("profile", "data"),
              prevent_initial_call=True)
def set_name(name, data):
    time.sleep(0.2)
    return {**data, "name": name}
