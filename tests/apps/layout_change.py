"""A callback that changes the layout (R30), for the Chromium fidelity test and check's tests.

On load ``fill`` puts three item inputs, their echo spans and a ``note``
input with its own output into ``list``.  Then (getLayoutCallbacks on the new
chunk): each ``echo`` MATCH instance gets its initial call, its Output having
arrived; ``collect`` (an ALL Input over the items, its Output outside the
chunk) is requested as if the items had changed, although it says
prevent_initial_call; ``noted`` runs once, found by its Output (by its Input
it is not: its Output lies inside the chunk too); ``ignored``, whose Output
arrives, keeps its prevent_initial_call and does not run.  The server logs
each call (``/calls``).
"""

from dash import ALL, MATCH, Dash, Input, Output, State, dcc, html

app = Dash(__name__)
CALLS: list[str] = []

app.layout = html.Div([html.Button("Add", id="add"), html.Div(id="list"), html.Div(id="summary")])


@app.callback(Output("list", "children"), Input("add", "n_clicks"), State("list", "children"))
def fill(n, children):
    CALLS.append("fill")
    items = [html.Div([dcc.Input(id={"type": "item", "index": i}, value=f"v{i}"),
                       html.Span(id={"type": "echo", "index": i})]) for i in range(3 + (n or 0))]
    return items + [dcc.Input(id="note", value="hi"), html.Div(id="note-out"), html.Div(id="quiet")]


@app.callback(Output({"type": "echo", "index": MATCH}, "children"), Input({"type": "item", "index": MATCH}, "value"))
def echo(value):
    CALLS.append("echo")
    return f"<{value}>"


@app.callback(Output("summary", "children"), Input({"type": "item", "index": ALL}, "value"),
              prevent_initial_call=True)
def collect(values):
    CALLS.append("collect")
    return "|".join(values)


@app.callback(Output("note-out", "children"), Input("note", "value"))
def noted(value):
    CALLS.append("noted")
    return f"note={value}"


@app.callback(Output("quiet", "children"), Input("note", "value"), prevent_initial_call=True)
def ignored(value):
    CALLS.append("ignored")
    return "ran"


@app.server.route("/calls")
def calls():
    return ",".join(CALLS)
