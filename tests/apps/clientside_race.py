"""A clientside writer and a server writer of one Store, each returning a full copy (R15): one loses the other's key.

``shown`` is a clientside display of the Store, for the Chromium load test.
"""

import time

from dash import Dash, Input, Output, State, dcc, html

app = Dash(__name__)
app.layout = html.Div([html.Button("Add", id="add"), dcc.Input(id="name"), dcc.Store(id="profile", data={}),
                       html.Div(id="shown")])

app.clientside_callback(
    "function (n, data) { return Object.assign({}, data, {clicks: n}); }",
    Output("profile", "data", allow_duplicate=True), Input("add", "n_clicks"), State("profile", "data"),
    prevent_initial_call=True)

app.clientside_callback(
    """function (data) {
        var ctx = window.dash_clientside.callback_context;
        return JSON.stringify([data, ctx.triggered_id === undefined, ctx.inputs_list.length, typeof Date.now()]);
    }""",
    Output("shown", "children"), Input("profile", "data"))


@app.callback(Output("profile", "data", allow_duplicate=True), Input("name", "value"), State("profile", "data"),
              prevent_initial_call=True)
def set_name(name, data):
    time.sleep(0.2)
    return {**data, "name": name}


@app.server.route("/calls")
def calls():
    return ""
