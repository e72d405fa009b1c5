"""Callbacks whose ALL Output matches no id, or one of several Outputs, for the Chromium test (R25/R30, pruneCallbacks).

The requested observer drops a request none of whose Outputs resolve:
``only_all`` (one ALL Output, no ``row`` on the page), requested when ``kick``'s
answer lands, never runs, so its set_props never lands.  ``mixed`` has an ALL Output matching one ``cell`` beside
``log2``: two declared, two resolved, it runs as any callback.  The server logs
each call (``/calls``).
"""
from dash import ALL, Dash, Input, Output, html, set_props

app = Dash(__name__)
CALLS = []
app.layout = html.Div([html.Div("x", id="trigger"), html.Div(id="kicked"), html.Div(id="log"), html.Div(id="log2"),
                       html.Div([html.Div(id={"type": "cell", "index": 0})], id="cells")])


@app.callback(Output("kicked", "children"), Input("trigger", "children"))
def kick(x):
    CALLS.append("kick")
    return "kicked"


@app.callback(Output({"type": "row", "index": ALL}, "children"), Input("kicked", "children"),
              prevent_initial_call=True)
def only_all(x):
    CALLS.append("only_all")
    set_props("log", {"children": "only_all ran"})
    return []


@app.callback(Output({"type": "cell", "index": ALL}, "children"), Output("log2", "children"),
              Input("trigger", "children"))
def mixed(x):
    CALLS.append("mixed")
    return [["c"]], "mixed ran"


@app.server.route("/calls")
def calls():
    return ",".join(CALLS)
