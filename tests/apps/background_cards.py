"""Cards that each load their figure in a background job on page load (MATCH, R25/R31).

Every card's job runs on the same arguments (its Refresh button's n_clicks, None on load), and Dash keys
a job's cache entries by its function and arguments: the jobs share one result entry, so a poll may find
another card's result, or none (its own overwritten or taken): cards stay "loading..." or show another's
figure.  ``background_cards_fixed.py`` adds the card's id as a State, so the arguments differ.
"""
import os
import tempfile
import time

import diskcache
from dash import MATCH, Dash, DiskcacheManager, Input, Output, State, ctx, html

KPIS = ("revenue", "churn", "signups")


def build(with_id: bool = False) -> Dash:
    manager = DiskcacheManager(diskcache.Cache(os.path.join(tempfile.gettempdir(), "callback-race-background-apps")))
    app = Dash(__name__, background_callback_manager=manager)
    app.layout = html.Div([html.Div([html.Button("Refresh", id={"type": "refresh", "index": kpi}),
                                     html.Div("loading...", id={"type": "kpi", "index": kpi})]) for kpi in KPIS])
    extra = [State({"type": "kpi", "index": MATCH}, "id")] if with_id else []

    @app.callback(Output({"type": "kpi", "index": MATCH}, "children"),
                  Input({"type": "refresh", "index": MATCH}, "n_clicks"), *extra, background=True, interval=200)
    def load_kpi(n, *card):
        time.sleep(0.3)
        return f"{ctx.outputs_list['id']['index']}: figure (refresh {n or 0})"
    return app


app = build()
