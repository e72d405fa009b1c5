"""Solution 2 without the triggered filter: every truthy input is written each time."""

from dash import Dash, Input, Output, State

from _common import KEYS, add_load_data, layout

app = Dash(__name__)
app.layout = layout()


@app.callback(Output("user_data", "data"), Input("first_name", "value"), Input("last_name", "value"),
              State("user_data", "data"))
def update_user_data(first_name, last_name, user_data):
    for key, value in zip(KEYS, (first_name, last_name)):
        if value:
            user_data[key] = value
    return user_data


add_load_data(app)
