"""Column drift: added and removed columns, type, nullability, server default.

As in autogenerate, a Python-side ``default=`` is not DDL and is never
compared, types are compared only with ``compare_type`` and server defaults
only with ``compare_server_default``.
"""

from __future__ import annotations

from steward_lsp.engine.findings import Finding
from steward_lsp.engine.rules.context import RuleContext
from steward_lsp.engine.rules.drift_renames import (
    column_rename_finding,
    probable_column_renames,
)
from steward_lsp.engine.rules.enum_members import enum_change
from steward_lsp.engine.rules.scope import RevisionIndex
from steward_lsp.engine.rules.server_defaults import server_defaults_differ
from steward_lsp.engine.rules.type_cast import using_clause
from steward_lsp.engine.rules.type_compare import compare_types
from steward_lsp.engine.schema import ColumnDef, TableDef

_AUTHOR = "author a migration that alters it"


def compare_columns(
    model: TableDef, head: TableDef, context: RuleContext, revisions: RevisionIndex
) -> list[Finding]:
    """Compare the columns of a table present in the model and at head.

    Each probable rename is one STW103 finding on the new column in place
    of STW103 and STW104.
    """
    findings: list[Finding] = []
    renamed: set[str] = set()
    for old, new in probable_column_renames(model, head, context.dialect):
        renamed.update((old.name, new.name))
        findings.extend(column_rename_finding(model, old, new, revisions))
    for name, column in model.columns.items():
        head_column = head.columns.get(name)
        if name in renamed:
            continue
        if head_column is None:
            findings.extend(_missing_at_head(model, column, head, revisions))
        else:
            findings.extend(
                _compare_column(model, head, column, head_column, context, revisions)
            )
    for name, head_column in head.columns.items():
        if name not in model.columns and name not in renamed:
            findings.extend(_missing_from_model(model, head_column, revisions))
    return findings


def _missing_at_head(
    model: TableDef, column: ColumnDef, head: TableDef, revisions: RevisionIndex
) -> list[Finding]:
    location = column.location or model.location
    if location is None:
        return []
    message = (
        f"column {model.key}.{column.name} is declared by the model but missing "
        "at head; author a migration that adds it"
    )
    return [
        Finding(
            "STW103",
            message,
            location,
            related=revisions.related(head.location, f"table {head.key} created"),
            data={"table": model.key, "column": column.name},
        )
    ]


def _missing_from_model(
    model: TableDef, head_column: ColumnDef, revisions: RevisionIndex
) -> list[Finding]:
    if model.location is None:
        return []
    owner = model.class_name or f"table {model.key}"
    message = (
        f"column {model.key}.{head_column.name} exists at head"
        f"{revisions.describe(head_column.location)} but {owner} does not declare "
        "it; declare it in the model or author a migration that drops it"
    )
    return [
        Finding(
            "STW104",
            message,
            model.location,
            related=revisions.related(
                head_column.location, f"column {head_column.name} added"
            ),
            data={"table": model.key, "column": head_column.name},
        )
    ]


def _compare_column(
    model: TableDef,
    head: TableDef,
    column: ColumnDef,
    head_column: ColumnDef,
    context: RuleContext,
    revisions: RevisionIndex,
) -> list[Finding]:
    location = column.location or model.location
    if location is None:
        return []
    qualified = f"{model.key}.{column.name}"
    # The revision that last changed the column explains its head shape best.
    changed_at = revisions.last_change(f"{head.key}.{column.name}")
    built_at = changed_at or head_column.location
    at_head = f"at head{revisions.describe(built_at)}"
    related = revisions.related(built_at, f"column {column.name} last changed")
    data: dict[str, object] = {"table": model.key, "column": column.name}
    findings: list[Finding] = []

    if context.environment.compare.compare_type:
        comparison = compare_types(column.type, head_column.type, context.dialect)
        if comparison is not None and comparison.differs:
            message = (
                f"column {qualified}: model says {comparison.model_ddl}, migrations "
                f"build {comparison.head_ddl} {at_head}; {_AUTHOR}"
            )
            type_data: dict[str, object] = {
                **data,
                "model": comparison.model_ddl,
                "head": comparison.head_ddl,
            }
            using = None
            if context.dialect == "postgresql":
                using = using_clause(
                    column.name, comparison.model_ddl, comparison.head_ddl
                )
            if using is not None:
                type_data["using"] = using
                message += f" with postgresql_using={using!r}"
            findings.append(
                Finding("STW105", message, location, related=related, data=type_data)
            )
        change = enum_change(column.type, head_column.type, context.dialect)
        if comparison is not None and not comparison.differs and change is not None:
            message = (
                f"column {qualified}: enum members differ from those built "
                f"{at_head}, the model {change.describe()}; {_AUTHOR} "
                "(autogenerate does not compare enum members)"
            )
            enum_data = {
                **data,
                "model": list(change.model),
                "head": list(change.head),
                "added": list(change.added),
                "removed": list(change.removed),
                "native": change.native,
                "alembic": False,
            }
            findings.append(
                Finding("STW105", message, location, related=related, data=enum_data)
            )

    model_nullable = column.nullable and not column.primary_key
    head_nullable = head_column.nullable and not head_column.primary_key
    if model_nullable != head_nullable and "nullable" not in column.unread:
        message = (
            f"column {qualified}: model says {_nullability(model_nullable)}, "
            f"migrations build {_nullability(head_nullable)} {at_head}; {_AUTHOR}"
        )
        findings.append(
            Finding(
                "STW106",
                message,
                location,
                related=related,
                data={**data, "model": model_nullable, "head": head_nullable},
            )
        )

    if (
        context.environment.compare.compare_server_default
        and "server_default" not in column.unread
        and not _is_serial(column, context.dialect)
        and server_defaults_differ(
            column.server_default, head_column.server_default, context.dialect
        )
    ):
        message = (
            f"column {qualified}: model says server default "
            f"{_default_text(column.server_default)}, migrations build "
            f"{_default_text(head_column.server_default)} {at_head}; {_AUTHOR}"
        )
        findings.append(
            Finding(
                "STW109",
                message,
                location,
                related=related,
                data={
                    **data,
                    "model": column.server_default,
                    "head": head_column.server_default,
                },
            )
        )
    return findings


def _is_serial(column: ColumnDef, dialect: str | None) -> bool:
    # Alembic's PostgreSQL comparison skips the default of a SERIAL primary
    # key, whose nextval() default the model never spells out.
    if dialect != "postgresql" or not column.primary_key:
        return False
    if column.autoincrement is False or column.type is None:
        return False
    return "int" in column.type.name.lower()


def _nullability(nullable: bool) -> str:
    return "NULL" if nullable else "NOT NULL"


def _default_text(value: str | None) -> str:
    return value if value is not None else "none"
