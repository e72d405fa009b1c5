"""A form validator that raises on some input (from a trial): the newest request raised, so the value the
request it superseded would have shown never appears.
"""
from dash import Dash, dcc, html, Input, Output, State, no_update
from dash.exceptions import PreventUpdate

app = Dash(__name__)
app.layout = html.Div([
    dcc.Input(id="age", type="text", value=""),
    dcc.Store(id="valid_age"),
    html.Div(id="msg"),
])

@app.callback(Output("valid_age", "data"), Output("msg", "children"), Input("age", "value"),
              prevent_initial_call=True)
def validate(v):
    if not v:
        raise PreventUpdate
    if v.endswith("-2"):
        return no_update, "ignored"
    if v.endswith("-3"):
        raise ValueError("bad age")
    return v, f"ok {v}"
