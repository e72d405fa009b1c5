"""A callback that keeps state in its module: the same payload answers differently each time."""

from dash import Dash, Input, Output, dcc, html

app = Dash(__name__)
app.layout = html.Div([dcc.Input(id="word"), html.Div(id="count")])
SEEN = []


@app.callback(Output("count", "children"), Input("word", "value"), prevent_initial_call=True)
def count(word):
    SEEN.append(word)
    return len(SEEN)
