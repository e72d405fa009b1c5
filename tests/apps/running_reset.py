"""Two read-modify-write writers of one Store; one button is disabled while it runs and resets its n_clicks.

A click on "other" while "add" is out loses "add"'s entry. Afterwards the page
looks exactly as if the click on "add" had met a disabled button (its n_clicks
back at 0, the log without "add"): only the run knows the click happened, so
check must not accept "the click never happened" as an explanation (R26).
"""

from dash import Dash, Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

app = Dash(__name__)
app.layout = html.Div([html.Button("Add", id="add", n_clicks=0, disabled=False), html.Button("Other", id="other", n_clicks=0),
                       dcc.Store(id="log", data=[])])


@app.callback(Output("log", "data", allow_duplicate=True), Output("add", "n_clicks"), Input("add", "n_clicks"),
              State("log", "data"), running=[(Output("add", "disabled"), True, False)], prevent_initial_call=True)
def add(n, log):
    if not n:
        raise PreventUpdate
    return log + ["add"], 0


@app.callback(Output("log", "data", allow_duplicate=True), Input("other", "n_clicks"), State("log", "data"),
              prevent_initial_call=True)
def other(n, log):
    return log + ["other"]
