"""A dcc.Input(debounce=True) whose value and Enter count are read by two writers of one Store (from a trial).

Input.tsx sends the value only on Enter (after counting it) or on blur: every commit sets off both
writers in one pass, and one key is lost each time.  Leaving the input sends the value too (on_leave).
"""
from dash import Dash, dcc, html, Input, Output, State

app = Dash(__name__)
app.layout = html.Div([
    dcc.Input(id="q", debounce=True),
    dcc.Store(id="form", data={}),
    html.Div(id="show"),
])

@app.callback(Output("form", "data", allow_duplicate=True), Input("q", "value"), State("form", "data"),
              prevent_initial_call=True)
def on_value(v, form):
    form = dict(form or {})
    form["value"] = v
    return form

@app.callback(Output("form", "data", allow_duplicate=True), Input("q", "n_submit"), State("form", "data"),
              prevent_initial_call=True)
def on_submit(n, form):
    form = dict(form or {})
    form["submits"] = n
    return form

@app.callback(Output("show", "children"), Input("form", "data"))
def show(f):
    return str(f)


@app.callback(Output("show", "title"), Input("q", "n_blur"), State("q", "value"), prevent_initial_call=True)
def on_leave(n, v):
    return f"left with {v}"
