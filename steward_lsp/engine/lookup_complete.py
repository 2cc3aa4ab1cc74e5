"""Completion of table, column and model names inside string arguments.

:func:`~steward_lsp.engine.lookup_strings.string_role` reads what the string
at the cursor names from the text, which may be half-typed. The names come
from the latest analysis: the tables the models declare and those the
migrations build at head.
"""

from __future__ import annotations

from dataclasses import dataclass

from steward_lsp.engine.analysis import EnvironmentAnalysis
from steward_lsp.engine.lookup import iter_tables
from steward_lsp.engine.lookup_hover import type_label
from steward_lsp.engine.lookup_names import NameKind
from steward_lsp.engine.lookup_strings import string_role
from steward_lsp.engine.schema import ColumnDef


@dataclass(frozen=True)
class Completion:
    """One name to offer, and what it is."""

    label: str
    kind: NameKind
    detail: str


@dataclass(frozen=True)
class CompletionResult:
    """The names to offer and the column where the typed prefix starts.

    The prefix runs from ``start_column`` to the cursor on the cursor's
    line; a client replaces it with the chosen name.
    """

    items: list[Completion]
    start_column: int


def complete_at(
    environment: EnvironmentAnalysis, text: str, line: int, column: int
) -> CompletionResult | None:
    """Return the names to offer at a 0-based line and code-point column.

    None when the cursor is not inside a string argument that names a
    table, a column or a model class.
    """
    role = string_role(text, line, column)
    if role is None:
        return None

    if role.kind is NameKind.MODEL:
        items = _model_names(environment)
    elif role.kind is NameKind.COLUMN and role.table is not None:
        items = _column_names(environment, role.table)
    else:
        items = _table_names(environment)
    return CompletionResult(items, role.start_column)


# -- candidates -----------------------------------------------------------------


def _table_names(environment: EnvironmentAnalysis) -> list[Completion]:
    heads = environment.head_schema.tables
    items: list[Completion] = []
    for table in iter_tables(environment):
        where = "model and head" if table.key in heads else "model only"
        if table.key not in environment.model_schema.tables:
            where = "head only"
        model = f" · {table.class_name}" if table.class_name else ""
        items.append(Completion(table.key, NameKind.TABLE, f"table ({where}){model}"))
    return items


def _column_names(environment: EnvironmentAnalysis, table: str) -> list[Completion]:
    head = environment.head_schema.tables.get(table)
    model = environment.model_schema.tables.get(table)
    columns: dict[str, tuple[ColumnDef, str]] = {}
    for column in head.columns.values() if head else []:
        columns[column.name] = (column, "head")
    for column in model.columns.values() if model else []:
        if column.name not in columns:
            columns[column.name] = (column, "model only")
    return [
        Completion(
            name, NameKind.COLUMN, f"{type_label(column.type)} ({where}) · {table}"
        )
        for name, (column, where) in columns.items()
    ]


def _model_names(environment: EnvironmentAnalysis) -> list[Completion]:
    return [
        Completion(table.class_name, NameKind.MODEL, f"model of table {table.key}")
        for table in environment.model_schema.tables.values()
        if table.class_name
    ]
