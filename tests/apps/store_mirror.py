"""A Store mirrored through its modified_timestamp (from a trial): safe when every round trip takes a millisecond or more.

Two writes of draft in one millisecond would give one timestamp (R4) and leave mirror stale, but under
check's default laws (network 5-25 ms each way) the writes are a round trip apart.
"""
from dash import Dash, dcc, html, Input, Output, State

app = Dash(__name__)
app.layout = html.Div([
    dcc.Input(id="note", value="hello"),
    dcc.Store(id="draft", data={"note": "hello"}),
    dcc.Store(id="mirror"),
    html.Div(id="show"),
])

@app.callback(Output("draft", "data"), Input("note", "value"), prevent_initial_call=True)
def save_draft(v):
    return {"note": v}

@app.callback(Output("mirror", "data"), Input("draft", "modified_timestamp"), State("draft", "data"))
def mirror(ts, d):
    return d

@app.callback(Output("show", "children"), Input("mirror", "data"))
def show(m):
    return (m or {}).get("note")
