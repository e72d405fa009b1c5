"""One callback echoes two inputs into two outputs, and answers no_update for the one that did not trigger it."""

from dash import Dash, Input, Output, ctx, dcc, html, no_update

app = Dash(__name__)
app.layout = html.Div([dcc.Input(id="city"), dcc.Input(id="country"), html.Div(id="city_label"),
                       html.Div(id="country_label")])


@app.callback(Output("city_label", "children"), Output("country_label", "children"),
              Input("city", "value"), Input("country", "value"), prevent_initial_call=True)
def labels(city, country):
    if ctx.triggered_id == "city":
        return f"City: {city}", no_update
    return no_update, f"Country: {country}"
