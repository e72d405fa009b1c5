"""running= disables an html.Fieldset while "load" runs: the "edit" button inside it ignores clicks meanwhile (R26).

``DISABLE`` names what running= disables: the fieldset here; a test makes a
copy with the button itself, which the browser treats alike, and so must the
model.
"""

from dash import Dash, Input, Output, State, dcc, html

DISABLE = "fs"

app = Dash(__name__)
app.layout = html.Div([html.Button("Load", id="load"),
                       html.Fieldset([html.Legend(html.Button("Help", id="help")), html.Button("Edit", id="edit")],
                                     id="fs"),
                       dcc.Store(id="st", data={})])


@app.callback(Output("st", "data", allow_duplicate=True), Input("load", "n_clicks"), State("st", "data"),
              running=[(Output(DISABLE, "disabled"), True, False)], prevent_initial_call=True)
def load(n, st):
    return {**st, "loaded": n}


@app.callback(Output("st", "data", allow_duplicate=True), Input("edit", "n_clicks"), State("st", "data"),
              prevent_initial_call=True)
def edit(n, st):
    return {**st, "edited": n}
