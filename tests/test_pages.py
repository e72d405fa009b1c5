"""Interactive pages (``--html``, ``simulator/pages.py``), loaded in a real headless browser.

The browser tests need Debian's ``chromium`` (``.ci/run`` installs it when it
is missing); without it they skip, saying so.  A page passes when it loads
with nothing on the console (no error, no uncaught exception, not even a log
line), Plotly drew its charts (``main-svg`` in the DOM after the scripts
ran), and the verdict text is on it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

import cli
import scenarios
from simulator import Config
from simulator.report import verdict

plotly = pytest.importorskip("plotly", reason="the html extra (plotly) is not installed")

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
needs_browser = pytest.mark.skipif(CHROMIUM is None, reason="no headless browser: chromium is not installed "
                                                            "(apt-get install chromium; .ci/run does it)")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--enable-logging=stderr", "--v=0",
         "--virtual-time-budget=15000")
CONSOLE = re.compile(r":CONSOLE[:(]\d*\)?\] (.*)")


def load(page: Path, *extra: str) -> tuple[str, list[str]]:
    """The DOM after the page's scripts ran, and every console message it printed."""
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra, "--dump-dom",
                               page.resolve().as_uri()], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, [m.group(1) for m in map(CONSOLE.search, done.stderr.splitlines()) if m]


def assert_page_works(page: Path, text: str) -> str:
    dom, console = load(page)
    assert console == [], console
    assert dom.count('class="main-svg"') >= 2, "Plotly did not draw"
    assert text in " ".join(re.sub(r"<[^>]+>", " ", dom).replace("&#39;", "'").split())
    return dom


@needs_browser
def test_the_console_check_catches_errors_so_a_clean_page_means_something(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><script>console.error('oops'); undefined_call();</script></body></html>")
    _dom, console = load(bad)
    assert any("oops" in m for m in console) and any("Uncaught" in m for m in console)


@needs_browser
def test_run_page_loads_offline_with_no_console_errors_and_says_why(tmp_path, capsys):
    page = tmp_path / "run.html"
    assert cli.main(["run", "naive", "--workload", "load", "--seed", "1", "--html", str(page)]) == 0
    assert f"wrote {page}" in " ".join(capsys.readouterr().out.split())
    source = page.read_text()
    assert "<script src=" not in source  # plotly.js is inline: nothing to fetch
    dom = assert_page_works(page, "DIVERGED at quiescence: wrong keys first_name")
    text = " ".join(re.sub(r"<[^>]+>", " ", dom).replace("&#39;", "'").split())
    assert "why: lost update: #5 update_first_name and #6 update_last_name both read user_data" in text
    assert "overwrote first_name='Mickael' with 'john'" in text   # the mark on the losing bar


@needs_browser
def test_explore_counterexample_page_loads_and_shows_its_verdict(tmp_path):
    page = tmp_path / "explore.html"
    cli.main(["explore", "merged", "--workload", "interleave", "--html", str(page)])
    assert_page_works(page, "DIVERGED at quiescence")


@needs_browser
def test_check_page_of_a_real_app_loads_and_names_the_store_that_lost_an_update(tmp_path, capsys):
    page = tmp_path / "check.html"
    app = Path(__file__).parent / "apps" / "naive.py"
    assert cli.main(["check", str(app), "--trials", "20", "--workloads", "load_data", "--html", str(page)]) == 1
    assert f"wrote {page}" in " ".join(capsys.readouterr().out.split())
    dom = assert_page_works(page, "user_data.data ends different from every serial order of the actions")
    assert "user_data" in dom  # the charts follow the store that diverged


@needs_browser
def test_sweep_page_loads_and_draws_the_rate_curves_with_their_intervals(tmp_path):
    page = tmp_path / "sweep.html"
    assert cli.main(["sweep", "--param", "server-delay=uniform:0:{50,200}", "--strategies", "naive,patch",
                     "--workloads", "interleave", "--trials", "20", "--jobs", "1", "--quiet",
                     "--html", str(page)]) == 0
    dom = assert_page_works(page, "Error bars: 95% Wilson interval")
    assert dom.count('class="errorbar"') >= 2 or "errorbars" in dom


# --- without a browser: what the page holds ---------------------------------------------

def _naive_load_run():
    return scenarios.scenario("naive", "load").run(1, Config(), trace=True)


def test_run_page_hover_says_what_each_request_read_and_what_it_changed():
    from simulator.pages import run_page
    run = _naive_load_run()
    page = run_page(run, verdict(run).plain)
    assert "read user_data.data = {first_name=&#x27;john&#x27;, last_name=&#x27;doe&#x27;}" in page \
        or "read user_data.data = {first_name='john', last_name='doe'}" in page
    assert "(stale: LOST UPDATE)" in page
    assert "user_data['first_name']" in page          # the store's value over time, key by key


def test_run_page_is_reusable_with_any_verdict_text():
    from simulator.pages import run_page
    page = run_page(_naive_load_run(), "check my_app: user_data disagrees <b>", title="my app")
    assert "check my_app: user_data disagrees &lt;b&gt;" in page and "<title>my app</title>" in page


def test_missing_plotly_is_a_one_line_error_naming_the_extra(monkeypatch, tmp_path, capsys):
    import sys
    monkeypatch.setitem(sys.modules, "plotly", None)
    monkeypatch.setitem(sys.modules, "plotly.graph_objects", None)
    assert cli.main(["run", "naive", "--html", str(tmp_path / "x.html")]) == 2
    err = capsys.readouterr().err
    assert "plotly" in err and "pip install" in err and "Traceback" not in err  # [html]: see the markup fix
    assert not (tmp_path / "x.html").exists()


@pytest.mark.parametrize("rates, axis_note", [([0.6, 0.005, 0.0], "0 drawn at"), ([0.6, 0.3, 0.4], "trials per point\"")])
def test_sweep_page_uses_a_log_axis_only_when_rates_span_orders_of_magnitude(rates, axis_note):
    from simulator.metrics import Summary
    from simulator.pages import sweep_page
    from simulator.sweep import Axis, SweepRow
    rows = [SweepRow({"keys": "2"}, Summary(s, "load", trials=200, diverged=round(r * 200)))
            for s, r in zip(("naive", "circular", "patch"), rates)]
    page = sweep_page(rows, [Axis("keys", ("2",))])
    assert axis_note in page and ("\"type\":\"log\"" in page) == (axis_note == "0 drawn at")


def test_explore_without_a_diverging_schedule_says_no_page_was_written(tmp_path, capsys):
    page = tmp_path / "none.html"
    assert cli.main(["explore", "patch", "--workload", "load", "--html", str(page)]) == 0
    assert "no diverging schedule" in " ".join(capsys.readouterr().out.split()) and not page.exists()


def test_a_page_is_the_same_bytes_for_the_same_seed_and_never_shows_an_object_address(tmp_path, capsys):
    # a trial found "<object object at 0x7f...> -> 'john'" in the hover text, and plotly's random div ids:
    # two identical runs wrote different files
    pages = []
    for name in ("a.html", "b.html"):
        cli.main(["run", "naive", "--workload", "load", "--seed", "1", "--html", str(tmp_path / name)])
        pages.append((tmp_path / name).read_text())
    assert pages[0] == pages[1]
    assert "object at 0x" not in pages[0] and "first_name']: (new) \\u2192 'john'" in pages[0]
