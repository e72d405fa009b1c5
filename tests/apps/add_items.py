"""An "add item" button that rebuilds its list from its own State (R30): two quick clicks lose an item.

``add`` reads ``items.children`` as State and returns it with one more input;
``collect`` gathers every item's value (an ALL Input) into a Store.  A click
whose request leaves before the previous one's answer is applied reads the
old list: the earlier item never appears, and the Store misses its value.
"""

from dash import ALL, Dash, Input, Output, State, dcc, html

app = Dash(__name__)
app.layout = html.Div([html.Button("Add", id="add"), html.Div([], id="items"), dcc.Store(id="store", data=[])])


@app.callback(Output("items", "children"), Input("add", "n_clicks"), State("items", "children"),
              prevent_initial_call=True)
def add(n, children):
    return (children or []) + [dcc.Input(id={"type": "item", "index": n}, value=f"item {n}")]


@app.callback(Output("store", "data"), Input({"type": "item", "index": ALL}, "value"))
def collect(values):
    return values
