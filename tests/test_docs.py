"""The repository stands on its own: docs and code point only inside it."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEXT_FILES = [p for pattern in ("*.md", "*.py", "*.toml") for p in ROOT.rglob(pattern)
              if ".git" not in p.parts and "tests" not in p.relative_to(ROOT).parts[:1]]


def test_nothing_points_outside_the_repository():
    outside = re.compile(r"\.\./shared|/work/|shared/(docs|seed)/")
    offenders = [f"{p.relative_to(ROOT)}:{n}" for p in TEXT_FILES
                 for n, line in enumerate(p.read_text().splitlines(), 1) if outside.search(line)]
    assert offenders == []


def test_relative_links_in_the_markdown_resolve():
    link = re.compile(r"\]\(([^)#:]+)(?:#[^)]*)?\)")
    broken = [f"{p.relative_to(ROOT)} -> {target}" for p in ROOT.rglob("*.md") if ".git" not in p.parts
              for target in link.findall(p.read_text()) if not (p.parent / target).exists()]
    assert broken == []


def test_the_components_table_in_the_doc_is_the_one_check_uses():
    # R23: docs/renderer-model.md lists what each known component does by itself; check refuses the rest.
    from simulator.dashapp import known
    doc = (ROOT / "docs" / "renderer-model.md").read_text()
    rows = [f"| `{name}` | {what} |" for name, what in known.table_rows()]
    table = doc[doc.index("| Component | What it does by itself |"):].split("\n\n")[0].splitlines()[2:]
    assert table == rows
