"""As naive, but each key's callback takes Input(user_data) instead of the State."""

from dash import Dash, Input, Output
from dash.exceptions import PreventUpdate

from _common import add_load_data, layout

app = Dash(__name__)
app.layout = layout()


@app.callback(Output("user_data", "data", allow_duplicate=True), Input("first_name", "value"),
              Input("user_data", "data"), prevent_initial_call=True)
def update_first_name(first_name, user_data):
    if not first_name:
        raise PreventUpdate
    user_data["first_name"] = first_name
    return user_data


@app.callback(Output("user_data", "data", allow_duplicate=True), Input("last_name", "value"),
              Input("user_data", "data"), prevent_initial_call=True)
def update_last_name(last_name, user_data):
    if not last_name:
        raise PreventUpdate
    user_data["last_name"] = last_name
    return user_data


add_load_data(app)
