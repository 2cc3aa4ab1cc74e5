"""The differences where the deep check keeps the static findings.

docs/alembic-differences.md lists the kinds of difference that Alembic's
``compare_metadata`` gets wrong and the static rules get right. For those
kinds the deep check keeps the static findings, and for the rest it takes
compare_metadata's. Renames are folded in
:mod:`steward_lsp.engine.deep_renames`.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from steward_lsp.engine.findings import Finding
from steward_lsp.engine.rules.server_defaults import normalize_server_default

# Dialects whose stored spelling of a default Alembic 1.20 compares as text
# with the model's rendered one (MySQL and MariaDB store now() as
# current_timestamp(), TRUE as 1 and a DECIMAL(6, 2) default 0 as 0.00).
_DEFAULT_SPELLING_DIALECTS = {"mysql", "mariadb"}

_CHARSET_CLAUSE = re.compile(r"\s+(?:CHARACTER SET|COLLATE)\s+\S+", re.IGNORECASE)


def alembic_cannot_see(finding: Finding) -> bool:
    """Return whether a static drift finding is one compare_metadata never makes.

    The rules mark those with ``data["alembic"]`` False: enum members,
    partial-index predicates and named CHECK constraints.
    """
    return finding.data.get("alembic") is False


def charset_only_change(finding: Finding) -> bool:
    """Return whether a static type finding differs only in charset or collation.

    Alembic compares a MySQL character set or collation only when both
    reflected types name one, and MariaDB omits the table's default from the
    reflected column, so compare_metadata misses some of these changes.
    """
    if finding.code != "STW105":
        return False
    model = finding.data.get("model")
    head = finding.data.get("head")
    if not isinstance(model, str) or not isinstance(head, str):
        return False
    return _CHARSET_CLAUSE.sub("", model) == _CHARSET_CLAUSE.sub("", head)


def wrong_alembic_report(record: dict[str, object]) -> str | None:
    """Return why a deep difference is one Alembic reports wrongly, else None.

    ``record`` is the deep finding's data: the worker's fields of one
    ``compare_metadata`` difference.
    """
    kind = record.get("diff")
    if kind in ("add_constraint", "remove_constraint"):
        if _unique_on_primary_key(record):
            return "the primary key already makes these columns unique"
    if kind == "modify_default" and _same_default(record):
        return "the database stores the model's default under another spelling"
    return None


def _unique_on_primary_key(record: dict[str, object]) -> bool:
    if record.get("constraint") != "UniqueConstraint":
        return False
    columns = record.get("columns")
    primary_key = record.get("primary_key")
    if not isinstance(columns, list) or not isinstance(primary_key, list):
        return False
    return bool(primary_key) and set(columns) == set(primary_key)


def _same_default(record: dict[str, object]) -> bool:
    dialect = record.get("dialect")
    database = record.get("database")
    model = record.get("model")
    if dialect not in _DEFAULT_SPELLING_DIALECTS:
        return False
    if not isinstance(database, str) or not isinstance(model, str):
        return False
    stored = normalize_server_default(database, str(dialect))
    expected = normalize_server_default(model, str(dialect))
    if stored == expected:
        return True
    # A quoted default is a string, where 0.00 and 0 are different values.
    if database.strip().startswith("'"):
        return False
    return _number(stored) is not None and _number(stored) == _number(expected)


def _number(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None
