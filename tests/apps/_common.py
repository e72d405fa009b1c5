"""The seed's layout as an ordinary Dash app: two name inputs, the user_data Store, a load button."""

from dash import Input, Output, dcc, html
from dash.exceptions import PreventUpdate

KEYS = ("first_name", "last_name")
LOADED = ("Mickael", "Jackson")


def layout(extra=()):
    return html.Div([dcc.Input(id=k) for k in KEYS] + [dcc.Store(id="user_data", data={}),
                    html.Button("Load", id="load_data")] + list(extra))


def add_load_data(app):
    @app.callback([Output(k, "value") for k in KEYS], Input("load_data", "n_clicks"))
    def load_data(n_clicks):
        if n_clicks:
            return list(LOADED)
        raise PreventUpdate
