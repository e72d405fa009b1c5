"""A slow chart drawn by a background job whose progress has no default (R31), for check's story.

Switching the ticker while the first job runs supersedes its request, but its polls go on and its
progress still lands (R21, R31): "plotting AAPL" can land after "plotting MSFT" and stay, since
``progress_default=""`` is no default (Dash tests ``if progress_default``).
"""
import os
import tempfile
import time

import diskcache
from dash import Dash, DiskcacheManager, Input, Output, dcc, html

manager = DiskcacheManager(diskcache.Cache(os.path.join(tempfile.gettempdir(), "callback-race-background-apps")))
app = Dash(__name__, background_callback_manager=manager)
app.layout = html.Div([dcc.Dropdown(["AAPL", "MSFT", "GOOG"], "AAPL", id="ticker", clearable=False),
                       html.Div(id="progress", children=""), html.Div(id="chart", children="no chart")])


@app.callback(Output("chart", "children"), Input("ticker", "value"), background=True, interval=200,
              progress=Output("progress", "children"), progress_default="")
def draw_chart(set_progress, ticker):
    set_progress(f"downloading {ticker}")
    time.sleep(0.4)
    set_progress(f"plotting {ticker}")
    time.sleep(0.2)
    return f"chart of {ticker}"
