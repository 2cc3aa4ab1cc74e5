"""Data-loss rules on upgrade operations: STW303 and STW304."""

from __future__ import annotations

from steward_lsp.engine.findings import Finding
from steward_lsp.engine.migration import Operation, RevisionScript
from steward_lsp.engine.rules.context import RuleContext
from steward_lsp.engine.rules.inverse import (
    column_name,
    new_column_name,
    operation_data,
    table_name,
)
from steward_lsp.engine.rules.narrowing import narrowing_reason
from steward_lsp.engine.schema import TypeSpec


def check_data_loss(context: RuleContext) -> list[Finding]:
    """Report upgrades that destroy rows or values, or fail on existing rows."""
    findings: list[Finding] = []
    for script in context.scripts:
        # Tables and columns this revision makes hold no rows of earlier
        # revisions, so a staging table or column it drops again loses nothing.
        created: set[str] = set()
        added: set[tuple[str | None, str | None]] = set()
        for op in script.upgrade.operations:
            table = table_name(op)
            column = column_name(op)
            if op.name == "create_table" and table:
                created.add(table)
            if op.name == "add_column":
                added.add((table, column))
            renamed = new_column_name(op) if op.name == "alter_column" else None
            if renamed and (table, column) in added:
                added.add((table, renamed))
            if table not in created and (table, column) not in added:
                findings.extend(_destroys_data(context, script, op))
            if op.name == "add_column" and table not in created:
                if _existed_before(context, script, op):
                    findings.extend(_not_null_without_default(script, op))
    return findings


def _destroys_data(
    context: RuleContext, script: RevisionScript, op: Operation
) -> list[Finding]:
    table = table_name(op)
    data = operation_data(script, op)
    if op.name == "drop_table":
        message = (
            f"{op.name} {table} deletes the table and every row in it; downgrade can "
            "recreate the table but not its rows. Copy the rows elsewhere first or "
            "keep the table"
        )
        return [Finding("STW303", message, op.location, data=data)]
    if op.name == "drop_column":
        column = column_name(op)
        message = (
            f"drop_column {table}.{column} deletes the column's values in every row; "
            "downgrade can add the column back but not its values. Copy the values "
            "elsewhere first or keep the column"
        )
        return [
            Finding("STW303", message, op.location, data={**data, "column": column})
        ]
    if op.name == "alter_column":
        new_type = op.params.get("type_")
        if not isinstance(new_type, TypeSpec):
            return []
        old_type = _type_before(context, script, op)
        reason = narrowing_reason(old_type, new_type)
        if old_type is None or reason is None:
            return []
        column = column_name(op)
        message = (
            f"alter_column {table}.{column} narrows the type from "
            f"{old_type.text or old_type.name} to {new_type.text or new_type.name}: "
            f"{reason}; downgrade can widen it again but not restore what was cut"
        )
        return [
            Finding(
                "STW303",
                message,
                op.location,
                data={**data, "column": column, "reason": reason},
            )
        ]
    return []


def _type_before(
    context: RuleContext, script: RevisionScript, op: Operation
) -> TypeSpec | None:
    existing = op.params.get("existing_type")
    if isinstance(existing, TypeSpec):
        return existing
    if script.revision is None:
        return None
    before = context.schema_before(script.revision)
    if before is None or op.table is None:
        return None
    table = before.get(op.table, op.schema)
    column = column_name(op)
    if table is None or column is None or column not in table.columns:
        return None
    return table.columns[column].type


def _existed_before(
    context: RuleContext, script: RevisionScript, op: Operation
) -> bool:
    """Return whether the table of ``op`` existed before the revision ran.

    Without replay's record of the schema before the revision, a table that
    the revision itself did not create is taken to exist, as the
    ``add_column`` requires.
    """
    before = context.schema_before(script.revision) if script.revision else None
    if before is None or op.table is None:
        return True
    return before.get(op.table, op.schema) is not None


def _not_null_without_default(script: RevisionScript, op: Operation) -> list[Finding]:
    column = op.column
    if column is None or column.nullable or column.primary_key:
        return []
    if column.server_default is not None:
        return []
    table = table_name(op)
    suggested = suggest_server_default(column.type)
    python_default = (
        " A Python-side default= does not help, because the database fills existing"
        " rows."
        if column.has_python_default
        else ""
    )
    message = (
        f"add_column {table}.{column.name} adds a NOT NULL column without a server "
        "default, so the ALTER fails on a table that already has rows; add "
        "server_default=..., or add it nullable, backfill, then make it NOT NULL."
        + python_default
    )
    return [
        Finding(
            "STW304",
            message,
            op.location,
            data={
                "revision": script.revision,
                "table": table,
                "column": column.name,
                "server_default": suggested,
            },
        )
    ]


def suggest_server_default(spec: TypeSpec | None) -> str | None:
    """Return a neutral ``server_default`` expression for a column type."""
    if spec is None:
        return None
    name = spec.name.rpartition(".")[2].lower()
    if "bool" in name:
        return "sa.false()"
    if "int" in name or name in ("numeric", "decimal", "float", "real", "double"):
        return 'sa.text("0")'
    if "datetime" in name or "timestamp" in name:
        return "sa.func.now()"
    if name in (
        "string",
        "text",
        "unicode",
        "unicodetext",
        "varchar",
        "char",
        "nvarchar",
        "nchar",
        "clob",
    ):
        return '""'
    return None
