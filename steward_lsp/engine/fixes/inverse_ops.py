"""Alembic operation objects that undo the engine's parsed operations.

What an operation creates is undone through the Alembic operation's own
``reverse()``. What it drops or changes is restored from the schema before
the revision, as replay recorded it, with the SQLAlchemy objects the
migration author builds. Without that shape (a table whose columns replay
could not follow, a type steward cannot build) there is no inverse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import render_python_code
from alembic.operations import ops

from steward_lsp.engine.generate.author_schema import (
    UnbuildableType,
    build_column,
    build_table,
    column_type,
    index_columns,
    index_name,
    indexes_of,
    server_default,
)
from steward_lsp.engine.migration import Operation
from steward_lsp.engine.rules import inverse
from steward_lsp.engine.rules.table_shape import IndexShape
from steward_lsp.engine.schema import SchemaState, TableDef

_CONSTRAINT_TYPES = {
    "create_unique_constraint": "unique",
    "create_foreign_key": "foreignkey",
    "create_check_constraint": "check",
    "create_primary_key": "primary",
}
_ALTERED = ("nullable", "type_", "server_default", "comment")


@dataclass(frozen=True)
class InverseContext:
    """The schema before the revision, and how the environment builds it."""

    before: SchemaState | None
    dialect: str | None = None
    convention: dict[str, str] = field(default_factory=dict)

    def table(self, op: Operation, name: str) -> TableDef | None:
        """Return the table ``name`` as it was before the revision, if known."""
        if self.before is None:
            return None
        table = self.before.get(name, op.schema)
        return None if table is None or table.uncertain else table


def inverse_operations(
    op: Operation, context: InverseContext
) -> list[ops.MigrateOperation] | None:
    """Return the Alembic operations that undo ``op``, or None when unknown.

    An operation under a dialect test (``if dialect == "postgresql":``) has
    none here, because the rendered inverse would run on every dialect.
    """
    if not op.understood or op.dialect_guards:
        return None
    table = op.table or (op.table_def.name if op.table_def else None)
    if table is None:
        return None
    try:
        found = _inverse(op, table, context)
    except UnbuildableType:
        return None
    if found is None:
        return None
    if op.batch:
        return [ops.ModifyTableOps(table, found, schema=op.schema)]
    return found


def _merge_batches(
    operations: list[ops.MigrateOperation],
) -> list[ops.MigrateOperation]:
    """Return ``operations`` with neighbouring batches on one table as one batch."""
    merged: list[ops.MigrateOperation] = []
    for operation in operations:
        last = merged[-1] if merged else None
        if (
            isinstance(operation, ops.ModifyTableOps)
            and isinstance(last, ops.ModifyTableOps)
            and (last.table_name, last.schema)
            == (operation.table_name, operation.schema)
        ):
            merged[-1] = ops.ModifyTableOps(
                last.table_name, [*last.ops, *operation.ops], schema=last.schema
            )
            continue
        merged.append(operation)
    return merged


def render_operations(
    operations: list[ops.MigrateOperation], sa_prefix: str, op_prefix: str
) -> list[str]:
    """Render ``operations`` as lines of Python, without indentation.

    Batch operations render as ``with op.batch_alter_table(...)`` blocks.
    """
    code = render_python_code(
        ops.UpgradeOps(ops=_merge_batches(operations)),
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
    op: Operation, table: str, context: InverseContext
) -> list[ops.MigrateOperation] | None:
    created = _reverse_of_create(op, table)
    if created is not None:
        return [created]
    if op.name == "rename_table" and op.new_name:
        return [ops.RenameTableOp(op.new_name, table, schema=op.schema)]
    if op.name == "alter_column":
        return _inverse_alter(op, table, context)

    old_table = context.table(op, table)
    if old_table is None:
        return None
    if op.name == "drop_table":
        return _recreate_table(old_table, context)
    if op.name == "drop_column":
        old_column = old_table.columns.get(op.column_name or "")
        if old_column is None:
            return None
        column = build_column(old_column, context.dialect)
        return [ops.AddColumnOp(table, column, schema=op.schema)]
    if op.name == "drop_index":
        name = inverse.index_name(op)
        shapes = indexes_of(old_table, context.convention)
        shape = next((index for index in shapes if index.name == name), None)
        return [_create_index(old_table, shape)] if shape is not None else None
    return None


def _reverse_of_create(op: Operation, table: str) -> ops.MigrateOperation | None:
    schema = op.schema
    column = inverse.column_name(op)
    index = inverse.index_name(op)
    constraint = inverse.constraint_name(op)
    if op.name == "create_table":
        return ops.CreateTableOp(table, [], schema=schema).reverse()
    if op.name == "add_column" and column:
        added = sa.Column(column, sa.types.NULLTYPE)
        return ops.AddColumnOp(table, added, schema=schema).reverse()
    if op.name == "create_index" and index:
        columns = list(op.index.expressions) if op.index else []
        return ops.CreateIndexOp(index, table, columns, schema=schema).reverse()
    if op.name in _CONSTRAINT_TYPES and constraint:
        kind = _CONSTRAINT_TYPES[op.name]
        return ops.DropConstraintOp(constraint, table, type_=kind, schema=schema)
    return None


def _inverse_alter(
    op: Operation, table: str, context: InverseContext
) -> list[ops.MigrateOperation] | None:
    """Return the alter_column that restores the name and definition ``op`` changed."""
    column = inverse.column_name(op)
    if column is None:
        return None
    renamed = inverse.new_column_name(op)
    if renamed and not any(key in op.params for key in _ALTERED):
        return [ops.AlterColumnOp(table, renamed, modify_name=column, schema=op.schema)]

    old_table = context.table(op, table)
    old = old_table.columns.get(column) if old_table is not None else None
    if old is None:
        return None
    old_type = column_type(old, context.dialect)
    old_default = server_default(old.server_default, context.dialect)
    modify: dict[str, Any] = {}
    if "nullable" in op.params:
        modify["modify_nullable"] = old.nullable
    if "type_" in op.params:
        modify["modify_type"] = old_type
    if "server_default" in op.params:
        modify["modify_server_default"] = old_default or False
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
            existing_server_default=old_default,
            **modify,
        )
    ]


def _recreate_table(
    table: TableDef, context: InverseContext
) -> list[ops.MigrateOperation] | None:
    metadata = sa.MetaData(naming_convention=context.convention)
    try:
        built = build_table(table, metadata, context.dialect)
    except UnbuildableType:
        return None
    created: list[ops.MigrateOperation] = [ops.CreateTableOp.from_table(built)]
    created.extend(
        _create_index(table, index) for index in indexes_of(table, context.convention)
    )
    return created


def _create_index(table: TableDef, index: IndexShape) -> ops.CreateIndexOp:
    return ops.CreateIndexOp(
        index_name(index, table),
        table.name,
        index_columns(index),
        schema=table.schema,
        unique=index.unique,
    )
