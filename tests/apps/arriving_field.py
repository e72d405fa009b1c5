"""A name field a click brings (suppress_callback_exceptions) and a city field on the first page, both
read-modify-writing one Store (from a trial): the race is between an input that arrives and one that was
there, so check must pair them."""

from dash import Dash, Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

app = Dash(__name__, suppress_callback_exceptions=True)
app.layout = html.Div([html.Button("Show", id="show"), html.Div(id="content"),
                       dcc.Input(id="city"), dcc.Store(id="user", data={})])


@app.callback(Output("content", "children"), Input("show", "n_clicks"), prevent_initial_call=True)
def show(n):
    return dcc.Input(id="name")


@app.callback(Output("user", "data", allow_duplicate=True), Input("name", "value"), State("user", "data"),
              prevent_initial_call=True)
def set_name(v, d):
    if not v:
        raise PreventUpdate
    return {**d, "name": v}


@app.callback(Output("user", "data", allow_duplicate=True), Input("city", "value"), State("user", "data"),
              prevent_initial_call=True)
def set_city(v, d):
    if not v:
        raise PreventUpdate
    return {**d, "city": v}
