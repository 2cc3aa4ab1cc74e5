"""The deep check's merge where compare_metadata is known to be wrong.

The CLI tests run these cases on real databases; these cover the MySQL
character-set case and the edges of the default spellings without a server.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from steward_lsp.engine.deep import DeepResult, merge
from steward_lsp.engine.deep_known import wrong_alembic_report
from steward_lsp.engine.findings import Finding
from steward_lsp.engine.schema import Location, Span


def finding_at(line: int, **data: object) -> Finding:
    location = Location(Path("models.py"), Span(line, 4, line, 20))
    return Finding("STW105", "type differs", location, data=dict(data))


CHARSET_CHANGE = finding_at(
    11,
    table="articles",
    column="title",
    model="VARCHAR(80) CHARACTER SET latin1",
    head="VARCHAR(80) CHARACTER SET utf8mb4",
)


def test_charset_change_kept_when_unreported() -> None:
    deep = DeepResult(completed=True)

    merged = merge([CHARSET_CHANGE], deep, "migrations")

    assert merged == [CHARSET_CHANGE]


def test_charset_change_replaced_when_reported() -> None:
    reported = finding_at(11, deep=True, diff="modify_type", table="articles")
    deep = DeepResult(findings=[reported], completed=True)

    merged = merge([CHARSET_CHANGE], deep, "migrations")

    assert merged == [reported]


def test_length_change_not_kept() -> None:
    length = finding_at(11, model="VARCHAR(80)", head="VARCHAR(40)")
    deep = DeepResult(completed=True)

    merged = merge([length], deep, "migrations")

    assert merged == []


@pytest.mark.parametrize(
    ("dialect", "database", "model", "wrong"),
    [
        pytest.param("mariadb", "0.00", "0", True, id="decimal-zero"),
        pytest.param("mariadb", "1", "true", True, id="boolean-true"),
        pytest.param("mysql", "current_timestamp()", "now()", True, id="now"),
        pytest.param("mariadb", "'0'", "0.00", False, id="quoted-string"),
        pytest.param("mariadb", "1.50", "1.5000001", False, id="other-number"),
        pytest.param("postgresql", "0.00", "0", False, id="postgresql"),
        pytest.param("mariadb", None, "0", False, id="default-added"),
    ],
)
def test_default_spelling_reports(
    dialect: str, database: str | None, model: str, wrong: bool
) -> None:
    record = {
        "diff": "modify_default",
        "dialect": dialect,
        "database": database,
        "model": model,
    }

    assert (wrong_alembic_report(record) is not None) is wrong


@pytest.mark.parametrize(
    ("columns", "primary_key", "wrong"),
    [
        pytest.param(["id"], ["id"], True, id="primary-key"),
        pytest.param(["tx_hash"], ["id"], False, id="other-column"),
        pytest.param(["id", "tx_hash"], ["id"], False, id="wider"),
        pytest.param(["id"], [], False, id="no-primary-key"),
    ],
)
def test_unique_on_primary_key_reports(
    columns: list[str], primary_key: list[str], wrong: bool
) -> None:
    record = {
        "diff": "add_constraint",
        "constraint": "UniqueConstraint",
        "columns": columns,
        "primary_key": primary_key,
    }

    assert (wrong_alembic_report(record) is not None) is wrong
