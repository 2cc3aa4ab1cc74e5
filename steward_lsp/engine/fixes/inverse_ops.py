"""Alembic operation objects that undo the engine's parsed operations.

What an operation creates is undone through the Alembic operation's own
``reverse()``. What it drops or changes is restored from the schema before
the revision, as replay recorded it; without that shape (a table whose
columns replay could not follow, a type it cannot build) there is no inverse.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import render_python_code
from alembic.operations import ops

from steward_lsp.engine.migration import Operation
from steward_lsp.engine.rules.inverse import (
    column_name,
    constraint_name,
    index_name,
    new_column_name,
)
from steward_lsp.engine.rules.type_compare import build_type
from steward_lsp.engine.schema import ColumnDef, IndexDef, SchemaState, TableDef

_CONSTRAINT_TYPES = {
    "create_unique_constraint": "unique",
    "create_foreign_key": "foreignkey",
    "create_check_constraint": "check",
    "create_primary_key": "primary",
}
_ALTERED = ("nullable", "type_", "server_default", "comment")


def inverse_operations(
    op: Operation, before: SchemaState | None
) -> list[ops.MigrateOperation] | None:
    """Return the Alembic operations that undo ``op``, or None when unknown."""
    if not op.understood:
        return None
    table = op.table or (op.table_def.name if op.table_def else None)
    if table is None:
        return None
    found = _inverse(op, table, before)
    if found is None:
        return None
    if op.batch:
        return [ops.ModifyTableOps(table, found, schema=op.schema)]
    return found


def render_operations(
    operations: list[ops.MigrateOperation], sa_prefix: str, op_prefix: str
) -> list[str]:
    """Render ``operations`` as lines of Python, without indentation.

    Batch operations render as ``with op.batch_alter_table(...)`` blocks.
    """
    code = render_python_code(
        ops.UpgradeOps(ops=operations),
        sqlalchemy_module_prefix=sa_prefix,
        alembic_module_prefix=op_prefix,
        render_as_batch=True,
    )
    lines = [
        line.removeprefix("    ")
        for line in code.splitlines()
        if not line.strip().startswith("# ###")
    ]
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _inverse(
    op: Operation, table: str, before: SchemaState | None
) -> list[ops.MigrateOperation] | None:
    schema = op.schema
    created = _reverse_of_create(op, table)
    if created is not None:
        return [created]
    if op.name == "rename_table" and op.new_name:
        return [ops.RenameTableOp(op.new_name, table, schema=schema)]
    if op.name == "alter_column":
        return _inverse_alter(op, table, before)

    old_table = before.get(table, schema) if before is not None else None
    if old_table is None or old_table.uncertain:
        return None
    if op.name == "drop_table":
        return _recreate_table(old_table)
    if op.name == "drop_column":
        old_column = old_table.columns.get(op.column_name or "")
        column = _sa_column(old_column) if old_column is not None else None
        if column is None:
            return None
        return [ops.AddColumnOp(table, column, schema=schema)]
    if op.name == "drop_index":
        name = index_name(op)
        old_index = next((i for i in old_table.indexes if i.name == name), None)
        return [_create_index(old_table, old_index)] if old_index else None
    return None


def _reverse_of_create(op: Operation, table: str) -> ops.MigrateOperation | None:
    schema = op.schema
    if op.name == "create_table":
        return ops.CreateTableOp(table, [], schema=schema).reverse()
    if op.name == "add_column" and column_name(op):
        column = sa.Column(column_name(op), sa.types.NULLTYPE)
        return ops.AddColumnOp(table, column, schema=schema).reverse()
    if op.name == "create_index" and index_name(op):
        columns = list(op.index.expressions) if op.index else []
        return ops.CreateIndexOp(
            index_name(op), table, columns, schema=schema
        ).reverse()
    name = constraint_name(op)
    if op.name in _CONSTRAINT_TYPES and name:
        return ops.DropConstraintOp(
            name, table, type_=_CONSTRAINT_TYPES[op.name], schema=schema
        )
    return None


def _inverse_alter(
    op: Operation, table: str, before: SchemaState | None
) -> list[ops.MigrateOperation] | None:
    """Return the alter_column that restores the name and definition ``op`` changed."""
    column = column_name(op)
    if column is None:
        return None
    renamed = new_column_name(op)
    changed = [key for key in _ALTERED if key in op.params]
    if renamed and not changed:
        return [ops.AlterColumnOp(table, renamed, modify_name=column, schema=op.schema)]

    old_table = before.get(table, op.schema) if before is not None else None
    old = old_table.columns.get(column) if old_table is not None else None
    if old is None or old_table is None or old_table.uncertain:
        return None
    old_type = build_type(old.type) if old.type is not None else None
    if old_type is None:
        return None
    modify: dict[str, Any] = {}
    if "nullable" in op.params:
        modify["modify_nullable"] = old.nullable
    if "type_" in op.params:
        modify["modify_type"] = old_type
    if "server_default" in op.params:
        modify["modify_server_default"] = _server_default(old.server_default) or False
    if "comment" in op.params:
        modify["modify_comment"] = old.comment or False
    if renamed:
        modify["modify_name"] = column
    return [
        ops.AlterColumnOp(
            table,
            renamed or column,
            schema=op.schema,
            existing_type=old_type,
            existing_nullable=old.nullable,
            existing_server_default=_server_default(old.server_default),
            **modify,
        )
    ]


def _server_default(text: str | None) -> sa.TextClause | None:
    return sa.text(text) if text is not None else None


def _sa_column(column: ColumnDef) -> sa.Column[Any] | None:
    type_ = build_type(column.type) if column.type is not None else None
    if type_ is None:
        return None
    return sa.Column(
        column.name,
        type_,
        nullable=column.nullable,
        server_default=_server_default(column.server_default),
        comment=column.comment,
        unique=column.unique or None,
    )


def _recreate_table(table: TableDef) -> list[ops.MigrateOperation] | None:
    items: list[Any] = []
    for column in table.columns.values():
        built = _sa_column(column)
        if built is None:
            return None
        items.append(built)
    if table.primary_key:
        items.append(
            sa.PrimaryKeyConstraint(*table.primary_key, name=table.primary_key_name)
        )
    for fk in table.all_foreign_keys():
        referred = ".".join(filter(None, [fk.referred_schema, fk.referred_table]))
        items.append(
            sa.ForeignKeyConstraint(
                list(fk.columns),
                [f"{referred}.{column}" for column in fk.referred_columns],
                name=fk.name,
                ondelete=fk.ondelete,
                onupdate=fk.onupdate,
            )
        )
    for unique in table.uniques:
        items.append(sa.UniqueConstraint(*unique.columns, name=unique.name))
    for check in table.checks:
        items.append(sa.CheckConstraint(check.sqltext, name=check.name))

    created: list[ops.MigrateOperation] = [
        ops.CreateTableOp(table.name, items, schema=table.schema)
    ]
    for index in table.indexes:
        if not index.name:
            return None
        created.append(_create_index(table, index))
    return created


def _create_index(table: TableDef, index: IndexDef) -> ops.CreateIndexOp:
    columns: list[Any] = [
        expression if _is_column(table, expression) else sa.text(expression)
        for expression in index.expressions
    ]
    return ops.CreateIndexOp(
        index.name, table.name, columns, schema=table.schema, unique=index.unique
    )


def _is_column(table: TableDef, expression: str) -> bool:
    return expression in table.columns
