"""Alembic reports that are wrong, where steward deliberately differs.

Each entry is listed in docs/alembic-differences.md under its title, with
the reason, and has a test in test_alembic_differences.py that proves on a
real database that steward's result is the right one. The differential test
removes the wrong Alembic reports these entries match before it compares.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from schema_specs import ColumnSpec, SchemaSpec

_INTEGER_LITERAL = re.compile(r"""^(?:sa\.text\()?["'](-?\d+)["']\)?$""")


@dataclass(frozen=True)
class KnownDifference:
    """A wrong Alembic report on one column of a table present on both sides."""

    title: str
    dialects: frozenset[str]
    code: str
    matches: Callable[[ColumnSpec, ColumnSpec], bool]


def _integer_value(default: str | None) -> int | None:
    if default is None:
        return None
    match = _INTEGER_LITERAL.match(default)
    return int(match.group(1)) if match else None


def _scaled_numeric_integer_default(model: ColumnSpec, head: ColumnSpec) -> bool:
    value = _integer_value(head.server_default)
    return (
        head.type.kind == "Numeric"
        and bool(head.type.scale)
        and value is not None
        and _integer_value(model.server_default) == value
    )


# Boolean defaults that MariaDB stores as 1 or 0, and that SQLite stores as
# written (sa.true() as 1, text("true") as true), which Alembic compares as
# text although both databases read true as 1.
_BOOLEAN_VALUES = {"sa.true()": 1, "sa.false()": 0, 'sa.text("true")': 1}


def _boolean_expression_default(model: ColumnSpec, head: ColumnSpec) -> bool:
    value = _BOOLEAN_VALUES.get(head.server_default or "")
    return (
        head.type.kind == "Boolean"
        and value is not None
        and _BOOLEAN_VALUES.get(model.server_default or "") == value
    )


_TIMESTAMP_DEFAULTS = {"sa.func.now()", 'sa.text("CURRENT_TIMESTAMP")'}


def _now_function_default(model: ColumnSpec, head: ColumnSpec) -> bool:
    return (
        head.type.kind == "DateTime"
        and model.server_default == "sa.func.now()"
        and head.server_default in _TIMESTAMP_DEFAULTS
    )


KNOWN_DIFFERENCES = [
    KnownDifference(
        title="Integer default of a DECIMAL column with a scale on MariaDB",
        dialects=frozenset({"mariadb"}),
        code="STW109",
        matches=_scaled_numeric_integer_default,
    ),
    KnownDifference(
        title=(
            'true(), false() and text("true") defaults of a BOOLEAN column on MariaDB'
        ),
        dialects=frozenset({"mariadb"}),
        code="STW109",
        matches=_boolean_expression_default,
    ),
    KnownDifference(
        title='true() and text("true") defaults of a BOOLEAN column on SQLite',
        dialects=frozenset({"sqlite"}),
        code="STW109",
        matches=_boolean_expression_default,
    ),
    KnownDifference(
        title="func.now() default of a DATETIME column on MariaDB",
        dialects=frozenset({"mariadb"}),
        code="STW109",
        matches=_now_function_default,
    ),
]

# (code, subject) per table key, as the oracle suite's runners build them.
TableFindings = dict[str, set[tuple[str, str | None]]]


def without_known_differences(
    findings: TableFindings, models: SchemaSpec, head: SchemaSpec, dialect: str
) -> TableFindings:
    """Return Alembic's findings less the wrong reports listed above."""
    kept = {table: set(found) for table, found in findings.items()}
    head_tables = {table.name: table for table in head.tables}
    for model_table in models.tables:
        head_table = head_tables.get(model_table.name)
        if head_table is None or model_table.name not in kept:
            continue
        head_columns = {column.name: column for column in head_table.columns}
        for column in model_table.columns:
            head_column = head_columns.get(column.name)
            if head_column is None:
                continue
            for known in KNOWN_DIFFERENCES:
                if dialect in known.dialects and known.matches(column, head_column):
                    kept[model_table.name].discard((known.code, column.name))
    return {table: found for table, found in kept.items() if found}
