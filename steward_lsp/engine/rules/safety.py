"""Reversibility rules on revisions: STW301, STW302 and STW305."""

from __future__ import annotations

from steward_lsp.engine.findings import Finding
from steward_lsp.engine.migration import MigrationFunction, Operation, RevisionScript
from steward_lsp.engine.rules.backfill import removed_by_downgrade
from steward_lsp.engine.rules.context import RuleContext
from steward_lsp.engine.rules.inverse import describe, render_inverse
from steward_lsp.engine.rules.reversal import unreversed_operations
from steward_lsp.engine.schema import Location, Span


def check_reversibility(context: RuleContext) -> list[Finding]:
    """Report revisions whose downgrade does not undo their upgrade."""
    findings: list[Finding] = []
    for script in context.scripts:
        if not _upgrade_does_something(script.upgrade):
            continue
        if _downgrade_is_usable(script.downgrade):
            findings.extend(
                _unreversed_operations(script, context.model_schema.naming_convention)
            )
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
    script: RevisionScript, convention: dict[str, str]
) -> list[Finding]:
    missing = unreversed_operations(
        script.upgrade.operations, script.downgrade.operations, convention
    )
    return [_unreversed(script, op) for op in missing]


def _unreversed(script: RevisionScript, op: Operation) -> Finding:
    inverse = render_inverse(op)
    what = describe(op)
    if inverse:
        advice = f"add {inverse} to downgrade()"
    elif op.name == "alter_column":
        advice = "add an alter_column to downgrade() that restores the old definition"
    elif op.name in (
        "create_foreign_key",
        "create_unique_constraint",
        "create_check_constraint",
        "create_primary_key",
    ):
        advice = (
            "name the constraint in upgrade(), because drop_constraint() in "
            "downgrade() needs the name"
        )
    else:
        advice = "recreate it in downgrade() from its definition before this revision"
    message = f"downgrade() of {_label(script)} does not undo {what}; {advice}"
    return Finding(
        "STW302",
        message,
        op.location,
        data={
            "revision": script.revision,
            "operation": op.name,
            "target": what,
            "inverse": inverse,
        },
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
