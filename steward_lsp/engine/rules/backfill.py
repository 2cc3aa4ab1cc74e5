"""Backfills: raw DML that writes only what downgrade removes anyway.

``op.add_column("t", sa.Column("c", ...))`` followed by ``UPDATE t SET c = ...``
fills the new column. A downgrade that drops ``t.c`` removes what the UPDATE
wrote, so it needs no SQL counterpart. The same holds for ``INSERT INTO t``
when upgrade creates ``t`` and downgrade drops it.
"""

from __future__ import annotations

from sqlglot import exp

from steward_lsp.engine.migration import Operation
from steward_lsp.engine.replay_sql import parse_sql
from steward_lsp.engine.rules.inverse import column_name, table_name


def removed_by_downgrade(
    execute: Operation,
    upgrade: list[Operation],
    downgrade: list[Operation],
    dialect: str | None,
) -> bool:
    """Return whether dropping columns or tables in downgrade undoes ``execute``.

    Every statement must be an UPDATE whose SET targets, or an INSERT whose
    target table, were added or created earlier in ``upgrade`` and are dropped
    by ``downgrade``. SQL that cannot be read or parsed does not count.
    """
    if execute.sql is None:
        return False
    statements = parse_sql(execute.sql, dialect)
    if not statements or any(statement is None for statement in statements):
        return False
    earlier = upgrade[: _position(execute, upgrade)]
    new_tables = _tables(earlier, "create_table") & _tables(downgrade, "drop_table")
    added = _columns(earlier, "add_column")
    new_columns = (added & _columns(downgrade, "drop_column")) | {
        (table, column) for table, column in added if table in new_tables
    }
    return all(
        _writes_only(statement, new_tables, new_columns)
        for statement in statements
        if statement is not None
    )


def _tables(operations: list[Operation], name: str) -> set[str]:
    return {t for op in operations if op.name == name and (t := table_name(op))}


def _columns(operations: list[Operation], name: str) -> set[tuple[str, str]]:
    return {
        (t, c)
        for op in operations
        if op.name == name and (t := table_name(op)) and (c := column_name(op))
    }


def _position(execute: Operation, upgrade: list[Operation]) -> int:
    for index, op in enumerate(upgrade):
        if op is execute:
            return index
    return len(upgrade)


def _writes_only(
    statement: exp.Expr, tables: set[str], columns: set[tuple[str, str]]
) -> bool:
    if isinstance(statement, exp.Insert):
        target = statement.this
        if isinstance(target, exp.Schema):
            target = target.this
        name = _table(target)
        return name is not None and name in tables
    if isinstance(statement, exp.Update):
        name = _table(statement.this)
        if name is None or not statement.expressions:
            return False
        if name in tables:
            return True
        for assignment in statement.expressions:
            target = assignment.this if isinstance(assignment, exp.EQ) else None
            if not isinstance(target, exp.Column) or (name, target.name) not in columns:
                return False
        return True
    return False


def _table(node: object) -> str | None:
    if not isinstance(node, exp.Table) or not node.name:
        return None
    return f"{node.db}.{node.name}" if node.db else node.name
