"""Solution 1: the first key's callback also writes a timestamp store, an Input of the next one."""

import time

from dash import Dash, Input, Output, State, dcc
from dash.exceptions import PreventUpdate

from _common import add_load_data, layout

app = Dash(__name__)
app.layout = layout([dcc.Store(id="first_name_done")])


@app.callback(Output("user_data", "data", allow_duplicate=True), Output("first_name_done", "data"),
              Input("first_name", "value"), State("user_data", "data"), prevent_initial_call=True)
def update_first_name(first_name, user_data):
    if not first_name:
        raise PreventUpdate
    user_data["first_name"] = first_name
    return user_data, time.time()


@app.callback(Output("user_data", "data", allow_duplicate=True), Input("last_name", "value"),
              Input("first_name_done", "data"), State("user_data", "data"), prevent_initial_call=True)
def update_last_name(last_name, _done, user_data):
    if not last_name:
        raise PreventUpdate
    user_data["last_name"] = last_name
    return user_data


add_load_data(app)
