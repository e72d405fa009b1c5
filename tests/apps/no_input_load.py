"""Callbacks with no Input (R28), for the Chromium fidelity test: each runs once on load, unless prevent_initial_call."""

from dash import Dash, Input, Output, State, html

app = Dash(__name__)
CALLS: list[str] = []

app.layout = html.Div([html.Div("x", id="source"), html.Div(id="greeting"), html.Div(id="late"),
                       html.Div(id="seen")])


@app.callback(Output("greeting", "children"), State("source", "children"))
def hello(source):
    CALLS.append("hello")
    return f"hello {source}"


@app.callback(Output("late", "children"), prevent_initial_call=True)
def never():
    CALLS.append("never")
    return "ran"


@app.callback(Output("seen", "children"), Input("greeting", "children"))
def seen(greeting):
    CALLS.append("seen")
    return f"seen {greeting}"


@app.server.route("/calls")
def calls():
    return ",".join(CALLS)
