"""``ALTER TABLE`` and ``ALTER INDEX`` of raw SQL applied to the working schema."""

from __future__ import annotations

import re

from sqlglot import exp

from steward_lsp.engine.migration import Operation
from steward_lsp.engine.replay_constraints import (
    drop_constraint,
    rename_constraint,
    rename_index,
)
from steward_lsp.engine.replay_record import Recorder
from steward_lsp.engine.replay_sql_columns import (
    add_table_constraint,
    column_from_sql,
    sqlglot_dialect,
)
from steward_lsp.engine.replay_sql_types import column_type
from steward_lsp.engine.replay_state import WorkingSchema
from steward_lsp.engine.schema import TableDef

# sqlglot keeps ``ALTER TABLE t RENAME CONSTRAINT a TO b`` as an opaque command.
_RENAME_CONSTRAINT = re.compile(
    r"^\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(?:(\w+)\.)?(\w+)\s+"
    r"RENAME\s+CONSTRAINT\s+(\w+)\s+TO\s+(\w+)\s*;?\s*$",
    re.IGNORECASE,
)


def apply_alter(
    work: WorkingSchema,
    operation: Operation,
    recorder: Recorder,
    statement: exp.Alter,
    dialect: str | None,
) -> bool:
    """Apply ALTER TABLE or ALTER INDEX ... RENAME TO; False for other kinds."""
    kind = str(statement.args.get("kind") or "").upper()
    source = statement.this
    if not isinstance(source, exp.Table):
        return False
    actions = statement.args.get("actions") or []
    if kind == "INDEX":
        if len(actions) == 1 and isinstance(actions[0], exp.AlterRename):
            if rename_index(work, source.name, actions[0].this.name):
                return True
        return False
    if kind != "TABLE":
        return False
    name, schema = source.name, source.db or None
    table = work.edit(name, schema)
    if table is None:
        recorder.mark_uncertain(
            work,
            name,
            schema,
            "alters by raw SQL a table that no earlier revision creates",
            operation,
        )
        return True
    for action in actions:
        if not _alter_action(work, table, action, operation, recorder, dialect):
            recorder.mark_uncertain(
                work,
                table.name,
                table.schema,
                f"runs ALTER TABLE {action.sql()[:60]!r}, which the static analysis "
                "does not apply",
                operation,
            )
    return True


def apply_rename_constraint(work: WorkingSchema, sql: str) -> bool:
    """Apply ``ALTER TABLE t RENAME CONSTRAINT a TO b``; False when not that."""
    match = _RENAME_CONSTRAINT.match(sql)
    if match is None:
        return False
    schema, name, old, new = match.groups()
    table = work.edit(name, schema)
    return table is not None and rename_constraint(table, old, new)


def _alter_action(
    work: WorkingSchema,
    table: TableDef,
    action: exp.Expr,
    operation: Operation,
    recorder: Recorder,
    dialect: str | None,
) -> bool:
    """Apply one ALTER TABLE action; return False when it is not modelled."""
    if isinstance(action, exp.ColumnDef):
        column = column_from_sql(action, operation.location, dialect)
        table.columns[column.name] = column
        recorder.event(f"{table.key}.{column.name}", operation, "added by raw SQL")
        return True
    if isinstance(action, exp.Drop):
        return _drop(work, table, action, operation, recorder)
    if isinstance(action, exp.AddConstraint):
        return all(
            add_table_constraint(table, item, operation.location, dialect)
            for item in action.expressions
        )
    if isinstance(action, exp.RenameColumn):
        return _rename_column(work, table, action, operation, recorder)
    if isinstance(action, exp.AlterRename):
        work.remove(table.name, table.schema)
        old_key = table.key
        table.name = action.this.name
        work.put(table)
        recorder.rename(old_key, table.key)
        recorder.event(table.key, operation, "renamed by raw SQL")
        return True
    if isinstance(action, exp.AlterColumn):
        return _alter_column(work, table, action, operation, recorder, dialect)
    return False


def _drop(
    work: WorkingSchema,
    table: TableDef,
    action: exp.Drop,
    operation: Operation,
    recorder: Recorder,
) -> bool:
    kind = str(action.args.get("kind") or "").upper()
    targets = action.args.get("tables") or []
    if kind == "COLUMN":
        for target in targets:
            table.columns.pop(target.name, None)
            recorder.event(
                f"{table.key}.{target.name}", operation, "dropped by raw SQL"
            )
        return True
    if kind == "CONSTRAINT":
        dropped = all(drop_constraint(work, table, t.name, None) for t in targets)
        if dropped:
            recorder.event(table.key, operation, "constraint dropped by raw SQL")
        return dropped
    return False


def _rename_column(
    work: WorkingSchema,
    table: TableDef,
    action: exp.RenameColumn,
    operation: Operation,
    recorder: Recorder,
) -> bool:
    old, new = action.this.name, action.args["to"].name
    renamed = work.edit_column(table, old)
    if renamed is None:
        return False
    table.columns = {(new if k == old else k): c for k, c in table.columns.items()}
    renamed.name = new
    recorder.rename(f"{table.key}.{old}", f"{table.key}.{new}")
    recorder.event(f"{table.key}.{new}", operation, f"renamed from {old} by raw SQL")
    return True


def _alter_column(
    work: WorkingSchema,
    table: TableDef,
    action: exp.AlterColumn,
    operation: Operation,
    recorder: Recorder,
    dialect: str | None,
) -> bool:
    column = work.edit_column(table, action.this.name)
    if column is None:
        return False
    read = sqlglot_dialect(dialect)
    dtype = action.args.get("dtype")
    if isinstance(dtype, exp.DataType):
        column.type = column_type(dtype, read)
    elif action.args.get("default") is not None:
        column.server_default = action.args["default"].sql(dialect=read)
    elif action.args.get("allow_null") is not None:
        column.nullable = bool(action.args["allow_null"])
    elif action.args.get("drop"):
        column.server_default = None
    else:
        return False
    recorder.event(f"{table.key}.{column.name}", operation, "altered by raw SQL")
    return True
