"""set_props puts components whose ids callbacks use into a Div (R30 by sideUpdate), for the Chromium test.

On load ``add`` set_props three components into ``box``: an input ``name``,
a Div ``inner`` (an Output of ``inner``) and a pattern-matched input.  The
renderer sets ``box.children`` and requests its listeners (``boxwatch``,
``later``), then recomputes the paths, and requests nothing else: ``seen``
and ``inner`` do not run for the arrival, and ``count`` (an ALL Input) is
not called again.  ``later`` then set_props the new inputs: now in the
paths, they fire ``seen`` and ``count``.  ``add`` also set_props ``zip``,
which its own first set_props brought: sideUpdate goes component by
component, so ``zip`` is there and ``zipped`` runs.  The server logs each call
(``/calls``; ``count`` with how many values it got).
"""
from dash import ALL, Dash, Input, Output, State, dcc, html, set_props, ctx

app = Dash(__name__, suppress_callback_exceptions=True)
CALLS = []
app.layout = html.Div([html.Button("go", id="go"), html.Div(id="box"), html.Div(id="seen"), html.Div(id="seen2"),
                       html.Div(id="count"), html.Div(id="boxwatch"), html.Div(id="zipped")])


@app.callback(Input("go", "n_clicks"))
def add(n):
    CALLS.append("add")
    set_props("box", {"children": [dcc.Input(id="name", value="x"), html.Div(id="inner"),
                                   dcc.Input(id={"t": "i", "k": 0}, value="a"), dcc.Input(id="zip")]})
    set_props("zip", {"value": "z"})   # brought by the set_props above, in the same response


@app.callback(Output("seen", "children"), Input("name", "value"))
def seen(v):
    CALLS.append("seen")
    return f"seen={v}"


@app.callback(Output("zipped", "children"), Input("zip", "value"), prevent_initial_call=True)
def zipped(v):
    CALLS.append("zipped")
    return f"zip={v}"


@app.callback(Output("inner", "children"), Input("go", "n_clicks"))
def inner(n):
    CALLS.append("inner")
    return "inner ran"


@app.callback(Output("count", "children"), Input({"t": "i", "k": ALL}, "value"))
def count(vs):
    CALLS.append(f"count:{len(vs)}")
    return f"count={len(vs)}"


@app.callback(Output("boxwatch", "children"), Input("box", "children"), prevent_initial_call=True)
def boxwatch(ch):
    CALLS.append("boxwatch")
    return "box changed"


@app.server.route("/calls")
def calls():
    return ",".join(CALLS)


@app.callback(Input("box", "children"), prevent_initial_call=True)
def later(ch):
    CALLS.append("later")
    set_props("name", {"value": "y"})
    set_props({"t": "i", "k": 0}, {"value": "b"})
