"""Reversibility rules on revisions: STW301, STW302 and STW305."""

from __future__ import annotations

from steward_lsp.engine.findings import Finding
from steward_lsp.engine.migration import MigrationFunction, Operation, RevisionScript
from steward_lsp.engine.rules.backfill import removed_by_downgrade
from steward_lsp.engine.rules.context import RuleContext
from steward_lsp.engine.rules.database_names import database_constraint_name
from steward_lsp.engine.rules.inverse import (
    constraint_name,
    describe,
    render_inverse,
    table_name,
)
from steward_lsp.engine.rules.naming import convention_name
from steward_lsp.engine.rules.reversal import unreversed_operations
from steward_lsp.engine.schema import Location, Span

# The naming-convention key of each constraint an upgrade can create, and
# the type_ that drop_constraint() takes for it.
_CONSTRAINT_KINDS = {
    "create_foreign_key": "fk",
    "create_unique_constraint": "uq",
    "create_check_constraint": "ck",
    "create_primary_key": "pk",
}
_DROP_TYPES = {
    "create_foreign_key": "foreignkey",
    "create_unique_constraint": "unique",
    "create_check_constraint": "check",
    "create_primary_key": "primary",
}


def check_reversibility(context: RuleContext) -> list[Finding]:
    """Report revisions whose downgrade does not undo their upgrade."""
    findings: list[Finding] = []
    for script in context.scripts:
        if not _upgrade_does_something(script.upgrade):
            continue
        if _downgrade_is_usable(script.downgrade):
            findings.extend(_unreversed_operations(script, context))
            findings.extend(_unreversed_sql(script, context.dialect))
        else:
            findings.append(_irreversible(script))
    return findings


def _upgrade_does_something(upgrade: MigrationFunction) -> bool:
    # A merge revision or an empty placeholder has nothing to undo.
    return upgrade.present and bool(
        upgrade.operations or upgrade.opaque or upgrade.raises
    )


def _downgrade_is_usable(downgrade: MigrationFunction) -> bool:
    return downgrade.present and not downgrade.empty and not downgrade.raises


def _irreversible(script: RevisionScript) -> Finding:
    downgrade = script.downgrade
    label = _label(script)
    if not downgrade.present:
        problem = "has no downgrade()"
        location = script.revision_location or Location(script.path, Span(0, 0, 0, 0))
    else:
        problem = (
            "has a downgrade() that raises"
            if downgrade.raises
            else "has an empty downgrade()"
        )
        location = (
            downgrade.location
            or script.revision_location
            or Location(script.path, Span(0, 0, 0, 0))
        )
    inverses = [
        text
        for op in reversed(script.upgrade.operations)
        if (text := render_inverse(op)) is not None
    ]
    message = (
        f"{label} {problem}, so it cannot be rolled back; write a downgrade that "
        "undoes each operation of upgrade"
    )
    return Finding(
        "STW301",
        message,
        location,
        data={
            "revision": script.revision,
            "problem": problem,
            "downgrade_missing": not downgrade.present,
            "inverse": inverses,
        },
    )


def _unreversed_operations(
    script: RevisionScript, context: RuleContext
) -> list[Finding]:
    upgrade = script.upgrade.operations
    convention = context.model_schema.naming_convention
    missing = unreversed_operations(upgrade, script.downgrade.operations, convention)
    findings = []
    for op in missing:
        name = None
        if op.name in _CONSTRAINT_KINDS and constraint_name(op) is None:
            position = next(i for i, other in enumerate(upgrade) if other is op)
            name = _given_name(op, context, script, upgrade[:position])
        findings.append(_unreversed(script, op, name))
    return findings


def _given_name(
    op: Operation,
    context: RuleContext,
    script: RevisionScript,
    earlier: list[Operation],
) -> tuple[str, str] | None:
    """Return who names an unnamed constraint of ``op``, and the name, if known.

    The naming convention names it when it has a template for the kind, and
    the database does otherwise.
    """
    kind = _CONSTRAINT_KINDS[op.name]
    convention = context.model_schema.naming_convention
    if kind in convention:
        referred = op.foreign_key
        named = convention_name(
            convention,
            kind,
            op.table or "",
            _constraint_columns(op),
            None,
            referred.referred_table if referred else None,
            referred.referred_columns if referred else (),
        )
        return ("the naming convention", named) if named else None
    dialect = context.dialect
    before = context.schema_before(script.revision) if script.revision else None
    name = database_constraint_name(op, dialect, before, earlier)
    if name is None:
        return None
    return ("PostgreSQL" if dialect == "postgresql" else "MySQL/MariaDB", name)


def _constraint_columns(op: Operation) -> tuple[str, ...]:
    for owned in (op.foreign_key, op.unique):
        if owned is not None:
            return owned.columns
    return ()


def _unnamed_drop(script: RevisionScript, op: Operation) -> Operation | None:
    """Return the downgrade's ``drop_constraint(None, ...)`` on the table of ``op``."""
    for candidate in script.downgrade.operations:
        if (
            candidate.name == "drop_constraint"
            and constraint_name(candidate) is None
            and table_name(candidate) == table_name(op)
        ):
            return candidate
    return None


def _unreversed(
    script: RevisionScript, op: Operation, given: tuple[str, str] | None = None
) -> Finding:
    inverse = render_inverse(op)
    what = describe(op)
    unnamed_drop = _unnamed_drop(script, op) if op.name in _CONSTRAINT_KINDS else None
    if inverse:
        advice = f"add {inverse} to downgrade()"
    elif op.name == "alter_column":
        advice = "add an alter_column to downgrade() that restores the old definition"
    elif op.name in _CONSTRAINT_KINDS:
        advice = _unnamed_advice(op, given, unnamed_drop)
    else:
        advice = "recreate it in downgrade() from its definition before this revision"
    message = f"downgrade() of {_label(script)} does not undo {what}; {advice}"
    data: dict[str, object] = {
        "revision": script.revision,
        "operation": op.name,
        "target": what,
        "inverse": inverse,
    }
    if given is not None:
        data["given_name"] = given[1]
    return Finding("STW302", message, op.location, data=data)


def _unnamed_advice(
    op: Operation, given: tuple[str, str] | None, unnamed_drop: Operation | None
) -> str:
    """Return the fix for an unnamed constraint that downgrade does not drop."""
    raises = ""
    if unnamed_drop is not None:
        line = unnamed_drop.location.span.start_line + 1
        raises = (
            f"its drop_constraint(None, ...) on line {line} raises, because "
            "Alembic needs the name; "
        )
    if given is None:
        return (
            f"{raises}name the constraint in upgrade(), because drop_constraint() "
            "in downgrade() needs the name"
        )
    namer, name = given
    drop = (
        f"op.drop_constraint({name!r}, {table_name(op)!r}, "
        f"type_={_DROP_TYPES[op.name]!r})"
    )
    return (
        f"{raises}{namer} names the constraint {name!r}, so drop it in downgrade() "
        f"with {drop}, or name it in upgrade()"
    )


def _unreversed_sql(script: RevisionScript, dialect: str | None) -> list[Finding]:
    upgrade, downgrade = script.upgrade.operations, script.downgrade.operations
    if any(op.name == "execute" for op in downgrade):
        return []
    findings: list[Finding] = []
    for op in upgrade:
        if op.name != "execute" or _is_session_setting(op.sql):
            continue
        if removed_by_downgrade(op, upgrade, downgrade, dialect):
            continue
        message = (
            f"upgrade() of {_label(script)} runs raw SQL {_execute_call(op)} but "
            "downgrade() runs none, so what the SQL changed is not undone; add the "
            "reverse statement to downgrade()"
        )
        findings.append(
            Finding(
                "STW305",
                message,
                op.location,
                data={"revision": script.revision, "sql": op.sql},
            )
        )
    return findings


def _execute_call(op: Operation) -> str:
    if op.params.get("via") == "connection":
        return "through the database connection"
    return "with op.execute"


def _is_session_setting(sql: str | None) -> bool:
    """Return whether ``sql`` only sets a session option, such as a lock timeout.

    ``SET statement_timeout = ...`` lasts until the connection ends, so there
    is nothing for downgrade to undo. MySQL's ``SET GLOBAL`` and ``SET
    PERSIST`` change the server and still count.
    """
    if not sql:
        return False
    words = sql.strip().rstrip(";").split()
    if not words or words[0].upper() not in {"SET", "RESET"}:
        return False
    return len(words) < 2 or words[1].upper() not in {"GLOBAL", "PERSIST"}


def _label(script: RevisionScript) -> str:
    return f"revision {script.revision}" if script.revision else script.path.name
