"""Callbacks answering 204, an empty 200, and 500 (R2, R18), and a Patch: the server's answers as in production."""

from dash import Dash, Input, Output, Patch, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

app = Dash(__name__)
app.layout = html.Div([dcc.Input(id="word"), dcc.Store(id="data", data={"n": 0}), html.Div(id="a"), html.Div(id="b")])


@app.callback(Output("a", "children"), Output("b", "children"), Input("word", "value"), prevent_initial_call=True)
def answer(word):
    if word == "prevent":
        raise PreventUpdate
    if word == "nothing":
        return no_update, no_update
    if word == "boom":
        raise ValueError("boom")
    return f"{word} ({ctx.triggered_id})", no_update


@app.callback(Output("data", "data"), Input("word", "value"), State("data", "data"), prevent_initial_call=True)
def count(word, data):
    data["n"] += 1            # mutates its State: the browser's copy must not change (R14)
    patch = Patch()
    patch["last"] = word
    return patch
