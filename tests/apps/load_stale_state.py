"""On load ``init`` set_props a Store that ``show``, another initial call, reads as State.

Both initial calls go out in the page's first pass (R20), so ``show`` always
reads the Store as it was: a browser always shows ``cfg=default``, where a
serial run (``init``, then ``show``) shows ``cfg=loaded``.  The fix: make
the Store an Input of ``show``, which then runs again once ``init`` wrote it.
"""
from dash import Dash, Input, Output, State, dcc, html, set_props

app = Dash(__name__)
app.layout = html.Div([dcc.Store(id="cfg", data="default"), html.Div(id="trigger", children="x"),
                       html.Div(id="out")])


@app.callback(Input("trigger", "children"))
def init(_):
    set_props("cfg", {"data": "loaded"})


@app.callback(Output("out", "children"), Input("trigger", "children"), State("cfg", "data"))
def show(_, cfg):
    return f"cfg={cfg}"
