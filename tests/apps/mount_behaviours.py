"""Components that set their own props on mount (R22), for the Chromium fidelity test.

The server keeps a log of every callback call (``/calls``), so a test can
compare what a real browser ran on load with what ``check`` models.
"""

from dash import Dash, Input, Output, State, dcc, html

app = Dash(__name__)
CALLS: list[str] = []

app.layout = html.Div([
    dcc.Location(id="url"),
    dcc.Store(id="full", data={"a": 1}),
    dcc.Store(id="empty"),
    dcc.Tabs(id="tabs", children=[dcc.Tab(label="One", value="first"), dcc.Tab(label="Two", value="second")]),
    html.Div(id="page"), html.Div(id="page_late"), html.Div(id="address"), html.Div(id="stamped"),
    html.Div(id="empty_stamp"), html.Div(id="tab"),
])


@app.callback(Output("page", "children"), Input("url", "pathname"), State("url", "search"))
def page(pathname, search):
    CALLS.append("page")
    return f"path={pathname} search={search}"


@app.callback(Output("page_late", "children"), Input("url", "pathname"), prevent_initial_call=True)
def page_late(pathname):
    CALLS.append("page_late")
    return f"late path={pathname}"


@app.callback(Output("address", "children"), Input("url", "href"), Input("url", "hash"))
def address(href, hash_):
    CALLS.append("address")
    return f"href={href} hash={hash_}"


@app.callback(Output("stamped", "children"), Input("full", "modified_timestamp"), prevent_initial_call=True)
def stamped(ts):
    CALLS.append("stamped")
    return f"stamped={ts is not None}"


@app.callback(Output("empty_stamp", "children"), Input("empty", "modified_timestamp"))
def empty_stamp(ts):
    CALLS.append("empty_stamp")
    return f"empty stamp={ts!r}"


@app.callback(Output("tab", "children"), Input("tabs", "value"))
def tab(value):
    CALLS.append("tab")
    return f"tab={value}"


@app.server.route("/calls")
def calls():
    return ",".join(CALLS)
