"""A slow initial load of saved preferences replaces a Store while the user types a nickname (a Patch).

Chromium loses the nickname when it is typed during the load; check finds it with `during load`.
"""
import time
from dash import Dash, Input, Output, Patch, dcc, html

app = Dash(__name__)
app.layout = html.Div([
    dcc.Store(id="session", data="u42"),
    dcc.Input(id="nick"), dcc.Store(id="prefs", data={}), html.Div(id="shown"),
])

@app.callback(Output("prefs", "data"), Input("session", "data"))
def load_prefs(user):
    time.sleep(1.5)                       # slow DB
    return {"user": user, "theme": "dark", "nick": None}

@app.callback(Output("prefs", "data", allow_duplicate=True), Input("nick", "value"), prevent_initial_call=True)
def set_nick(nick):
    p = Patch()
    p["nick"] = nick
    return p

@app.callback(Output("shown", "children"), Input("prefs", "data"))
def show(p):
    return f"nick={p.get('nick')}"
