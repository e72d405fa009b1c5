from dash import Dash, Input, dcc, html

app = Dash(__name__)
app.layout = html.Div([dcc.Input(id="name")])


@app.callback(Input("name", "value"), prevent_initial_call=True)
def log(name):
    print(name)
