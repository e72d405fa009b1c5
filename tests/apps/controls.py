"""Every kind of control a workload knows how to change, feeding one summary."""

from dash import Dash, Input, Output, dcc, html

app = Dash(__name__)
app.layout = html.Div([
    dcc.Location(id="url"),
    dcc.Dropdown(id="fruit", options=["apple", "pear", "plum"], value="apple"),
    dcc.Dropdown(id="tags", options=[{"label": "A", "value": "a"}, {"label": "B", "value": "b"}], multi=True),
    dcc.RadioItems(id="size", options={"s": "Small", "l": "Large"}, value="s"),
    dcc.Checklist(id="extras", options=["salt", "pepper"], value=[]),
    dcc.Slider(0, 10, 1, id="level", value=5),
    dcc.RangeSlider(0, 100, id="span"),
    dcc.Input(id="qty", type="number", value=1),
    html.Div(id="summary"),
])


@app.callback(Output("summary", "children"),
              Input("url", "pathname"), Input("fruit", "value"), Input("tags", "value"), Input("size", "value"),
              Input("extras", "value"), Input("level", "value"), Input("span", "value"), Input("qty", "value"))
def summarise(*values):
    return " / ".join(str(v) for v in values)
