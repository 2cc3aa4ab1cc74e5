"""Apply one parsed operation to a working schema.

The effects follow what Alembic's operation does on the database: dropping a
column drops the indexes and constraints that use it, renaming a table keeps
the foreign keys that point at it, ``alter_column`` changes only what it is
given. An operation that could not be read completely still applies what was
read, and leaves its table uncertain.
"""

from __future__ import annotations

import dataclasses
import logging

from steward_lsp.engine.migration import Operation
from steward_lsp.engine.replay_constraints import name_mysql_foreign_keys
from steward_lsp.engine.replay_indexes import (
    CONSTRAINT_HANDLERS,
    MYSQL_DIALECTS,
    Handler,
)
from steward_lsp.engine.replay_record import Recorder, changed_table
from steward_lsp.engine.replay_sql import apply_sql, sql_tables
from steward_lsp.engine.replay_state import WorkingSchema
from steward_lsp.engine.schema import (
    ColumnDef,
    ForeignKeyDef,
    TableDef,
    TypeSpec,
    table_key,
)

logger = logging.getLogger(__name__)


def apply_operation(
    work: WorkingSchema, operation: Operation, recorder: Recorder, dialect: str | None
) -> None:
    """Apply ``operation`` to ``work``, recording history and uncertainty."""
    if operation.dialect_guards:
        if dialect is None:
            _guarded_without_dialect(work, operation, recorder)
            return
        if not all(guard.matches(dialect) for guard in operation.dialect_guards):
            return
    if operation.name == "execute":
        apply_sql(work, operation, recorder, dialect)
        return
    handler = _HANDLERS.get(operation.name)
    if handler is None:
        _unmodelled(work, operation, recorder)
        return
    handler(work, operation, recorder)
    if not operation.understood:
        description = (
            f"runs {operation.name} with arguments the static analysis cannot read"
        )
        if operation.table:
            recorder.mark_uncertain(
                work, operation.table, operation.schema, description, operation
            )
        elif operation.name != "bulk_insert":
            recorder.mark_everywhere(description, operation)


def _unmodelled(work: WorkingSchema, operation: Operation, recorder: Recorder) -> None:
    """Mark the tables an operation without a model here names as uncertain.

    Plugin operations such as alembic_utils' ``create_entity`` or
    alembic-postgresql-enum's ``sync_enum_values`` act on views, functions
    and types far more often than on table shapes.
    """
    # NOTE: an operation that names no known table is taken to change none,
    # which a plugin creating tables would get wrong.
    strings = operation.params.get("strings")
    names = set(strings) if isinstance(strings, tuple) else set()
    if operation.table:
        names.add(operation.table)
    description = f"runs {operation.name}, which the static analysis does not model"
    for table in work.tables():
        if table.name in names:
            recorder.mark_uncertain(
                work, table.name, table.schema, description, operation
            )
    logger.debug("operation %s not modelled", operation.name)


def _guarded_without_dialect(
    work: WorkingSchema, operation: Operation, recorder: Recorder
) -> None:
    # NOTE: with no dialect configured, a dialect-specific operation is not
    # applied; the tables it touches become uncertain instead of guessed.
    description = (
        f"runs {operation.name} only on some dialects, and no dialect is configured"
    )
    if operation.name == "execute":
        for name, schema in sql_tables(operation.sql or ""):
            recorder.mark_uncertain(work, name, schema, description, operation)
    elif operation.table:
        recorder.mark_uncertain(
            work, operation.table, operation.schema, description, operation
        )


# -- tables -------------------------------------------------------------------


def _create_table(
    work: WorkingSchema, operation: Operation, recorder: Recorder
) -> None:
    table = operation.table_def
    if table is None or not table.name:
        return
    if operation.params.get("if_not_exists") and work.get(table.name, table.schema):
        return
    work.put(table)
    if work.dialect in MYSQL_DIALECTS and any(
        fk.name is None for fk in table.all_foreign_keys()
    ):
        edited = work.edit(table.name, table.schema)
        assert edited is not None
        name_mysql_foreign_keys(work, edited)
    recorder.event(table.key, operation, "created")
    for column in table.columns:
        recorder.event(f"{table.key}.{column}", operation, "created with the table")


def _drop_table(work: WorkingSchema, operation: Operation, recorder: Recorder) -> None:
    if operation.table and work.remove(operation.table, operation.schema) is not None:
        recorder.event(
            table_key(operation.table, operation.schema), operation, "dropped"
        )


def _rename_table(
    work: WorkingSchema, operation: Operation, recorder: Recorder
) -> None:
    old, new = operation.table, operation.new_name
    if not old or not new:
        return
    table = work.edit(old, operation.schema)
    if table is None:
        recorder.mark_uncertain(
            work,
            new,
            operation.schema,
            f"renames table {old}, which no earlier revision creates",
            operation,
        )
        return
    work.remove(old, operation.schema)
    table.name = new
    work.put(table)
    old_key, new_key = table_key(old, operation.schema), table.key
    recorder.rename(old_key, new_key)
    recorder.event(new_key, operation, f"renamed from {old}")
    _retarget_foreign_keys(work, old, new, operation.schema)


def _retarget_foreign_keys(
    work: WorkingSchema, old: str, new: str, schema: str | None
) -> None:
    """Point foreign keys at a renamed table, as the database does."""
    for other in work.tables():
        inline = [
            c.name
            for c in other.columns.values()
            if any(
                _refers(fk.referred_table, fk.referred_schema, old, schema)
                for fk in c.foreign_keys
            )
        ]
        table_level = any(
            _refers(fk.referred_table, fk.referred_schema, old, schema)
            for fk in other.foreign_keys
        )
        if not inline and not table_level:
            continue
        edited = work.edit(other.name, other.schema)
        assert edited is not None
        edited.foreign_keys = [
            _retarget(fk, old, new, schema) for fk in edited.foreign_keys
        ]
        for name in inline:
            column = work.edit_column(edited, name)
            assert column is not None
            column.foreign_keys = [
                _retarget(fk, old, new, schema) for fk in column.foreign_keys
            ]


def _refers(
    table: str, table_schema: str | None, name: str, schema: str | None
) -> bool:
    return table == name and table_schema == schema


def _retarget(
    fk: ForeignKeyDef, old: str, new: str, schema: str | None
) -> ForeignKeyDef:
    if _refers(fk.referred_table, fk.referred_schema, old, schema):
        return dataclasses.replace(fk, referred_table=new)
    return fk


def _table_comment(
    work: WorkingSchema, operation: Operation, recorder: Recorder
) -> None:
    table = changed_table(work, operation, recorder)
    if table is None:
        return
    comment = operation.params.get("comment")
    dropping = operation.name == "drop_table_comment"
    table.comment = None if dropping or not isinstance(comment, str) else comment
    recorder.event(table.key, operation, "comment changed")


# -- columns ------------------------------------------------------------------


def _add_column(work: WorkingSchema, operation: Operation, recorder: Recorder) -> None:
    column = operation.column
    table = changed_table(work, operation, recorder)
    if table is None or column is None or not column.name:
        return
    if operation.params.get("if_not_exists") and column.name in table.columns:
        return
    table.columns[column.name] = column
    if work.dialect in MYSQL_DIALECTS and column.foreign_keys:
        name_mysql_foreign_keys(work, table)
    recorder.event(f"{table.key}.{column.name}", operation, "added")


def _drop_column(work: WorkingSchema, operation: Operation, recorder: Recorder) -> None:
    name = operation.column_name
    table = changed_table(work, operation, recorder)
    if table is None or not name:
        return
    if table.columns.pop(name, None) is None:
        logger.debug("drop_column of unknown column %s.%s", table.key, name)
    # The database drops indexes and constraints that use the column.
    table.indexes = [i for i in table.indexes if name not in i.expressions]
    table.uniques = [u for u in table.uniques if name not in u.columns]
    table.foreign_keys = [fk for fk in table.foreign_keys if name not in fk.columns]
    recorder.event(f"{table.key}.{name}", operation, "dropped")


def _alter_column(
    work: WorkingSchema, operation: Operation, recorder: Recorder
) -> None:
    name = operation.column_name
    table = changed_table(work, operation, recorder)
    if table is None or not name:
        return
    column = work.edit_column(table, name)
    if column is None:
        recorder.mark_uncertain(
            work,
            table.name,
            table.schema,
            f"alters column {table.name}.{name}, which no earlier revision adds",
            operation,
        )
        return
    changes = _apply_column_changes(column, operation.params)
    new_name = operation.new_name
    if new_name and new_name != name:
        _rename_column(table, name, new_name)
        recorder.rename(f"{table.key}.{name}", f"{table.key}.{new_name}")
        changes.append(f"renamed from {name}")
    key = f"{table.key}.{column.name}"
    recorder.event(key, operation, ", ".join(changes) or "altered")


def _apply_column_changes(column: ColumnDef, params: dict[str, object]) -> list[str]:
    changes: list[str] = []
    nullable = params.get("nullable")
    if isinstance(nullable, bool):
        column.nullable = nullable
        changes.append("nullable" if nullable else "NOT NULL")
    new_type = params.get("type_")
    if isinstance(new_type, TypeSpec):
        column.type = new_type
        changes.append(f"type {new_type.text or new_type.name}")
    if "server_default" in params:
        default = params["server_default"]
        column.server_default = default if isinstance(default, str) else None
        changes.append(f"server default {column.server_default or 'dropped'}")
    if "comment" in params:
        comment = params["comment"]
        column.comment = comment if isinstance(comment, str) else None
        changes.append("comment changed")
    return changes


def _rename_column(table: TableDef, old: str, new: str) -> None:
    """Rename a column in place, keeping column order and constraint references."""
    table.columns = {
        (new if key == old else key): column for key, column in table.columns.items()
    }
    table.columns[new].name = new

    def rename(names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(new if item == old else item for item in names)

    table.indexes = [
        dataclasses.replace(i, expressions=rename(i.expressions)) for i in table.indexes
    ]
    table.uniques = [
        dataclasses.replace(u, columns=rename(u.columns)) for u in table.uniques
    ]
    table.foreign_keys = [
        dataclasses.replace(fk, columns=rename(fk.columns)) for fk in table.foreign_keys
    ]


def _insert_rows(work: WorkingSchema, operation: Operation, recorder: Recorder) -> None:
    """Leave the schema as it is: ``bulk_insert`` adds rows only."""


_HANDLERS: dict[str, Handler] = {
    **CONSTRAINT_HANDLERS,
    "bulk_insert": _insert_rows,
    "create_table": _create_table,
    "drop_table": _drop_table,
    "rename_table": _rename_table,
    "create_table_comment": _table_comment,
    "drop_table_comment": _table_comment,
    "add_column": _add_column,
    "drop_column": _drop_column,
    "alter_column": _alter_column,
}
