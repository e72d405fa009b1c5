"""Bad input on the command line: a clear one-line error (exit 2), user text printed verbatim, and a
clean stop on Ctrl-C / SIGTERM — never a traceback, a rewritten message or a silent wrong answer."""

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run_engine
from rich.console import Console

import cli
from simulator import Action, Dash, Input, Output, dcc, html
from simulator.report import timeline

ROOT = Path(__file__).resolve().parent.parent
FAST = ["--strategies", "naive", "--workloads", "load", "--trials", "2", "--jobs", "1", "--quiet"]


def _fails(argv, capsys) -> str:
    code = cli.main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err           # one line
    return err


# --- user text is printed verbatim (no markup, no emoji codes) ------------------------------------

@pytest.mark.parametrize("argv, shown", [
    (["report", "--strategies", "[/]", "--quiet"], "unknown strategy '[/]'"),
    (["report", "--strategies", "[bold]x", "--quiet"], "unknown strategy '[bold]x'"),
    (["sweep", "--param", "server-delay=[/]", "--quiet"], "unknown distribution '[/]'"),
    (["report", "--server-delay", "uniform:-1:5", "--quiet"], "distribution 'uniform:-1:5'"),
    (["report", "--server-delay", "uniform:a:b", "--quiet"], "distribution 'uniform:a:b'"),
], ids=["strategy-[/]", "strategy-[bold]", "sweep-[/]", "emoji-uniform:-1:5", "emoji-uniform:a:b"])
def test_user_text_in_an_error_is_printed_verbatim(argv, shown, capsys):
    assert shown in _fails(argv, capsys)


def test_a_seed_and_a_json_path_with_markup_are_printed_verbatim(tmp_path, capsys):
    (tmp_path / "a[").mkdir()
    path = tmp_path / "a[/]b.json"
    assert cli.main(["report", "--seed", "[/]", "--json", str(path), *FAST]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "seed: [/]" in out and f"wrote {path}" in out
    assert path.exists()


def test_a_timeline_whose_values_hold_markup_prints_them(capsys):
    app = Dash()
    app.layout = [dcc.Input(id="x"), html.Div(id="out")]

    @app.callback(Output("out", "children"), Input("x", "value"), prevent_initial_call=True)
    def echo(x):
        return x + " :thumbs_down:"

    run = run_engine(app, [Action({"x.value": "[/] [bold]"})])
    out = io.StringIO()
    Console(file=out, width=300).print(timeline(run))   # a library user's Console: markup and emoji on
    assert "[/] [bold] :thumbs_down:" in out.getvalue()


def test_run_with_markup_in_the_seed_prints_the_timeline(capsys):
    assert cli.main(["run", "naive", "--seed", "[/]"]) == 0
    assert "seed '[/]'" in capsys.readouterr().out


# --- unbounded or odd inputs -------------------------------------------------------------------------

@pytest.mark.parametrize("argv, says", [
    (["report", "--interval-ticks", "1000000000", "--quiet"], "interval-ticks must be between 1 and 100,000"),
    (["explore", "naive", "--max-states", str(10**18)], "--max-states must be between 1 and 100,000,000"),
    (["explore", "naive", "--max-states", "0"], "--max-states must be between 1"),
    (["report", "--json", "/proc/x.json", "--quiet"], "--json /proc/x.json: cannot write there"),
    (["run", "naive", "--plot", "x.foo"], "--plot x.foo: matplotlib cannot write .foo files"),
    (["report", "--json", "", "--quiet"], "--json: the path is empty"),
    (["report", "--csv", "", "--quiet"], "--csv: the path is empty"),
    (["graph", "naive", "--dot", ""], "--dot: the path is empty"),
    (["report", "--strategies", ",", "--quiet"], "--strategies ',': no names"),
    (["report", "--strategies", "naive,naive", "--quiet"], "'naive' is listed twice"),
    (["report", "--workloads", "load,load", "--quiet"], "'load' is listed twice"),
    (["report", "--json", "same.out", "--csv", "same.out", "--quiet"], "--json and --csv name the same file"),
    (["sweep", "--param", "keys=2", "--keys", "3", "--quiet"], "--param keys=... and --keys both set keys"),
    (["sweep", "--param", "keys=2", "--key", "3", "--quiet"], "--param keys=... and --key both set keys"),
    (["report", "--request-budget", "0", "--quiet"], "--request-budget must be >= 1, not 0"),
], ids=["interval-ticks", "max-states-huge", "max-states-0", "proc", "plot-ext", "json-empty", "csv-empty",
        "dot-empty", "strategies-comma", "strategies-twice", "workloads-twice", "same-path", "sweep-conflict",
        "sweep-conflict-prefix", "budget-0"])
def test_bad_input_is_refused_before_running_in_one_line(argv, says, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert says in _fails(argv, capsys)
    assert not any(tmp_path.iterdir())                          # nothing written, not even a probe


def test_jobs_beyond_the_cores_are_capped_with_a_note(capsys, monkeypatch):
    from simulator import montecarlo
    monkeypatch.setattr(montecarlo, "cores", lambda: 1)
    assert cli.main(["report", *FAST[:-3], "--jobs", "1000", "--quiet"]) == 0
    assert "--jobs 1000: this machine has 1 cores; using 1 worker processes" in capsys.readouterr().err


def test_a_write_error_names_the_file(capsys, monkeypatch, tmp_path):

    def full(path, *a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cli, "write_json", full)
    path = tmp_path / "r.json"
    err = _fails(["report", *FAST, "--json", str(path)], capsys)
    assert f"--json {path}: could not write it (No space left on device)" in err


# --- issue 12's traps ------------------------------------------------------------------------------

def test_report_help_shows_95_percent_once(capsys):
    with pytest.raises(SystemExit):
        cli.main(["report", "--help"])
    out = capsys.readouterr().out
    assert "95%" in out and "95%%" not in out


def test_the_settings_line_uses_words_and_units(capsys):
    assert cli.main(["report", *FAST]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "bandwidth_bytes_per_ms" not in out and "server_delay" not in out
    assert "bandwidth: unlimited" in out and "server delay (ms): uniform:0:300" in out


def test_run_plot_without_matplotlib_prints_the_run_then_the_hint(capsys, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib", None)            # import matplotlib -> ImportError
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    assert cli.main(["run", "naive", "--plot", str(tmp_path / "run.png")]) == 2
    captured = capsys.readouterr()
    assert "dispatched" in captured.out and "DIVERGED" in captured.out
    assert '[plot]' in captured.err and 'pip install ".[plot]"' in captured.err


def test_graph_text_is_the_same_whatever_the_hash_seed():
    outs = {subprocess.run([sys.executable, "cli.py", "graph", "circular", "--keys", "8"], cwd=ROOT, text=True,
                           capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
            for seed in ("1", "2", "3")}
    assert len(outs) == 1 and "loops:" in outs.pop()


def test_monte_carlo_from_a_script_without_a_main_guard_stops_at_once_saying_what_to_add(tmp_path):
    script = tmp_path / "unguarded.py"
    script.write_text(f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nimport scenarios\n"
                      "from simulator.montecarlo import monte_carlo\n"
                      "monte_carlo(scenarios.cells(['naive'], ['load']), 400, jobs=2)\n")
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, text=True, capture_output=True,
                          timeout=120)
    assert proc.returncode != 0
    assert 'if __name__ == "__main__":' in proc.stderr


# --- stopping ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("signum, code, says", [(signal.SIGINT, 130, "interrupted (Ctrl-C)"),
                                                (signal.SIGTERM, 143, "terminated (SIGTERM)")],
                         ids=["ctrl-c", "sigterm"])
def test_a_signal_stops_the_report_in_one_line_with_no_orphans(signum, code, says):
    proc = subprocess.Popen([sys.executable, "cli.py", "report", "--trials", "100000", "--jobs", "2", "--quiet"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    assert "callback-race report" in proc.stdout.readline()          # started: the header is printed
    deadline = time.monotonic() + 60
    while len(_children(proc.pid)) < 2 and time.monotonic() < deadline:  # the workers are up
        time.sleep(0.1)
    os.killpg(proc.pid, signum)                                      # what a terminal / supervisor does
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code
    assert says in err and "Traceback" not in err and "leaked" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert _group_gone(proc.pid), _group(proc.pid)                  # no process of the group is left


def _group(pgid: int) -> list[str]:
    out = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and os.getpgid(int(entry.name)) == pgid:
                out.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except OSError:
            pass
    return out


def _group_gone(pgid: int) -> bool:
    """The group empties once multiprocessing's resource tracker has seen its parent go (a moment)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().split(")")[1].split()[1]) == pid:
                    out.append(int(entry.name))
            except (OSError, IndexError):
                pass
    return out
