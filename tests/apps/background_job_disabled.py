"""background_job.py with the fix check names: the button is disabled while the job runs (running=, R26).

A second click cannot happen while a job runs, so no job is outdated (R31).
"""
from background_job import build
from dash import Output

app = build(running=[(Output("go", "disabled"), True, False)])
