"""Outlines and lenses: document symbols, workspace symbols, code lenses.

Everything here reads the latest analysis: a revision's functions and
operations, a model file's classes and columns, the tables of every
environment, the drift findings per model and each revision's place in the
revision graph.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

from steward_lsp.engine.analysis import AnalysisResult, EnvironmentAnalysis
from steward_lsp.engine.generate import generator_named
from steward_lsp.engine.graph import RevisionGraph
from steward_lsp.engine.lookup import iter_tables
from steward_lsp.engine.lookup_hover import type_label
from steward_lsp.engine.migration import MigrationFunction, Operation, RevisionScript
from steward_lsp.engine.schema import Location, Span, TableDef

AUTHORED_DRIFT_CODES = frozenset(f"STW10{digit}" for digit in range(1, 10))
"""Drift a new revision can close: STW101 to STW109."""


class OutlineKind(enum.Enum):
    """The kind of an outline entry, which the server maps to an LSP SymbolKind."""

    FUNCTION = "function"
    OPERATION = "operation"
    MODEL = "model"
    TABLE = "table"
    COLUMN = "column"


@dataclass(frozen=True)
class OutlineSymbol:
    """One entry of a document outline; ``selection`` lies inside ``span``."""

    name: str
    kind: OutlineKind
    span: Span
    selection: Span
    detail: str = ""
    children: tuple[OutlineSymbol, ...] = ()


@dataclass(frozen=True)
class TableSymbol:
    """A table for workspace symbols: where it is declared or created."""

    name: str
    location: Location
    container: str


@dataclass(frozen=True)
class Lens:
    """A code lens: a title above ``span``, with a command or none."""

    span: Span
    title: str
    command: str | None = None


# -- document symbols -----------------------------------------------------------


def document_symbols(result: AnalysisResult, path: Path) -> list[OutlineSymbol]:
    """Return the outline of a revision file or a model file."""
    for environment in result.environments:
        for script in environment.scripts:
            if script.path == path:
                return _revision_outline(script)
    symbols: list[OutlineSymbol] = []
    for environment in result.environments:
        for table in environment.model_schema.tables.values():
            if table.location is not None and table.location.path == path:
                symbols.append(_table_outline(table, path))
    return sorted(symbols, key=lambda symbol: symbol.span)


def _revision_outline(script: RevisionScript) -> list[OutlineSymbol]:
    functions = [("upgrade", script.upgrade), ("downgrade", script.downgrade)]
    symbols: list[OutlineSymbol] = []
    for name, function in functions:
        if not function.present or function.location is None:
            continue
        symbols.append(_function_outline(name, function, function.location.span))
    return symbols


def _function_outline(
    name: str, function: MigrationFunction, selection: Span
) -> OutlineSymbol:
    children = tuple(
        OutlineSymbol(
            _operation_label(operation),
            OutlineKind.OPERATION,
            operation.location.span,
            operation.location.span,
            detail=_operation_target(operation),
        )
        for operation in function.operations
    )
    span = _union(selection, [child.span for child in children])
    count = len(children)
    detail = f"{count} operation{'s' if count != 1 else ''}"
    return OutlineSymbol(name, OutlineKind.FUNCTION, span, selection, detail, children)


def _operation_label(operation: Operation) -> str:
    prefix = "batch_op" if operation.batch else "op"
    return f"{prefix}.{operation.name}"


def _operation_target(operation: Operation) -> str:
    """Return what an operation acts on: ``table.column``, an index, a table."""
    table = operation.table or (operation.table_def.key if operation.table_def else "")
    column = operation.column.name if operation.column else operation.column_name
    if column:
        return f"{table}.{column}"
    index = operation.index.name if operation.index else None
    name = index or operation.constraint_name
    if name:
        return f"{name} on {table}" if table else name
    if operation.new_name:
        return f"{table} to {operation.new_name}"
    return table


def _table_outline(table: TableDef, path: Path) -> OutlineSymbol:
    assert table.location is not None
    selection = table.location.span
    children = tuple(
        OutlineSymbol(
            column.name,
            OutlineKind.COLUMN,
            column.location.span,
            column.location.span,
            detail=type_label(column.type),
        )
        for column in table.columns.values()
        if column.location is not None and column.location.path == path
    )
    span = _union(selection, [child.span for child in children])
    kind = OutlineKind.MODEL if table.class_name else OutlineKind.TABLE
    name = table.class_name or table.key
    detail = f"table {table.key}" if table.class_name else "table"
    return OutlineSymbol(name, kind, span, selection, detail, children)


def _union(first: Span, spans: list[Span]) -> Span:
    start = min([first, *spans])
    end = max([first, *spans], key=lambda span: (span.end_line, span.end_col))
    return Span(start.start_line, start.start_col, end.end_line, end.end_col)


# -- workspace symbols ----------------------------------------------------------


def workspace_tables(result: AnalysisResult, query: str) -> list[TableSymbol]:
    """Return the tables whose name matches ``query``, models first.

    A name matches when the query's characters appear in it in order,
    ignoring case, as editors match symbol queries.
    """
    found: list[TableSymbol] = []
    for environment in result.environments:
        for table in iter_tables(environment):
            if table.location is None or not _matches(query, table.key):
                continue
            container = (
                f"model {table.class_name}"
                if table.class_name
                else f"{environment.environment.name} at head"
            )
            found.append(TableSymbol(table.key, table.location, container))
    return found


def _matches(query: str, name: str) -> bool:
    remaining = iter(name.lower())
    return all(char in remaining for char in query.lower())


# -- code lenses ----------------------------------------------------------------


def code_lenses(result: AnalysisResult, path: Path) -> list[Lens]:
    """Return the lenses of a revision file or a model file."""
    for environment in result.environments:
        for script in environment.scripts:
            if script.path == path and script.revision:
                return [_revision_lens(environment.revision_graph, script)]
    lenses: list[Lens] = []
    for environment in result.environments:
        lenses.extend(_drift_lenses(environment, path))
    return lenses


def _revision_lens(graph: RevisionGraph, script: RevisionScript) -> Lens:
    revision = script.revision or ""
    span = (
        script.revision_location.span if script.revision_location else Span(0, 0, 0, 0)
    )
    if revision not in graph.order:
        return Lens(span, f"revision {revision} · not in the revision order (cycle)")

    position = graph.order.index(revision) + 1
    parts = [f"revision {position} of {len(graph.order)}"]
    children = [r for r in graph.order if revision in graph.down_revisions(r)]
    if not graph.down_revisions(revision):
        parts.append("base")
    if len(graph.down_revisions(revision)) > 1:
        parts.append("merge")
    if len(children) > 1:
        parts.append("branch point")
    if revision in graph.heads:
        heads = len(graph.heads)
        parts.append("head" if heads == 1 else f"head (one of {heads} heads)")
    return Lens(span, " · ".join(parts))


def _drift_lenses(environment: EnvironmentAnalysis, path: Path) -> list[Lens]:
    counts: dict[str, int] = {}
    for finding in environment.findings:
        table = finding.data.get("table")
        if finding.code in AUTHORED_DRIFT_CODES and isinstance(table, str):
            counts[table] = counts.get(table, 0) + 1

    command = generator_named("author-migration").command_id
    lenses: list[Lens] = []
    for table in environment.model_schema.tables.values():
        count = counts.get(table.key, 0)
        if not count or table.location is None or table.location.path != path:
            continue
        noun = "change" if count == 1 else "changes"
        title = f"{count} {noun} not in any migration — Author migration"
        lenses.append(Lens(table.location.span, title, command))
    return lenses
