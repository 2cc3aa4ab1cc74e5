"""Rules for migrations that run while the application serves traffic.

STW306 reports PostgreSQL operations that hold a lock for as long as they
scan or rewrite the table, and STW307 reports renames, which break the
release still running against the old name during a rolling deploy.
Operations on a table created in the same revision are exempt from STW306,
because the table is still empty.
"""

from __future__ import annotations

from steward_lsp.engine.findings import Finding
from steward_lsp.engine.migration import Operation, RevisionScript
from steward_lsp.engine.rules.context import RuleContext
from steward_lsp.engine.rules.inverse import (
    column_name,
    index_name,
    new_column_name,
    operation_data,
    table_name,
)
from steward_lsp.engine.rules.type_rewrite import rewrites_table
from steward_lsp.engine.schema import TypeSpec


def check_online_safety(context: RuleContext) -> list[Finding]:
    """Report long-locking PostgreSQL operations and renames in upgrades."""
    findings: list[Finding] = []
    for script in context.scripts:
        created: set[str] = set()
        added: set[tuple[str | None, str | None]] = set()
        for op in script.upgrade.operations:
            table = table_name(op)
            if op.name == "create_table" and table:
                created.add(table)
            if op.name == "add_column":
                added.add((table, column_name(op)))
            # No running code uses a table or column that this revision made.
            is_new = table in created or (table, column_name(op)) in added
            if not is_new:
                findings.extend(_renames(script, op))
            elif op.name == "alter_column" and new_column_name(op):
                added.add((table, new_column_name(op)))
            if context.dialect == "postgresql" and table not in created:
                findings.extend(_long_locks(context, script, op))
    return findings


def _renames(script: RevisionScript, op: Operation) -> list[Finding]:
    data: dict[str, object] = {"revision": script.revision, "operation": op.name}
    if op.name == "rename_table" and op.new_name:
        message = (
            f"rename_table {table_name(op)} -> {op.new_name} breaks code still "
            "running against the old name during the deploy; add the new table "
            "beside the old one and move readers and writers over first"
        )
        data.update(old=table_name(op), new=op.new_name)
        return [Finding("STW307", message, op.location, data=data)]
    renamed = new_column_name(op) if op.name == "alter_column" else None
    if renamed:
        old = column_name(op)
        message = (
            f"alter_column renames {table_name(op)}.{old} to {renamed}, which breaks "
            "code still running against the old name during the deploy; add the "
            "new column, write both, backfill, then drop the old one in a later "
            "release"
        )
        data.update(table=table_name(op), old=old, new=renamed)
        return [Finding("STW307", message, op.location, data=data)]
    return []


def _long_locks(
    context: RuleContext, script: RevisionScript, op: Operation
) -> list[Finding]:
    table = table_name(op)
    data = operation_data(script, op)
    if op.name == "create_index" and not _option_set(op, "postgresql_concurrently"):
        message = (
            f"create_index {index_name(op)} on {table} blocks writes to the table "
            "while the index builds; build it with postgresql_concurrently=True "
            "inside op.get_context().autocommit_block()"
        )
        data["fix"] = "postgresql_concurrently=True"
        return [Finding("STW306", message, op.location, data=data)]
    if op.name == "create_foreign_key" and not _option_set(op, "postgresql_not_valid"):
        message = (
            f"create_foreign_key {op.constraint_name or '(unnamed)'} on {table} "
            "scans the table under a lock to validate existing rows; add it with "
            "postgresql_not_valid=True and run VALIDATE CONSTRAINT in a later step"
        )
        data["fix"] = "postgresql_not_valid=True"
        return [Finding("STW306", message, op.location, data=data)]
    if op.name == "alter_column":
        new_type = op.params.get("type_")
        old_type = _existing_type(context, script, op)
        if isinstance(new_type, TypeSpec) and rewrites_table(old_type, new_type):
            assert old_type is not None
            old_text = old_type.text or old_type.name
            new_text = new_type.text or new_type.name
            message = (
                f"alter_column {table}.{column_name(op)} changes the type from "
                f"{old_text} to {new_text}, "
                "which rewrites the table under an exclusive lock; add a new column, "
                "backfill it in batches and switch over"
            )
            return [Finding("STW306", message, op.location, data=data)]
    return []


def _option_set(op: Operation, key: str) -> bool:
    values = [op.params.get(key)]
    if op.index is not None:
        values.append(op.index.dialect_options.get(key))
    return any(value is True or value == "True" for value in values)


def _existing_type(
    context: RuleContext, script: RevisionScript, op: Operation
) -> TypeSpec | None:
    existing = op.params.get("existing_type")
    if isinstance(existing, TypeSpec):
        return existing
    before = context.schema_before(script.revision) if script.revision else None
    column = column_name(op)
    if before is None or op.table is None or column is None:
        return None
    table = before.get(op.table, op.schema)
    if table is None or column not in table.columns:
        return None
    return table.columns[column].type
