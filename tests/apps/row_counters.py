"""Rows an "Add" button brings, each with a +1 button counted into one Store from its own State (R30).

The race is only in what the user does to the rows: quick clicks on one +1 button supersede each other's
requests (R8), and an increment read from the old Store is lost.  check must play clicks on the rows,
which are not on the page as it loads.
"""

from dash import ALL, Dash, Input, Output, State, ctx, dcc, html

app = Dash(__name__)
app.layout = html.Div([html.Button("Add", id="add"), html.Div(id="rows"), dcc.Store(id="totals", data={})])


@app.callback(Output("rows", "children"), Input("add", "n_clicks"), prevent_initial_call=True)
def add(n):
    return [html.Button(f"+1 row {i}", id={"type": "inc", "index": i}) for i in range(n)]


@app.callback(Output("totals", "data"), Input({"type": "inc", "index": ALL}, "n_clicks"), State("totals", "data"),
              prevent_initial_call=True)
def count(clicks, totals):
    totals = dict(totals or {})
    if ctx.triggered_id is not None and any(clicks):
        key = str(ctx.triggered_id["index"])
        totals[key] = totals.get(key, 0) + 1
    return totals
