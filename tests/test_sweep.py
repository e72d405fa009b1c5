"""Parameter sweeps: ``simulator/sweep.py`` and ``callback-race sweep``."""

from __future__ import annotations

import csv
import json

import pytest

import cli
from simulator.errors import ScenarioError
from simulator.sweep import expand, grid, parse_axes, parse_axis

KNOWN = ["server-delay", "network", "transport", "server", "bandwidth", "keys", "dict-size"]


# --- the grid -------------------------------------------------------------------------

@pytest.mark.parametrize("text, values", [
    ("uniform:0:{50,100,200,400}", ["uniform:0:50", "uniform:0:100", "uniform:0:200", "uniform:0:400"]),
    ("http1,http2,websocket", ["http1", "http2", "websocket"]),
    ("{0..400..100}", ["0", "100", "200", "300", "400"]),
    ("{1..3}", ["1", "2", "3"]),
    ("fixed:{0.5..1.5..0.5}", ["fixed:0.5", "fixed:1", "fixed:1.5"]),
    ("uniform:{0,50}:{100,200}", ["uniform:0:100", "uniform:0:200", "uniform:50:100", "uniform:50:200"]),
    ("1mbit,{10,50}mbit", ["1mbit", "10mbit", "50mbit"]),
    ("a,a", ["a"]),
])
def test_expand(text, values):
    assert expand(text) == values


@pytest.mark.parametrize("text, message", [
    ("uniform:0:{50,100", "without a matching"),
    ("50}", "without a matching"),
    ("a,,b", "empty value"),
    ("{1..5..0}", "step"),
])
def test_expand_errors(text, message):
    with pytest.raises(ScenarioError, match=message):
        expand(text)


def test_several_params_give_the_cartesian_product_first_axis_slowest():
    axes = parse_axes(["server-delay=uniform:0:{50,100}", "--transport=http1,http2,websocket"], KNOWN)
    points = grid(axes)
    assert len(points) == 6
    assert points[0] == {"server-delay": "uniform:0:50", "transport": "http1"}
    assert points[3] == {"server-delay": "uniform:0:100", "transport": "http1"}


def test_parse_axis_accepts_underscores_and_suggests_names():
    assert parse_axis("server_delay=1,2", KNOWN).name == "server-delay"
    with pytest.raises(ScenarioError, match="did you mean 'server-delay'"):
        parse_axis("server-dealy=1", KNOWN)
    with pytest.raises(ScenarioError, match="given twice"):
        parse_axes(["keys=1,2", "keys=3"], KNOWN)


# --- the command ----------------------------------------------------------------------

def _sweep(tmp_path, *extra, trials="20"):
    out = tmp_path / "sweep.csv"
    code = cli.main(["sweep", "--param", "server-delay=uniform:0:{50,400}", "--param", "transport=http1,websocket",
                     "--strategies", "naive,patch", "--workloads", "interleave,load", "--trials", trials,
                     "--jobs", "1", "--quiet", "--csv", str(out), *extra])
    return code, out


def test_sweep_csv_has_one_row_per_grid_point_strategy_and_workload(tmp_path, capsys):
    code, out = _sweep(tmp_path, "--json", str(tmp_path / "sweep.json"))
    assert code == 0
    with open(out) as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 2 * 2 * 2 * 2  # server-delay x transport x strategy x workload
    assert list(rows[0])[:4] == ["server_delay", "transport", "strategy", "workload"]
    seen = {(r["server_delay"], r["transport"], r["strategy"], r["workload"]) for r in rows}
    assert len(seen) == 16
    assert all(r["trials"] == "20" for r in rows)
    naive = {(r["server_delay"], r["transport"]): float(r["rate"]) for r in rows
             if r["strategy"] == "naive" and r["workload"] == "load"}
    assert set(naive.values()) == {1.0}  # the article's demo always loses a key
    assert all(float(r["rate"]) == 0 for r in rows if r["strategy"] == "patch")
    data = json.loads((tmp_path / "sweep.json").read_text())
    assert data["axes"] == {"server_delay": ["uniform:0:50", "uniform:0:400"], "transport": ["http1", "websocket"]}
    assert len(data["results"]) == 16 and data["settings"]["trials"] == 20
    assert data["results"][0]["config"]["transport"] in ("http1", "websocket")
    assert "server-delay" in capsys.readouterr().out


def test_sweep_desync_grows_with_server_delay_for_naive_interleave(tmp_path):
    out = tmp_path / "s.csv"
    assert cli.main(["sweep", "--param", "server-delay=uniform:0:{20,400}", "--strategies", "naive",
                     "--workloads", "interleave", "--trials", "150", "--jobs", "1", "--quiet",
                     "--csv", str(out)]) == 0
    rate = {r["server_delay"]: float(r["rate"]) for r in csv.DictReader(open(out))}
    assert rate["uniform:0:20"] < rate["uniform:0:400"]


def test_sweep_is_identical_whatever_the_number_of_jobs(tmp_path):
    texts = []
    for jobs in ("1", "2"):
        path = tmp_path / f"s{jobs}.csv"
        cli.main(["sweep", "--param", "keys=2,3", "--strategies", "naive,merged", "--workloads", "interleave",
                  "--trials", "250", "--jobs", jobs, "--quiet", "--csv", str(path)])
        texts.append(path.read_text())
    assert texts[0] == texts[1]


def test_sweep_can_sweep_workload_parameters_and_dict_size(tmp_path):
    out = tmp_path / "s.csv"
    assert cli.main(["sweep", "--param", "dict-size=0,100000", "--strategies", "naive,patch",
                     "--workloads", "interleave", "--trials", "5", "--jobs", "1", "--quiet",
                     "--csv", str(out)]) == 0
    up = {(r["dict_size"], r["strategy"]): float(r["mean_bytes_up"]) for r in csv.DictReader(open(out))}
    assert up[("100000", "naive")] > 100 * up[("0", "naive")]
    assert up[("100000", "patch")] == up[("0", "patch")]


@pytest.mark.parametrize("param, message", [
    ("server-delay", "write NAME=VALUES"),
    ("=1,2", "write NAME=VALUES"),
    ("colour=red,blue", "'colour' is not a parameter that can be swept"),
    ("server-dealy=1", "did you mean 'server-delay'"),
    ("server-delay=", "no values after '='"),
    ("server-delay=uniform:0:{50,100", "without a matching"),
    ("server-delay=uniform:0:{50,gauss}", "--param server-delay=uniform:0:gauss"),
    ("keys=2,twelve", "--param keys=twelve: keys takes a whole number, not 'twelve'"),
    ("keys=1,12", "--keys must be between 1 and 8"),
    ("transport=http1,http3", "unknown transport 'http3'"),
    ("server=gunicorn:0", "unknown server 'gunicorn:0'"),
    ("bandwidth=1mbit,fast", "bandwidth 'fast'"),
    ("dict-size=-5", "dict-size must be >= 0"),
])
def test_bad_param_is_a_clear_cli_error(param, message, capsys):
    code = cli.main(["sweep", "--param", param, "--strategies", "naive", "--workloads", "load",
                     "--trials", "2", "--jobs", "1", "--quiet"])
    assert code == 2
    err = " ".join(capsys.readouterr().err.split())
    assert message in err
    assert "Traceback" not in err


def test_sweep_without_param_is_an_argparse_error(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["sweep", "--strategies", "naive"])
    assert exc.value.code == 2
    assert "--param" in capsys.readouterr().err


def test_sweep_other_bad_input(capsys):
    assert cli.main(["sweep", "--param", "keys=2", "--strategies", "nope", "--quiet"]) == 2
    assert "unknown strategy 'nope'" in capsys.readouterr().err
    assert cli.main(["sweep", "--param", "keys=2", "--trials", "0", "--quiet"]) == 2
    assert "--trials must be >= 1" in capsys.readouterr().err
