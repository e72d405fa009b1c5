"""A background callback (R31) that runs on page load, for the Chromium test.

``work`` runs on Dash's DiskcacheManager (a real process).  It reports
progress, then set_props ``a`` and at once ``b``: the job keeps one set_props
entry, which the second call replaces, so no poll can find ``a`` and the page
never shows it.  The answer then sets ``out``; completeJob puts ``bar`` back to
its progress default and turns ``busy`` off (running=).

Headless Chromium runs on a virtual clock that fires the poll timer at once,
so the server holds the job's first answer for half a second (``after_request``):
by then the job process has made both calls, as it has in the model, where a
job's calls at its start come before any poll.
"""
import os
import tempfile
import time

import diskcache
from dash import Dash, DiskcacheManager, Input, Output, html, set_props

manager = DiskcacheManager(diskcache.Cache(os.path.join(tempfile.gettempdir(), "callback-race-background-apps")))
app = Dash(__name__, background_callback_manager=manager)
app.layout = html.Div([html.Div("x", id="trigger"), html.Div(id="out"), html.Div(id="a"), html.Div(id="b"),
                       html.Div(id="bar"), html.Div("no", id="busy")])


@app.callback(Output("out", "children"), Input("trigger", "children"), background=True, interval=50,
              progress=Output("bar", "children"), progress_default="idle",
              running=[(Output("busy", "children"), "yes", "no")])
def work(set_progress, trigger):
    set_progress("started")
    set_props("a", {"children": "A"})
    set_props("b", {"children": "B"})   # replaces the job's set_props entry: "A" is never delivered
    return f"done {trigger}"


@app.server.after_request
def hold_the_first_answer(response):
    if b'"cacheKey"' in response.get_data() and b'"response"' not in response.get_data():
        time.sleep(0.5)
    return response


@app.server.route("/calls")
def calls():
    return "work"
