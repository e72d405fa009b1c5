"""An app that connects to its database when it is imported."""

import os

from dash import Dash, html

DATABASE_URL = os.environ["CALLBACK_RACE_TEST_DATABASE_URL"]
app = Dash(__name__)
app.layout = html.Div(DATABASE_URL)
