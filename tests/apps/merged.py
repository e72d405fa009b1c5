"""Solution 2: one callback with every key as an Input, writing only what ctx says triggered it."""

from dash import Dash, Input, Output, State, ctx

from _common import KEYS, add_load_data, layout

app = Dash(__name__)
app.layout = layout()


@app.callback(Output("user_data", "data"), Input("first_name", "value"), Input("last_name", "value"),
              State("user_data", "data"))
def update_user_data(first_name, last_name, user_data):
    triggered = set(ctx.triggered_prop_ids.values())
    for key, value in zip(KEYS, (first_name, last_name)):
        if key in triggered and value:
            user_data[key] = value
    return user_data


add_load_data(app)
