"""The DDL of ``sql-samples.sql``, compiled by SQLAlchemy for the dialect.

PostgreSQL gets ``CREATE INDEX CONCURRENTLY IF NOT EXISTS`` and ``DROP INDEX
CONCURRENTLY IF EXISTS``, which build and drop an index without blocking
writes and make the file safe to run twice. SQLite, MySQL and a dialect
steward does not know get plain ``CREATE INDEX`` and ``DROP INDEX``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.engine.default import DefaultDialect
from sqlalchemy.schema import CreateIndex, DropIndex, ExecutableDDLElement

if TYPE_CHECKING:
    from steward_lsp.engine.generate.optimize import Advice
    from steward_lsp.engine.schema import TableDef


def render_sql(advice: Advice) -> str:
    """Return the statements that create the missing and drop the redundant indexes."""
    dialect = load_dialect(advice.dialect)
    postgresql = dialect.name == "postgresql"
    lines = [f"-- DDL for {dialect.name}, from steward's index findings."]
    if postgresql:
        lines.append(
            "-- CONCURRENTLY cannot run inside a transaction block: run this file "
            "with psql, which commits each statement, or one statement at a time."
        )

    lines += ["", "-- Missing indexes"]
    if not advice.missing:
        lines.append("-- none")
    for missing in advice.missing:
        reasons = ", ".join(missing.reasons)
        lines.append(f"-- {_target(missing.table, missing.columns)}: {reasons}")
        index = _index(missing.table, missing.columns, missing.name, postgresql)
        lines.append(_statement(CreateIndex(index, if_not_exists=postgresql), dialect))

    lines += [
        "",
        "-- Redundant indexes: drop each only after checking no query needs it",
    ]
    if not advice.redundant:
        lines.append("-- none")
    for redundant in advice.redundant:
        lines.append(
            f"-- {redundant.name} on {_target(redundant.table, redundant.columns)}: "
            f"{redundant.covered_by} starts with the same columns"
        )
        index = _index(redundant.table, redundant.columns, redundant.name, postgresql)
        lines.append(_statement(DropIndex(index, if_exists=postgresql), dialect))
    return "\n".join(lines) + "\n"


def load_dialect(name: str | None) -> Dialect:
    """Return SQLAlchemy's dialect ``name`` (``postgresql``), or a generic one."""
    if not name:
        return DefaultDialect()
    try:
        dialect_class = sa.engine.make_url(f"{name}://").get_dialect()
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError):
        return DefaultDialect()
    dialect: Dialect = dialect_class()
    return dialect


def _index(
    table: TableDef, columns: tuple[str, ...], name: str, concurrently: bool
) -> sa.Index:
    metadata = sa.MetaData()
    core = sa.Table(
        table.name,
        metadata,
        *(sa.Column(column, sa.Integer) for column in columns),
        schema=table.schema,
    )
    return sa.Index(
        name,
        *(core.c[column] for column in columns),
        postgresql_concurrently=concurrently,
    )


def _statement(ddl: ExecutableDDLElement, dialect: Dialect) -> str:
    # SQLAlchemy starts DROP statements with a newline.
    return f"{str(ddl.compile(dialect=dialect)).strip()};"


def _target(table: TableDef, columns: tuple[str, ...]) -> str:
    return f"{table.key}({', '.join(columns)})"
