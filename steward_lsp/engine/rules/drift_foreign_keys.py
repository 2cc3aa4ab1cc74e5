"""Foreign-key and CHECK constraint drift, both reported as STW108.

Autogenerate matches foreign keys by their columns, referred table and
referred columns, ignoring names. It does not compare CHECK constraints at
all, so those are reported only when a named constraint is present on one
side and absent on the other.
"""

from __future__ import annotations

from steward_lsp.engine.findings import Finding
from steward_lsp.engine.rules.naming import convention_name
from steward_lsp.engine.rules.scope import (
    RevisionIndex,
    columns_text,
    finding_at,
    normalize_schema,
)
from steward_lsp.engine.schema import ForeignKeyDef, Location, TableDef


def _fk_signature(
    fk: ForeignKeyDef, dialect: str | None
) -> tuple[tuple[str, ...], str | None, str, tuple[str, ...], str | None, str | None]:
    return (
        fk.columns,
        normalize_schema(fk.referred_schema, dialect),
        fk.referred_table,
        fk.referred_columns,
        _fk_action(fk.ondelete, dialect),
        _fk_action(fk.onupdate, dialect),
    )


def _fk_action(action: str | None, dialect: str | None) -> str | None:
    if action is None:
        return None
    upper = " ".join(action.upper().split())
    # NO ACTION is every dialect's default, and MySQL reports RESTRICT as unset.
    if upper == "NO ACTION" or (
        upper == "RESTRICT" and dialect in ("mysql", "mariadb")
    ):
        return None
    return upper


def _fk_text(fk: ForeignKeyDef) -> str:
    referred = (
        f"{fk.referred_schema}.{fk.referred_table}"
        if fk.referred_schema
        else fk.referred_table
    )
    text = (
        f"{columns_text(fk.columns)} -> {referred}{columns_text(fk.referred_columns)}"
    )
    if fk.ondelete:
        text += f" ON DELETE {fk.ondelete.upper()}"
    if fk.onupdate:
        text += f" ON UPDATE {fk.onupdate.upper()}"
    return text


def compare_foreign_keys(
    model: TableDef, head: TableDef, dialect: str | None, revisions: RevisionIndex
) -> list[Finding]:
    model_fks = {_fk_signature(fk, dialect): fk for fk in model.all_foreign_keys()}
    head_fks = {_fk_signature(fk, dialect): fk for fk in head.all_foreign_keys()}
    findings: list[Finding] = []
    for signature, fk in model_fks.items():
        if signature in head_fks:
            continue
        message = (
            f"foreign key {_fk_text(fk)} on {model.key} is declared by the model but "
            "missing at head; author a migration that creates it"
        )
        location = fk.location or _column_location(model, fk) or model.location
        findings.extend(
            finding_at(
                "STW108",
                message,
                location,
                [],
                {"table": model.key, "kind": "foreign_key", "model": _fk_data(fk)},
            )
        )
    for signature, fk in head_fks.items():
        if signature in model_fks:
            continue
        message = (
            f"foreign key {_fk_text(fk)} on {head.key} exists at head"
            f"{revisions.describe(fk.location)} but the model does not declare it; "
            "declare it in the model or author a migration that drops it"
        )
        related = revisions.related(fk.location, "foreign key built")
        findings.extend(
            finding_at(
                "STW108",
                message,
                model.location,
                related,
                {"table": model.key, "kind": "foreign_key", "head": _fk_data(fk)},
            )
        )
    return findings


def _column_location(table: TableDef, fk: ForeignKeyDef) -> Location | None:
    if len(fk.columns) == 1 and fk.columns[0] in table.columns:
        return table.columns[fk.columns[0]].location
    return None


def _fk_data(fk: ForeignKeyDef) -> dict[str, object]:
    return {
        "name": fk.name,
        "columns": list(fk.columns),
        "referred_schema": fk.referred_schema,
        "referred_table": fk.referred_table,
        "referred_columns": list(fk.referred_columns),
        "ondelete": fk.ondelete,
        "onupdate": fk.onupdate,
    }


def compare_checks(
    model: TableDef,
    head: TableDef,
    convention: dict[str, str],
    revisions: RevisionIndex,
) -> list[Finding]:
    """Report named CHECK constraints present on one side only.

    Alembic's autogenerate does not compare CHECK constraints, so these
    findings have no counterpart in ``compare_metadata``; ``data["alembic"]``
    is false to say so. Unnamed checks are never reported, because their SQL
    text is spelled differently by each side and by each database.
    """
    model_names = _check_names(model, convention)
    head_names = _check_names(head, convention)
    findings: list[Finding] = []
    for check in model.checks:
        names = _names_of(check.name, model.name, convention)
        if names and not names & head_names:
            message = (
                f"check constraint {check.name} on {model.key} is declared by the "
                "model but missing at head; author a migration that creates it"
            )
            findings.extend(
                finding_at(
                    "STW108",
                    message,
                    check.location or model.location,
                    [],
                    {
                        "table": model.key,
                        "kind": "check",
                        "name": check.name,
                        "alembic": False,
                    },
                )
            )
    for check in head.checks:
        names = _names_of(check.name, head.name, convention)
        if names and not names & model_names:
            message = (
                f"check constraint {check.name} on {head.key} exists at head"
                f"{revisions.describe(check.location)} but the model does not "
                "declare it; declare it in the model or author a migration that "
                "drops it"
            )
            related = revisions.related(check.location, f"check {check.name} built")
            findings.extend(
                finding_at(
                    "STW108",
                    message,
                    model.location,
                    related,
                    {
                        "table": head.key,
                        "kind": "check",
                        "name": check.name,
                        "alembic": False,
                    },
                )
            )
    return findings


def _check_names(table: TableDef, convention: dict[str, str]) -> set[str]:
    names: set[str] = set()
    for check in table.checks:
        names |= _names_of(check.name, table.name, convention)
    return names


def _names_of(name: str | None, table: str, convention: dict[str, str]) -> set[str]:
    # ``op.f()`` marks a name as final, which source text alone cannot always
    # tell, so both the name as written and its convention form count.
    if name is None:
        return set()
    final = convention_name(convention, "ck", table, (), name)
    return {name, final} if final else {name}
