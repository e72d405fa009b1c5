"""Solution 3: one Store per key, and one callback merging them into user_data."""

from dash import Dash, Input, Output, dcc
from dash.exceptions import PreventUpdate

from _common import add_load_data, layout

app = Dash(__name__)
app.layout = layout([dcc.Store(id="user_first_name"), dcc.Store(id="user_last_name")])


@app.callback(Output("user_first_name", "data"), Input("first_name", "value"))
def update_first_name(value):
    if not value:
        raise PreventUpdate
    return value


@app.callback(Output("user_last_name", "data"), Input("last_name", "value"))
def update_last_name(value):
    if not value:
        raise PreventUpdate
    return value


@app.callback(Output("user_data", "data"), Input("user_first_name", "data"), Input("user_last_name", "data"),
              prevent_initial_call=True)
def update_user_data(first_name, last_name):
    return {"first_name": first_name, "last_name": last_name}


add_load_data(app)
