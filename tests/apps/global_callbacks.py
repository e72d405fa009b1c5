"""Callbacks registered with dash.callback (process-global), one with prevent_initial_call="initial_duplicate"."""

from dash import Dash, Input, Output, Patch, callback, dcc, html

app = Dash(__name__)
app.layout = html.Div([dcc.Input(id="tag", value="start"), dcc.Store(id="tags", data={})])


@callback(Output("tags", "data", allow_duplicate=True), Input("tag", "value"),
          prevent_initial_call="initial_duplicate")
def add_tag(tag):
    patch = Patch()
    patch[tag or "none"] = True
    return patch
