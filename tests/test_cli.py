"""The command line: a thin shell whose output users and scripts rely on."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

import cli

ROOT = Path(__file__).resolve().parent.parent
REQUIRED = {"strategy", "workload", "trials", "diverged", "rate", "ci_low", "ci_high", "mean_requests",
            "mean_ignored", "mean_settle_ms", "mean_bytes_up", "mean_bytes_down"}


def test_report_json_is_valid_and_complete(tmp_path, capsys):
    out = tmp_path / "report.json"
    code = cli.main(["report", "--strategies", "naive,patch", "--workloads", "load,interleave",
                     "--trials", "30", "--jobs", "1", "--quiet", "--json", str(out)])
    assert code == 0
    data = json.loads(out.read_text())
    assert data["settings"]["trials"] == 30 and data["settings"]["client_overhead"]
    rows = data["results"]
    assert [(r["strategy"], r["workload"]) for r in rows] == [
        ("naive", "load"), ("naive", "interleave"), ("patch", "load"), ("patch", "interleave")]
    for row in rows:
        assert REQUIRED <= set(row)
        assert row["trials"] == 30
        assert 0 <= row["ci_low"] <= row["rate"] <= row["ci_high"] <= 1
    assert rows[0]["diverged"] == 30 and rows[2]["diverged"] == 0
    assert "naive" in capsys.readouterr().out


def test_report_csv_has_a_row_per_cell(tmp_path):
    out = tmp_path / "report.csv"
    assert cli.main(["report", "--strategies", "merged", "--workloads", "load,storm,interval",
                     "--trials", "5", "--jobs", "1", "--quiet", "--csv", str(out)]) == 0
    lines = out.read_text().strip().splitlines()
    assert lines[0].startswith("strategy,workload,trials,diverged,rate")
    assert len(lines) == 4


def test_report_is_identical_whatever_the_number_of_jobs(tmp_path):
    paths = []
    for jobs in ("1", "2"):
        path = tmp_path / f"r{jobs}.json"
        cli.main(["report", "--strategies", "naive,merged", "--workloads", "interleave", "--trials", "450",
                  "--jobs", jobs, "--quiet", "--json", str(path)])
        paths.append(path.read_text())
    assert paths[0] == paths[1]


@pytest.mark.parametrize("argv,message", [
    (["report", "--strategies", "nope"], "unknown strategy 'nope'"),
    (["report", "--workloads", "load,bogus"], "unknown workload 'bogus'"),
    (["report", "--server-delay", "gauss:1:2"], "unknown distribution 'gauss:1:2'"),
    (["report", "--network", "uniform:9:1"], "HIGH must be >= LOW"),
    (["report", "--trials", "0"], "--trials must be >= 1"),
    (["report", "--keys", "12"], "--keys must be between 1 and 8"),
    (["run", "naive", "--workload", "nope"], "unknown workload 'nope'"),
    (["report", "--server", "gunicorn:0"], "unknown server 'gunicorn:0'"),
    (["report", "--bandwidth", "fast"], "bandwidth 'fast'"),
    (["report", "--bandwidth", ".mbit"], "bandwidth '.mbit'"),
    (["report", "--interleave-window", "nan"], "interleave-window must be a finite number >= 0"),
    (["report", "--jobs", "0"], "jobs must be >= 1"),
    (["report", "--json", "/no/such/folder/r.json"], "the folder /no/such/folder does not exist"),
    (["run", "naive", "--server-delay", "empirical:/bin/sh"], "is not a text file of numbers"),
])
def test_bad_input_is_a_clear_error_not_a_traceback(argv, message, capsys):
    assert cli.main(argv + ["--quiet"] if argv[0] == "report" else argv) == 2
    err = capsys.readouterr().err
    assert message in " ".join(err.split())
    assert "Traceback" not in err


def test_run_prints_a_timeline_and_the_verdict(capsys):
    assert cli.main(["run", "naive", "--workload", "load", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "dispatched" in out and "applied" in out
    assert "DIVERGED at quiescence" in out


def test_run_fail_on_diverge_sets_the_exit_code():
    assert cli.main(["run", "naive", "--seed", "1", "--fail-on-diverge"]) == 1
    assert cli.main(["run", "patch", "--seed", "1", "--fail-on-diverge"]) == 0


def test_graph_shows_the_r11_suffix_and_writes_dot(tmp_path, capsys):
    dot = tmp_path / "g.dot"
    assert cli.main(["graph", "chained_modified_timestamp", "--dot", str(dot)]) == 0
    out = capsys.readouterr().out
    assert "allow_duplicate: sent as user_data.data@" in out
    assert "user_data.modified_timestamp (set by the Store itself, R4 equal is no change)\n  triggers update_last_name" in out
    assert dot.read_text().startswith("digraph callbacks {")


def test_list_names_every_strategy_and_workload(capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    for name in ("naive", "circular", "chained", "chained_modified_timestamp", "merged", "merged_unfiltered",
                 "intermediary_stores", "patch", "load", "interleave", "typing", "storm", "interval"):
        assert name in out


def test_python_cli_py_runs_as_a_script():
    proc = subprocess.run([sys.executable, "cli.py", "run", "bogus"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 2
    assert "unknown strategy 'bogus'" in proc.stderr and "Traceback" not in proc.stderr


def test_heavy_tails_are_capped_not_a_crash(capsys):
    # lognormal:1:1000 overflows a float on some draws; draws are capped at a simulated day.
    assert cli.main(["run", "naive", "--seed", "2", "--server-delay", "lognormal:1:1000"]) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_a_slow_callback_of_its_own_decides_which_key_is_lost(tmp_path):
    """--callback-delay: update_first_name answers after 1-2 s, so its stale dict always lands last (R16)."""
    import cli
    out = tmp_path / "r.json"
    assert cli.main(["report", "--strategies", "naive", "--workloads", "load", "--trials", "100", "--quiet",
                     "--callback-delay", "update_first_name=uniform:1000:2000", "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["settings"]["callback_delays"] == {"update_first_name": "uniform:1000:2000"}
    (cell,) = data["results"]
    assert cell["diverged"] == 100 and cell["wrong_keys"] == {"last_name": 100}


@pytest.mark.parametrize("entry, message", [
    ("nope=fixed:1", "'nope', which is no callback of this app"),
    ("update_first_name", "give CALLBACK=DIST"),
])
def test_a_bad_callback_delay_is_a_clear_error(entry, message, capsys):
    import cli
    assert cli.main(["report", "--strategies", "naive", "--workloads", "load", "--trials", "5", "--quiet",
                     "--callback-delay", entry]) == 2
    assert message in capsys.readouterr().err


def test_an_internal_error_exits_4_never_1_which_means_diverges(monkeypatch, capsys):
    # a trial's crash inside the tool exited 1, which a CI job reads as "a race was found"
    import cli

    def broken(args, console):
        raise RuntimeError("generator raised StopIteration")
    monkeypatch.setattr(cli, "cmd_list", broken)
    assert cli.main(["list"]) == 4
    err = " ".join(capsys.readouterr().err.split())
    assert "internal error, a bug in callback-race and not in your app: RuntimeError" in err and "Traceback" not in err
