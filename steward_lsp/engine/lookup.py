"""Lookup of the table or column at a position, its declaration and its uses.

Serves the editor's "what is here", "go to definition" and "find
references" from an :class:`AnalysisResult` and the text of the files, so
the server only converts positions. A name is found either as a string
(:mod:`steward_lsp.engine.lookup_names`) or as a model's declaration: the
``class`` line of a model, or the statement that declares a column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from steward_lsp.engine.analysis import AnalysisResult, EnvironmentAnalysis
from steward_lsp.engine.lookup_names import (
    NameKind,
    NameOccurrence,
    find_names,
    parses,
)
from steward_lsp.engine.lookup_strings import name_around
from steward_lsp.engine.replay_record import HistoryEvent
from steward_lsp.engine.schema import ColumnDef, Location, Span, TableDef

ReadText = Callable[[Path], str | None]
"""Return the text of a file (the editor buffer when open), None if unreadable."""


@dataclass(frozen=True)
class Symbol:
    """A table or column at a position.

    ``declaration`` is true on the model's own ``class`` line or column
    statement, where go to definition leads to the revision instead.
    """

    kind: NameKind
    table: str
    column: str | None
    span: Span
    environment: EnvironmentAnalysis = field(repr=False, compare=False)
    declaration: bool = False

    @property
    def key(self) -> str:
        """Return the history key: ``table`` or ``table.column``."""
        return f"{self.table}.{self.column}" if self.column else self.table

    def model_table(self) -> TableDef | None:
        """Return the model's table, if a model declares it."""
        return self.environment.model_schema.tables.get(self.table)

    def head_table(self) -> TableDef | None:
        """Return the table as the migrations build it at head, if they do."""
        return self.environment.head_schema.tables.get(self.table)

    def model_column(self) -> ColumnDef | None:
        """Return the model's column, for a column symbol."""
        table = self.model_table()
        return table.columns.get(self.column) if table and self.column else None

    def head_column(self) -> ColumnDef | None:
        """Return the column at head, for a column symbol."""
        table = self.head_table()
        return table.columns.get(self.column) if table and self.column else None

    def history(self) -> list[HistoryEvent]:
        """Return the changes to this table or column along the chain."""
        return self.environment.replay_result.history.get(self.key, [])


def environment_of(result: AnalysisResult, path: Path) -> EnvironmentAnalysis | None:
    """Return the environment a file belongs to, else the first one.

    A revision belongs to the environment that lists it; a model file to
    the one whose models it declares. Any other file (a helper module) gets
    the first environment, so completion still offers its tables.
    """
    for environment in result.environments:
        if any(script.path == path for script in environment.scripts):
            return environment
    for environment in result.environments:
        if path in model_files(environment):
            return environment
    return result.environments[0] if result.environments else None


def model_files(environment: EnvironmentAnalysis) -> set[Path]:
    """Return the files that declare the environment's model tables."""
    return {
        table.location.path
        for table in environment.model_schema.tables.values()
        if table.location is not None
    }


def symbol_at(
    result: AnalysisResult, path: Path, text: str, line: int, column: int
) -> Symbol | None:
    """Return the table or column at a 0-based line and code-point column."""
    environment = environment_of(result, path)
    if environment is None:
        return None

    for occurrence in find_names(text):
        if _contains(occurrence.span, line, column):
            return _occurrence_symbol(environment, occurrence)
    declared = _declaration_at(environment, path, line, column)
    if declared is None and not parses(text):
        return _unparsed_symbol(environment, text, line, column)
    return declared


def _unparsed_symbol(
    environment: EnvironmentAnalysis, text: str, line: int, column: int
) -> Symbol | None:
    """Return the name at the position of a buffer that does not parse yet."""
    found = name_around(text, line, column)
    if found is None:
        return None
    role, name, span = found
    if role.kind is NameKind.MODEL:
        occurrence = NameOccurrence(NameKind.MODEL, span, class_name=name)
    elif role.kind is NameKind.COLUMN:
        occurrence = NameOccurrence(NameKind.COLUMN, span, role.table, name)
    else:
        occurrence = NameOccurrence(NameKind.TABLE, span, name)
    return _occurrence_symbol(environment, occurrence)


def _occurrence_symbol(
    environment: EnvironmentAnalysis, occurrence: NameOccurrence
) -> Symbol | None:
    table = occurrence.table
    if occurrence.kind is NameKind.MODEL:
        model = model_of_class(environment, occurrence.class_name or "")
        table = model.key if model is not None else None
    if table is None:
        return None
    kind = NameKind.COLUMN if occurrence.column else NameKind.TABLE
    return Symbol(kind, table, occurrence.column, occurrence.span, environment)


def _declaration_at(
    environment: EnvironmentAnalysis, path: Path, line: int, column: int
) -> Symbol | None:
    """Return the model class or column declared at the position."""
    for table in environment.model_schema.tables.values():
        location = table.location
        if location is not None and location.path == path:
            if _contains(location.span, line, column):
                return Symbol(
                    NameKind.TABLE, table.key, None, location.span, environment, True
                )
    # NOTE: a mixin's column is declared once for every table that uses it;
    # its declaration resolves to the first of those tables.
    for table in environment.model_schema.tables.values():
        for declared in table.columns.values():
            location = declared.location
            if location is None or location.path != path:
                continue
            span = location.span
            if span.start_line == line and column >= span.start_col:
                return Symbol(
                    NameKind.COLUMN, table.key, declared.name, span, environment, True
                )
    return None


def model_of_class(environment: EnvironmentAnalysis, name: str) -> TableDef | None:
    """Return the model table of the declarative class ``name``."""
    for table in environment.model_schema.tables.values():
        if table.class_name == name:
            return table
    return None


def _contains(span: Span, line: int, column: int) -> bool:
    return (
        (span.start_line, span.start_col)
        <= (line, column)
        <= (
            span.end_line,
            span.end_col,
        )
    )


# -- go to definition -----------------------------------------------------------

_CREATING_DETAILS = ("created", "added")


def definition(symbol: Symbol) -> list[Location]:
    """Return where go to definition leads from ``symbol``.

    From a name in a migration (or any string), the model class or column.
    From the model's own declaration, or when no model declares the name,
    the operation of the revision that created the table or column.
    """
    declared = symbol.model_column() if symbol.column else symbol.model_table()
    if not symbol.declaration and declared is not None and declared.location:
        return [declared.location]

    # A column created by a revision is at head with the location of its
    # ``sa.Column(...)`` there, which is narrower than the whole operation.
    head_column = symbol.head_column()
    if head_column is not None and head_column.location is not None:
        return [head_column.location]
    created = creating_event(symbol.history())
    return [created.location] if created is not None else []


def creating_event(history: list[HistoryEvent]) -> HistoryEvent | None:
    """Return the last event that created the table or column, if any.

    The last one: a table dropped and created again is the later table.
    """
    for event in reversed(history):
        if event.detail.startswith(_CREATING_DETAILS):
            return event
    return None


# -- find references ------------------------------------------------------------


def references(
    symbol: Symbol, read_text: ReadText, include_declaration: bool = True
) -> list[Location]:
    """Return every revision and model string naming ``symbol``, and the model.

    NOTE: a name is matched as written, so revisions before a rename,
    which use the old name, are not references of the new one.
    """
    environment = symbol.environment
    paths = [script.path for script in environment.scripts]
    paths.extend(sorted(model_files(environment) - set(paths)))
    # Only a file that contains the name, or the model's class name for
    # relationship() targets, is parsed.
    model = symbol.model_table()
    words = {symbol.table.rsplit(".", 1)[-1]}
    if model is not None and model.class_name and symbol.column is None:
        words.add(model.class_name)
    found: list[Location] = []
    for path in paths:
        text = read_text(path)
        if text is None or not any(word in text for word in words):
            continue
        for occurrence in find_names(text):
            if _refers_to(occurrence, symbol):
                found.append(Location(path, occurrence.span))

    declared = symbol.model_column() if symbol.column else symbol.model_table()
    if include_declaration and declared is not None and declared.location:
        found.append(declared.location)
    return found


def _refers_to(occurrence: NameOccurrence, symbol: Symbol) -> bool:
    table = occurrence.table
    if occurrence.kind is NameKind.MODEL:
        model = model_of_class(symbol.environment, occurrence.class_name or "")
        table = model.key if model is not None else None
    return table == symbol.table and occurrence.column == symbol.column


def iter_tables(environment: EnvironmentAnalysis) -> Iterator[TableDef]:
    """Yield the model tables, then the head tables no model declares."""
    models = environment.model_schema.tables
    yield from models.values()
    for key, table in environment.head_schema.tables.items():
        if key not in models:
            yield table
