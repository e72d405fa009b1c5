"""No-output callbacks append to a log Store with set_props(Patch) (from a trial): requests merged (R7) carry
only the newest Patch.
"""
from dash import Dash, dcc, html, Input, Output, State, Patch, set_props

app = Dash(__name__)
app.layout = html.Div([
    dcc.RadioItems(id="mode", options=["a", "b", "c"], value="a"),
    dcc.Checklist(id="flags", options=["x", "y"], value=[]),
    dcc.Store(id="log", data={"events": []}),
    html.Div(id="show"),
])

@app.callback(Input("mode", "value"), prevent_initial_call=True)
def log_mode(m):
    p = Patch()
    p["events"].append(f"mode={m}")
    set_props("log", {"data": p})

@app.callback(Input("flags", "value"), prevent_initial_call=True)
def log_flags(f):
    p = Patch()
    p["events"].append(f"flags={','.join(f)}")
    set_props("log", {"data": p})

@app.callback(Output("show", "children"), Input("log", "data"))
def show(log):
    return " | ".join(log["events"])
