"""The rules R1..R31: the package's own copy (simulator/rules.py) and docs/renderer-model.md agree.

``pip install .`` ships ``simulator/rules.py`` but not ``docs/``, so
``callback-race rules`` prints the package's copy; these tests keep it in
step with the document a reader of the repository sees.
"""

import re
from pathlib import Path

import pytest

import cli
from simulator import ScenarioError, rules

DOC = Path(__file__).resolve().parents[1] / "docs" / "renderer-model.md"
HEADING = re.compile(r"^### (R\d+) (.+?) — (.+)$", re.M)


def _doc_rules() -> dict[str, tuple[str, str, str]]:
    """Rule id -> (label, title, the section's text), from the document's headings."""
    text = DOC.read_text()
    found = list(HEADING.finditer(text))
    sections = {}
    for i, m in enumerate(found):
        ends = [found[i + 1].start() if i + 1 < len(found) else len(text), text.find("\n## ", m.end())]
        end = min(e for e in ends if e != -1)  # the next rule, or the next chapter
        sections[m.group(1)] = (m.group(2), m.group(3), text[m.end():end])
    return sections


def test_every_rule_in_the_doc_is_in_the_package_with_the_same_label_and_title_and_vice_versa():
    doc = _doc_rules()
    package = {r.id: (r.label, r.title) for r in rules.RULES}
    assert {k: v[:2] for k, v in doc.items()} == package


def test_rules_are_numbered_r1_to_r31_in_order_in_both():
    assert [r.id for r in rules.RULES] == [f"R{i}" for i in range(1, 32)]
    assert list(_doc_rules()) == [r.id for r in rules.RULES]


def test_each_rules_source_files_are_cited_in_its_section_of_the_doc():
    doc = _doc_rules()
    for rule in rules.RULES:
        section = doc[rule.id][2]
        source_line = next((line for line in section.split("\n\n") if line.startswith("**Source:**")), "")
        for path in rule.sources:
            assert f"`{path}`" in source_line, f"{rule.id}: {path} not in its **Source:** paragraph"


def test_label_is_the_number_followed_by_a_few_words():
    assert rules.label("R8") == "R8 superseded"
    assert rules.label("r14") == "R14 read at dispatch"
    assert rules.label("16") == "R16 full replace"


def test_cite_labels_bare_rule_numbers_once_and_leaves_ranges_alone():
    text = rules.cite("response ignored (R8); see R1-R20 and R4: timestamps")
    assert text == "response ignored (R8 superseded); see R1-R20 and R4 equal is no change: timestamps"
    assert rules.cite(text) == text


def test_an_unknown_rule_is_a_clear_error():
    with pytest.raises(ScenarioError, match="unknown rule 'R99'.*R1 to R31"):
        rules.get("R99")


def test_cli_rules_prints_one_rule_in_plain_words(capsys):
    assert cli.main(["rules", "R8"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("R8 superseded:")
    assert "ignores the response" in out and "observers/requestedCallbacks.ts" in out
    assert "R9 ready" not in out


def test_cli_rules_prints_every_rule(capsys):
    assert cli.main(["rules"]) == 0
    out = capsys.readouterr().out
    for rule in rules.RULES:
        assert f"{rule.tag}: {rule.title}" in " ".join(out.split())


def test_cli_rules_refuses_an_unknown_rule_in_one_line(capsys):
    assert cli.main(["rules", "R42"]) == 2
    err = capsys.readouterr().err
    assert "unknown rule 'R42'" in err and "Traceback" not in err
