import dash
from dash import Dash, dcc, html

app = Dash(__name__, use_pages=True, pages_folder="")
dash.register_page("home", path="/", layout=html.Div("home page"))
dash.register_page("reports", path="/reports", layout=html.Div("reports page"))
app.layout = html.Div([html.Div([dcc.Link(p["name"], href=p["relative_path"]) for p in dash.page_registry.values()]),
                       dash.page_container])
