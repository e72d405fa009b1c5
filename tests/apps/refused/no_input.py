from dash import Dash, Output, html

app = Dash(__name__)
app.layout = html.Div([html.Div(id="greeting")])


@app.callback(Output("greeting", "children"))
def hello():
    return "hello"
