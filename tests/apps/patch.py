"""Solution 4: one callback per key returning a Patch that sets only its key."""

from dash import Dash, Input, Output, Patch
from dash.exceptions import PreventUpdate

from _common import add_load_data, layout

app = Dash(__name__)
app.layout = layout()


@app.callback(Output("user_data", "data", allow_duplicate=True), Input("first_name", "value"),
              prevent_initial_call=True)
def update_first_name(first_name):
    if not first_name:
        raise PreventUpdate
    user_data = Patch()
    user_data["first_name"] = first_name
    return user_data


@app.callback(Output("user_data", "data", allow_duplicate=True), Input("last_name", "value"),
              prevent_initial_call=True)
def update_last_name(last_name):
    if not last_name:
        raise PreventUpdate
    user_data = Patch()
    user_data["last_name"] = last_name
    return user_data


add_load_data(app)
