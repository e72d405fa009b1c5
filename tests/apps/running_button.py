"""A button disabled while its callback runs (running=, R26): clicks meanwhile are dropped, and check proves it safe."""

from dash import Dash, Input, Output, html

app = Dash(__name__)
app.layout = html.Div([html.Button("Go", id="go"), html.Div(id="out")])


@app.callback(Output("out", "children"), Input("go", "n_clicks"), running=[(Output("go", "disabled"), True, False)],
              prevent_initial_call=True)
def work(n):
    return str(n)
