"""Loading a real app: what the renderer receives, bad input as one-line errors, refusals, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import APPS, ROOT
from simulator.dashapp.check import Options, check
from simulator.dashapp.errors import CheckError, Unsupported
from simulator.dashapp.load import load

pytest.importorskip("dash")


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


BAD_INPUT = [
    ("tests/apps/does_not_exist.py", "tests/apps/does_not_exist.py: no such file"),
    ("tests/apps/broken/raises.py", "importing it raised RuntimeError: configuration file settings.toml not found"),
    ("tests/apps/broken/no_app.py", "no Dash app in it"),
    ("tests/apps/broken/needs_database.py", "importing it raised KeyError: 'CALLBACK_RACE_TEST_DATABASE_URL'"),
    ("tests/apps/naive.py:nope", "the module has no attribute 'nope'"),
]


@pytest.mark.parametrize("target,message", BAD_INPUT)
def test_bad_input_is_a_one_line_error(target, message):
    with pytest.raises(CheckError) as error:
        check(str(ROOT / target), Options(trials=1), in_process=True)
    assert message.split(": ", 1)[-1] in str(error.value) and "\n" not in str(error.value)


@pytest.mark.parametrize("target,message", BAD_INPUT[:2])
def test_the_cli_prints_bad_input_as_one_line_without_traceback(target, message):
    done = _cli("check", target, "--trials", "1")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and lines[0].startswith("error:")
    assert "Traceback" not in done.stderr + done.stdout


@pytest.mark.parametrize("app,feature", [
    ("refused/pattern_matching.py", r"callback join: Input 0 .*: MATCH in an Input of a callback whose Outputs have "
                                    r"no MATCH .* is not modelled \(.*pattern_matching.py:\d+\)"),
    ("refused/dash_pages.py", r"the app uses Dash Pages \(use_pages=True\)"),
])
def test_unmodelled_features_are_refused_naming_the_callback(app, feature):
    with pytest.raises(Unsupported, match=feature):
        check(str(APPS / app), Options(trials=2, workloads=("alone",)), in_process=True)


def test_same_output_id_is_refused(tmp_path):
    app = tmp_path / "twins.py"
    app.write_text(
        "from dash import Dash, Input, Output, dcc, html\n"
        "app = Dash(__name__)\n"
        "app.layout = html.Div([dcc.Input(id='a'), dcc.Store(id='s')])\n"
        "@app.callback(Output('s', 'data', allow_duplicate=True), Input('a', 'value'), prevent_initial_call=True)\n"
        "def one(a):\n    return 1\n"
        "@app.callback(Output('s', 'data', allow_duplicate=True), Input('a', 'value'), prevent_initial_call=True)\n"
        "def two(a):\n    return 2\n")
    with pytest.raises(Unsupported, match="server keeps only two"):
        check(str(app), Options(trials=1), in_process=True)


def test_reads_what_the_renderer_receives_in_a_process_of_its_own():
    # dash.callback registers in a process-global map: the target is imported in a fresh process.
    spec = load(str(APPS / "global_callbacks.py"))
    dep, = spec.dependencies
    assert dep["output"].startswith("tags.data@")            # R11
    assert dep["prevent_initial_call"] is False               # initial_duplicate: it runs on page load
    result = check(str(APPS / "global_callbacks.py"), Options(trials=5))
    at_load, alone, typing, during = result.workloads
    assert during.name == "during load tag.value"
    assert at_load.name == "load"
    assert (alone.name, alone.proof) == ("alone tag.value", "proved safe")
    # Each keystroke's Patch adds a tag; a superseded keystroke's tag is never added.
    assert typing.name == "typing tag.value" and typing.proof == "diverges"


def test_module_attr_target(monkeypatch):
    monkeypatch.syspath_prepend(str(APPS))
    spec = load("merged_unfiltered:app")
    assert {d["output"] for d in spec.dependencies} == {"user_data.data", "..first_name.value...last_name.value.."}


def test_cli_check_exit_status_and_json(tmp_path):
    out = tmp_path / "naive.json"
    done = _cli("check", "tests/apps/naive.py", "--trials", "20", "--workloads", "alone load_data", "--json", str(out))
    assert done.returncode == 1, done.stderr                 # something diverges: non-zero for CI
    assert "user_data.data can lose updates" in done.stdout and "fix" in done.stdout
    record = json.loads(out.read_text())
    prop = record["props"]["user_data.data"]
    assert record["diverges"] and prop["anomaly"].startswith("lost update by read-modify-write")
    assert prop["workloads"][0]["explorer"] == "diverges" and prop["shortest_schedule"]["timeline"]
    safe = _cli("check", "tests/apps/patch.py", "--trials", "20", "--workloads", "alone load_data,interleave first")
    assert safe.returncode == 0, safe.stdout + safe.stderr
    assert "no divergence found" in safe.stdout


def test_impure_answers_every_request_again():
    from simulator.dashapp.convert import convert
    conv = convert(load(str(APPS / "impure_counter.py")), impure=True)
    cb, = conv.callbacks
    first, second = (cb.execute(["x"], ("word.value",)) for _ in range(2))
    assert (first.outputs["count.children"], second.outputs["count.children"]) == (1, 2)
    assert not conv.server.memo
    result = check(str(APPS / "impure_counter.py"), Options(trials=3, impure=True, workloads=("alone",)),
                   in_process=True)
    assert [w.name for w in result.workloads] == ["alone word.value"]


def test_values_file(tmp_path):
    values = tmp_path / "values.json"
    values.write_text(json.dumps({"first_name.value": ["Ann", "Bob"]}))
    result = check(str(APPS / "patch.py"), Options(trials=2, values=str(values), workloads=("alone first",)),
                   in_process=True)
    assert result.workloads[0].actions == "first_name.value = 'Ann'"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"nowhere.value": [1]}))
    with pytest.raises(CheckError, match="'nowhere.value' is not a prop of the app's layout"):
        check(str(APPS / "patch.py"), Options(trials=2, values=str(bad)), in_process=True)


def test_same_arguments_same_report_in_any_process():
    from simulator.dashapp.report import record
    options = Options(trials=15, seed=7, workloads=("interleave first_name.value,last",))
    here = record(check(str(APPS / "merged.py"), options, in_process=True))
    there = record(check(str(APPS / "merged.py"), options))
    assert json.dumps(here, sort_keys=True, default=repr) == json.dumps(there, sort_keys=True, default=repr)
    assert here["diverges"]


def test_an_app_that_runs_its_server_at_import_is_still_loaded(tmp_path):
    app = tmp_path / "runs.py"
    app.write_text("from dash import Dash, html\napp = Dash(__name__)\napp.layout = html.Div(id='x')\n"
                   "app.run(debug=True)\n")
    spec = load(str(app))                   # returns instead of serving forever
    assert spec.layout["props"]["id"] == "x"


WEBSOCKET_APP = ("from dash import Dash, Input, Output, dcc, html\n"
                 "app = Dash(__name__)\n"
                 "app.backend.websocket_capability = True   # as a FastAPI or Quart backend has\n"
                 "app._websocket_callbacks = {everywhere}\n"
                 "app.layout = html.Div([dcc.Input(id='a'), html.Div(id='x'), html.Div(id='y')])\n"
                 "@app.callback(Output('x', 'children'), Input('a', 'value'), websocket={flagged})\n"
                 "def one(a):\n    return a\n"
                 "@app.callback(Output('y', 'children'), Input('a', 'value'))\n"
                 "def two(a):\n    return a\n")


@pytest.mark.parametrize("everywhere, flagged, transport, refusal", [
    (True, False, "http1", "check it with --transport websocket, not http1"),
    (True, False, "websocket", None),
    (False, True, "http1", "callbacks one go over the WebSocket .* while two go over HTTP"),
    (False, False, "websocket", "--transport websocket, but the app sends its callbacks over HTTP"),
    (False, False, "http1", None),
])
def test_the_transport_dash_picks_for_the_callbacks_is_the_one_checked(tmp_path, everywhere, flagged, transport,
                                                                       refusal):
    from simulator import Config
    app = tmp_path / "ws.py"
    app.write_text(WEBSOCKET_APP.format(everywhere=everywhere, flagged=flagged))
    options = Options(trials=1, config=Config(transport=transport))
    if refusal is None:
        assert check(str(app), options, in_process=True) is not None
    else:
        with pytest.raises(Unsupported, match=refusal):
            check(str(app), options, in_process=True)


def test_runs_that_never_settle_are_left_out_of_the_rate_as_of_its_interval_and_named(capsys):
    """A trial saw '69/100 69.0%' beside a 95 % interval of 67.8-85.0 %: the interval was over the
    runs that finished, the rate over all of them."""
    from rich.console import Console
    from simulator.dashapp.check import Options, check
    from simulator.dashapp.report import print_report
    from simulator.metrics import wilson
    result = check(str(APPS / "input_store_cycle.py"), Options(trials=40), in_process=True)
    typing = [w for w in result.workloads if w.name == "typing name.value"][0]
    assert typing.unsettled > 0 and typing.finished == typing.trials - typing.unsettled - typing.runaway
    assert typing.rate == typing.diverged / typing.finished and typing.ci == wilson(typing.diverged, typing.finished)
    print_report(result, Console(width=400))
    out = capsys.readouterr().out
    assert f"{typing.diverged}/{typing.finished} " in out
    assert f"typing name.value {typing.cut_off} of {typing.trials} ({typing.unsettled} never settled)" in out
