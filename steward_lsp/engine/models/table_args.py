"""``__table_args__`` and ``Table(...)`` items applied to a :class:`TableDef`."""

from __future__ import annotations

import ast

from steward_lsp.engine.models.linked_scope import ModuleScope
from steward_lsp.engine.schema import (
    CheckConstraintDef,
    ColumnDef,
    ForeignKeyDef,
    IndexDef,
    TableDef,
    UniqueConstraintDef,
)
from steward_lsp.engine.sqla_ast import (
    Locate,
    PrimaryKeyDef,
    TableItem,
    Unfollowed,
    follow,
    literal,
    table_item,
)


def apply_table_args(
    table: TableDef,
    node: ast.expr,
    scope: ModuleScope,
    unfollowed: list[Unfollowed],
    locate: Locate,
) -> bool:
    """Apply a ``__table_args__`` value; return False when it cannot be read."""
    target, target_scope = follow(node, scope)
    if not isinstance(target_scope, ModuleScope):
        target_scope = scope
    if isinstance(target, ast.Dict):
        return apply_table_options(table, target, target_scope, unfollowed)
    if not isinstance(target, (ast.Tuple, ast.List)):
        unfollowed.append(
            Unfollowed(node, "a __table_args__ that is not a tuple or dict")
        )
        return False
    items = list(target.elts)
    readable = True
    last = items[-1] if items else None
    if isinstance(last, ast.Dict):
        items.pop()
        readable = apply_table_options(table, last, target_scope, unfollowed)
    for item in items:
        before = len(unfollowed)
        if isinstance(item, ast.Starred):
            unfollowed.append(Unfollowed(item, "*arguments in __table_args__"))
            readable = False
            continue
        found = table_item(item, target_scope, unfollowed, locate)
        if found is None or len(unfollowed) > before:
            # A partly read constraint would show as drift that is not there.
            readable = False
        if found is not None:
            add_table_item(table, found)
    return readable


def apply_table_options(
    table: TableDef, node: ast.Dict, scope: ModuleScope, unfollowed: list[Unfollowed]
) -> bool:
    """Apply ``{"schema": ..., "comment": ..., "info": ...}``."""
    options = literal(node, scope)
    if not isinstance(options, dict):
        unfollowed.append(
            Unfollowed(node, "__table_args__ options that are not literals")
        )
        return False
    schema = options.get("schema")
    if isinstance(schema, str):
        table.schema = schema
    comment = options.get("comment")
    if isinstance(comment, str):
        table.comment = comment
    info = options.get("info")
    if isinstance(info, dict):
        table.info = {str(key): value for key, value in info.items()}
    return True


def add_table_item(table: TableDef, item: TableItem) -> None:
    """Add a column, constraint or index read from a table definition."""
    if isinstance(item, ColumnDef):
        table.columns[item.name] = item
    elif isinstance(item, IndexDef):
        table.indexes.append(item)
    elif isinstance(item, UniqueConstraintDef):
        table.uniques.append(item)
    elif isinstance(item, ForeignKeyDef):
        table.foreign_keys.append(item)
    elif isinstance(item, CheckConstraintDef):
        table.checks.append(item)
    elif isinstance(item, PrimaryKeyDef):
        apply_primary_key(table, item)


def apply_primary_key(table: TableDef, constraint: PrimaryKeyDef) -> None:
    """Mark the constraint's columns as the primary key, as SQLAlchemy does.

    Columns named by ``PrimaryKeyConstraint`` become NOT NULL, and
    ``primary_key=True`` on other columns no longer counts.
    """
    table.primary_key_name = constraint.name
    for column in table.columns.values():
        column.primary_key = column.name in constraint.columns
        if column.primary_key:
            column.nullable = False
