"""Every rule code has a documentation page that matches the catalogue."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from steward_lsp.engine.rules_catalogue import DOCS_BASE_URL, RULES

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules"
SECTIONS = (
    "## What it finds",
    "## Why it matters",
    "## Example",
    "## Fix",
    "## Suppress it",
)
AUTOGENERATE = "## How it relates to autogenerate"


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_page_matches_catalogue(code: str) -> None:
    rule = RULES[code]
    page = DOCS / f"{code}.md"
    lines = page.read_text(encoding="utf-8").splitlines()

    assert rule.doc_url == f"{DOCS_BASE_URL}/{page.name}"
    assert lines[0] == f"# {code}: {rule.summary}"
    assert lines[2] == (
        f"Family: {rule.family}. Default severity: {rule.severity.name.lower()}."
    )
    for section in SECTIONS:
        assert section in lines, f"{page.name} has no {section!r} section"
    if rule.family == "drift":
        assert AUTOGENERATE in lines, f"{page.name} has no {AUTOGENERATE!r} section"


def test_rule_index_links_every_page() -> None:
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\((STW\d{3})\.md\)", index))
    pages = {path.stem for path in DOCS.glob("STW*.md")}

    assert linked == set(RULES)
    assert pages == set(RULES)
