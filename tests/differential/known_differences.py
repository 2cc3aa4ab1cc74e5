"""Alembic reports that are wrong, where steward deliberately differs.

Each entry is listed in docs/alembic-differences.md under its title, with
the reason, and has a test in test_alembic_differences.py that proves on a
real database that steward's answer is the right one. The differential test
removes the wrong Alembic reports these entries match before it compares.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from schema_specs import ColumnSpec, SchemaSpec

_INTEGER_LITERAL = re.compile(r"""^(?:sa\.text\()?["']-?\d+["']\)?$""")


@dataclass(frozen=True)
class KnownDifference:
    """A wrong Alembic report on one column of a table present on both sides."""

    title: str
    dialects: frozenset[str]
    code: str
    matches: Callable[[ColumnSpec, ColumnSpec], bool]


def _scaled_numeric_integer_default(model: ColumnSpec, head: ColumnSpec) -> bool:
    head_type = head.type
    return (
        head_type.kind == "Numeric"
        and bool(head_type.scale)
        and model.server_default == head.server_default
        and head.server_default is not None
        and bool(_INTEGER_LITERAL.match(head.server_default))
    )


def _boolean_expression_default(model: ColumnSpec, head: ColumnSpec) -> bool:
    return (
        head.type.kind == "Boolean"
        and model.server_default == head.server_default
        and head.server_default in {"sa.true()", "sa.false()"}
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
        title="true() and false() defaults of a BOOLEAN column on MariaDB",
        dialects=frozenset({"mariadb"}),
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
