"""Tabs whose content a callback renders, each tab's inputs saving into one Store (from a trial): switching tab
while the page loads merges the load's render of tab A into the user's (R7), so tab A's save never runs.
"""

from dash import Dash, Input, Output, Patch, State, dcc, html

app = Dash(__name__, suppress_callback_exceptions=True)
app.layout = html.Div([
    dcc.Tabs(id="tabs", value="a", children=[dcc.Tab(label="A", value="a"), dcc.Tab(label="B", value="b")]),
    html.Div(id="content"),
    dcc.Store(id="prefs", data={}),
])


@app.callback(Output("content", "children"), Input("tabs", "value"))
def render(tab):
    if tab == "a":
        return html.Div([dcc.Input(id="name", value="anon"), html.Div(id="name-echo")])
    return html.Div([dcc.Dropdown(id="color", options=["red", "blue"], value="red"), html.Div(id="color-echo")])


@app.callback(Output("name-echo", "children"), Input("name", "value"))
def name_echo(v):
    return f"hello {v}"


@app.callback(Output("color-echo", "children"), Input("color", "value"))
def color_echo(v):
    return f"color {v}"


@app.callback(Output("prefs", "data"), Input("name", "value"), State("prefs", "data"))
def save_name(v, prefs):
    prefs = dict(prefs or {})
    prefs["name"] = v
    return prefs


@app.callback(Output("prefs", "data", allow_duplicate=True), Input("color", "value"), State("prefs", "data"),
              prevent_initial_call=True)
def save_color(v, prefs):
    prefs = dict(prefs or {})
    prefs["color"] = v
    return prefs
