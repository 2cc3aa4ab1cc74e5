"""Rules for migrations that run while the application serves traffic.

STW306 reports PostgreSQL operations that hold a lock for as long as they
scan or rewrite the table, and MySQL/MariaDB operations that copy the table
while writes wait. STW307 reports renames, which break the release still
running against the old name during a rolling deploy. Operations on a table
or column created in the same revision are exempt from STW306, because
there are no rows yet.
"""

from __future__ import annotations

from steward_lsp.engine.findings import Finding
from steward_lsp.engine.migration import Operation, RevisionScript
from steward_lsp.engine.rules.column_rewrite import adds_serial, volatile_function
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

MYSQL_DIALECTS = ("mysql", "mariadb")


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
            # No running code uses a table or column that this revision made,
            # and it has no rows. add_column itself still counts as an
            # operation on the existing table, which it may rewrite.
            is_new = table in created or (table, column_name(op)) in added
            if op.name == "add_column":
                added.add((table, column_name(op)))
            if is_new:
                if op.name == "alter_column" and new_column_name(op):
                    added.add((table, new_column_name(op)))
                continue
            findings.extend(_renames(script, op))
            if context.dialect == "postgresql":
                findings.extend(_long_locks(context, script, op))
            elif context.dialect in MYSQL_DIALECTS:
                findings.extend(_table_copies(context, script, op))
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
    if op.name == "create_check_constraint" and not _option_set(
        op, "postgresql_not_valid"
    ):
        message = (
            f"create_check_constraint {op.constraint_name or '(unnamed)'} on {table} "
            "scans the table under a lock to check existing rows; add it with "
            "postgresql_not_valid=True and run VALIDATE CONSTRAINT in a later step"
        )
        data["fix"] = "postgresql_not_valid=True"
        return [Finding("STW306", message, op.location, data=data)]
    if op.name == "add_column":
        return _column_rewrite(op, data)
    if op.name == "alter_column" and op.params.get("nullable") is False:
        column = column_name(op)
        message = (
            f"alter_column {table}.{column} nullable=False scans the whole table "
            "under an ACCESS EXCLUSIVE lock; first add CHECK "
            f"({column} IS NOT NULL) NOT VALID and VALIDATE it, so that SET NOT "
            "NULL (PostgreSQL 12 and later) skips the scan"
        )
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


def _column_rewrite(op: Operation, data: dict[str, object]) -> list[Finding]:
    """Report an added column that makes PostgreSQL rewrite the table."""
    column = op.column
    if column is None:
        return []
    default = column.server_default or ""
    function = volatile_function(default)
    if op.params.get("identity") is True:
        cause = "Identity() numbers every existing row from a sequence"
        first = "add it without Identity()"
        finish = (
            "make it NOT NULL and run ALTER COLUMN ... ADD GENERATED BY DEFAULT "
            "AS IDENTITY, starting after the largest value"
        )
    elif function is not None:
        volatile = "is volatile"
        if default.lower() != f"{function}()":
            volatile = f"calls {function}(), which is volatile"
        cause = (
            f"its server_default {default} {volatile}, so every existing row "
            "gets its own value"
        )
        first = "add it without a default or with a constant one"
        finish = "set the server_default with alter_column"
    elif adds_serial(column):
        cause = (
            "SQLAlchemy adds an integer primary key column without a "
            "server_default as SERIAL, which numbers every existing row"
        )
        first = "add it with autoincrement=False"
        finish = "set its server_default to nextval() of a sequence with alter_column"
    else:
        return []
    message = (
        f"add_column {table_name(op)}.{column.name} rewrites the table under an "
        f"ACCESS EXCLUSIVE lock, because {cause}; {first}, backfill it in "
        f"batches, then {finish}"
    )
    return [Finding("STW306", message, op.location, data=data)]


def _table_copies(
    context: RuleContext, script: RevisionScript, op: Operation
) -> list[Finding]:
    """Report MySQL/MariaDB operations that run with ALGORITHM=COPY.

    With a copy, InnoDB builds a new table and blocks writes until it is done.
    A column type change copies (a VARCHAR widened within the same length
    prefix size does not, which this rule does not claim either way), and
    so does a foreign key added while foreign_key_checks is on.
    """
    table = table_name(op)
    data = operation_data(script, op)
    advice = (
        "writes wait until the copy ends; on a large table use an online schema "
        "change tool (gh-ost, pt-online-schema-change) or add a new column and "
        "backfill it"
    )
    if op.name == "create_foreign_key":
        message = (
            f"create_foreign_key {op.constraint_name or '(unnamed)'} on {table} "
            f"copies the table on {context.dialect} while foreign_key_checks is on; "
            + advice
        )
        return [Finding("STW306", message, op.location, data=data)]
    if op.name == "alter_column":
        new_type = op.params.get("type_")
        old_type = _existing_type(context, script, op)
        if isinstance(new_type, TypeSpec) and _changes_type(old_type, new_type):
            message = (
                f"alter_column {table}.{column_name(op)} changes the column type, "
                f"which copies the table on {context.dialect}; " + advice
            )
            return [Finding("STW306", message, op.location, data=data)]
    return []


def _changes_type(old: TypeSpec | None, new: TypeSpec) -> bool:
    """Return whether the type changes other than by widening a VARCHAR."""
    if old is None or not old.known or not new.known:
        return False
    if (
        old.name.lower() in ("string", "varchar")
        and new.name.lower() == old.name.lower()
    ):
        # Widening may stay in place; narrowing is STW303's business.
        return False
    return (old.name, old.args, old.kwargs) != (new.name, new.args, new.kwargs)


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
