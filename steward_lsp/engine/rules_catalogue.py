"""The rule catalogue: stable codes, their family, severity and summary.

Codes are public API: users suppress them, CI filters on them and the docs
under ``docs/rules/`` are named after them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from steward_lsp.engine.findings import Severity

DISTRIBUTION = "steward-lsp"

# The rule pages ship in the source tree under docs/rules. From a checkout or
# an editable install the editor links open the local page; STEWARD_DOCS_URL
# names another place (a hosted copy of docs/rules) for installs without it.
# NOTE: the fallback address assumes the project's future public home; no
# copy is published there yet.
_LOCAL_DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules"
DOCS_BASE_URL = os.environ.get("STEWARD_DOCS_URL") or (
    _LOCAL_DOCS.as_uri()
    if _LOCAL_DOCS.is_dir()
    else "https://github.com/steward-lsp/steward-lsp/blob/main/docs/rules"
)


def project_url(label: str) -> str | None:
    """Return the ``[project.urls]`` entry ``label`` of the installed package.

    Returns None when the package metadata is missing or has no such entry.
    """
    try:
        entries = metadata.metadata(DISTRIBUTION).get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    for entry in entries:
        name, _, url = str(entry).partition(",")
        if name.strip().lower() == label.lower() and url.strip():
            return url.strip()
    return None


@cache
def published_docs_url() -> str | None:
    """Return the https address of the rule pages, or None when none is known.

    STEWARD_DOCS_URL wins when it is an http(s) address; otherwise the
    package's ``Documentation`` URL with ``/rules`` appended. Reports read
    outside this machine (SARIF) use it, so a ``file://`` address never
    counts.
    """
    configured = os.environ.get("STEWARD_DOCS_URL", "").rstrip("/")
    if _is_web_url(configured):
        return configured
    documentation = project_url("Documentation")
    if documentation is not None and _is_web_url(documentation):
        return f"{documentation.rstrip('/')}/rules"
    return None


def _is_web_url(url: str) -> bool:
    return url.startswith(("https://", "http://"))


@dataclass(frozen=True)
class Rule:
    """One catalogue entry."""

    code: str
    family: str
    severity: Severity
    summary: str

    @property
    def doc_url(self) -> str:
        """Return the link to this rule's documentation page."""
        return f"{DOCS_BASE_URL}/{self.code}.md"

    @property
    def published_doc_url(self) -> str | None:
        """Return the https link to this rule's page, or None when none is known."""
        base = published_docs_url()
        return f"{base}/{self.code}.md" if base else None

    def doc_page(self) -> str | None:
        """Return the text of this rule's page, when the source tree has it."""
        try:
            return (_LOCAL_DOCS / f"{self.code}.md").read_text(encoding="utf-8")
        except OSError:
            return None


_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFORMATION

_ENTRIES = [
    ("STW001", "input", _E, "a model or revision file cannot be parsed"),
    ("STW002", "input", _E, "the project configuration is invalid"),
    ("STW100", "drift", _I, "a model construct the static analysis cannot follow"),
    ("STW101", "drift", _W, "a model table that no migration creates at head"),
    ("STW102", "drift", _W, "a table at head that no model declares"),
    ("STW103", "drift", _W, "a model column missing at head"),
    ("STW104", "drift", _W, "a column at head missing from the model"),
    ("STW105", "drift", _W, "column type differs between model and head"),
    ("STW106", "drift", _W, "nullability differs between model and head"),
    ("STW107", "drift", _W, "index differs between model and head"),
    ("STW108", "drift", _W, "unique, foreign-key or check constraint differs"),
    ("STW109", "drift", _W, "server default differs between model and head"),
    ("STW110", "drift", _I, "head schema of a table is uncertain"),
    ("STW111", "drift", _W, "the live database is behind head or differs from it"),
    (
        "STW112",
        "drift",
        _E,
        "the deep check failed: a revision or module raised, or it timed out",
    ),
    ("STW201", "index", _W, "a ledger-id column is not indexed"),
    ("STW202", "index", _W, "a foreign-key column is not indexed"),
    ("STW203", "index", _I, "a query filters, joins or orders on an unindexed column"),
    ("STW204", "index", _I, "an index is redundant with another on the same table"),
    ("STW301", "safety", _E, "downgrade is missing, empty or raises"),
    ("STW302", "safety", _W, "downgrade does not undo an operation of upgrade"),
    ("STW303", "safety", _W, "upgrade destroys data"),
    (
        "STW304",
        "safety",
        _E,
        "NOT NULL column added to an existing table without a server default",
    ),
    ("STW305", "safety", _W, "raw SQL in upgrade with no counterpart in downgrade"),
    (
        "STW306",
        "safety",
        _W,
        "operation takes a long blocking lock or copies the table",
    ),
    ("STW307", "safety", _W, "rename of a table or column breaks running code"),
    (
        "STW308",
        "safety",
        _E,
        "a revision failed its round trip on a scratch database",
    ),
    ("STW401", "graph", _W, "the revision graph has more than one head"),
    ("STW402", "graph", _E, "a down_revision or depends_on names no revision"),
    ("STW403", "graph", _E, "two files declare the same revision id"),
    ("STW404", "graph", _E, "the revision graph has a cycle"),
    ("STW405", "graph", _W, "a merge revision joins the same revisions as another"),
    ("STW501", "ledger", _W, "a ledger id is stored without a chain or network id"),
    ("STW502", "ledger", _W, "a ledger-id column is nullable or too short"),
    (
        "STW601",
        "compliance",
        _W,
        "a column that looks like personal data has no PII classification",
    ),
    ("STW602", "compliance", _W, "a PII-classified column has no retention policy"),
]

RULES: dict[str, Rule] = {
    code: Rule(code, family, severity, summary)
    for code, family, severity, summary in _ENTRIES
}


# Advice for a message about a selector that matches no rule code.
CODE_SELECTOR_ADVICE = (
    "use codes such as STW301 or prefixes such as STW3 (see docs/rules/)"
)


def matches_some_rule(selector: str) -> bool:
    """Return whether a rule code equals or starts with ``selector``.

    ``selector`` is compared as written, so callers upper-case it first.
    """
    return any(code.startswith(selector) for code in RULES)
