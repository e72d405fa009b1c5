"""A slow save reads the Store as State and writes a copy back with set_props (R21).

While it runs on the server the user types a name, which a Patch writes into
the Store; when the slow response arrives its side update replaces the
Store with the stale copy, and the name is lost. Run it with the save slowed
down: ``--server-delay save_all=fixed:300``.
"""

from dash import Dash, Input, Output, Patch, State, dcc, html, set_props
from dash.exceptions import PreventUpdate

app = Dash(__name__)
app.layout = html.Div([dcc.Input(id="first_name"), html.Button("Save", id="save"), html.Div(id="status"),
                       dcc.Store(id="user_data", data={})])


@app.callback(Output("status", "children"), Input("save", "n_clicks"), State("user_data", "data"),
              prevent_initial_call=True)
def save_all(n_clicks, user_data):
    set_props("user_data", {"data": {**user_data, "saves": n_clicks}})
    return f"saved {n_clicks}"


@app.callback(Output("user_data", "data", allow_duplicate=True), Input("first_name", "value"),
              prevent_initial_call=True)
def update_first_name(first_name):
    if not first_name:
        raise PreventUpdate
    patch = Patch()
    patch["first_name"] = first_name
    return patch
