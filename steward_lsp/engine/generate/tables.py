"""Facts the model-state and document-state generators read from a model schema.

Both documents describe the tables the models declare, environment by
environment: their columns with the SQL type on the environment's dialect,
keys, ledger ids, the foreign keys between tables with their cardinality,
and the open findings that sit on each table. Everything here is derived
from the analysis alone and sorted, so the documents are byte-identical for
the same sources.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from steward_lsp.engine.generate import (
    GenerateRequest,
    refuse_unreadable,
    select_environment,
)
from steward_lsp.engine.report import relative_path
from steward_lsp.engine.rules.indexes import is_ledger_id
from steward_lsp.engine.rules.table_shape import table_indexes, table_uniques
from steward_lsp.engine.rules.type_compare import compile_type
from steward_lsp.engine.schema import ColumnDef, ForeignKeyDef, TableDef

if TYPE_CHECKING:
    from steward_lsp.engine.analysis import EnvironmentAnalysis
    from steward_lsp.engine.findings import Finding
    from steward_lsp.engine.replay_record import HistoryEvent

# Operations whose history event on a column key brings the column into being.
_INTRODUCING_OPERATIONS = {"create_table", "add_column"}
_INTRODUCING_RAW_SQL = ("created by raw SQL", "added by raw SQL")


@dataclass(frozen=True)
class Reference:
    """A foreign key seen as an edge between two tables of the diagram.

    ``child`` has the foreign key and refers to ``parent``. ``optional``
    is true when a foreign-key column is nullable (a child may have no
    parent), ``single`` when the foreign-key columns are unique in the child
    (one-to-one), and ``identifying`` when they are part of the child's
    primary key.
    """

    child: TableDef
    parent: TableDef | None
    foreign_key: ForeignKeyDef
    optional: bool
    single: bool
    identifying: bool

    @property
    def parent_key(self) -> str:
        """Return the key of the referred table as the foreign key names it."""
        if self.foreign_key.referred_schema:
            return (
                f"{self.foreign_key.referred_schema}.{self.foreign_key.referred_table}"
            )
        return self.foreign_key.referred_table


def chosen_environments(request: GenerateRequest) -> list[EnvironmentAnalysis]:
    """Return the environment named by ``--env``, or every environment.

    Without ``--env`` a workspace with several environments is documented
    in one file, one section per environment.
    """
    name = request.option("env")
    if name is not None or len(request.analysis.environments) <= 1:
        chosen = [select_environment(request.analysis, name)]
    else:
        chosen = sorted(request.analysis.environments, key=lambda e: e.environment.name)
    for analysis in chosen:
        refuse_unreadable(analysis)
    return chosen


def sorted_tables(analysis: EnvironmentAnalysis) -> list[TableDef]:
    """Return the model tables of ``analysis`` sorted by key."""
    tables = analysis.model_schema.tables
    return [tables[key] for key in sorted(tables)]


def sql_type(column: ColumnDef, dialect: str | None) -> str:
    """Return the column's DDL type on ``dialect``, or its type as written."""
    spec = column.type
    if spec is None:
        return "unknown"
    compiled = compile_type(spec, dialect)
    if compiled is not None:
        return compiled
    return spec.text or spec.name


def written_type(column: ColumnDef) -> str:
    """Return the column's SQLAlchemy type as the source writes it.

    A type that only an annotation gives (``Mapped[int]``) is named by its
    SQLAlchemy class instead.
    """
    spec = column.type
    if spec is None:
        return "unknown"
    if spec.text and spec.name.rpartition(".")[2] in spec.text:
        return spec.text
    return spec.name


def is_ledger_column(column: ColumnDef, analysis: EnvironmentAnalysis) -> bool:
    """Tell whether ``column`` stores a ledger id under the environment's settings."""
    return is_ledger_id(column, analysis.environment.settings.ledger_id_patterns)


def is_chain_column(column: ColumnDef, analysis: EnvironmentAnalysis) -> bool:
    """Tell whether ``column`` stores a chain or network id."""
    patterns = analysis.environment.settings.chain_id_patterns
    return any(fnmatch.fnmatchcase(column.name, pattern) for pattern in patterns)


def unique_column_sets(
    table: TableDef, convention: dict[str, str]
) -> list[frozenset[str]]:
    """Return the column sets the table keeps unique: primary key, uniques, indexes."""
    sets: list[frozenset[str]] = []
    if table.primary_key:
        sets.append(frozenset(table.primary_key))
    sets.extend(frozenset(u.columns) for u in table_uniques(table, convention))
    sets.extend(
        frozenset(i.expressions)
        for i in table_indexes(table, convention)
        if i.unique and all(e in table.columns for e in i.expressions)
    )
    return sets


def is_unique_column(
    table: TableDef, column: ColumnDef, convention: dict[str, str]
) -> bool:
    """Tell whether ``column`` alone is unique (a UK marker), primary key aside."""
    if column.primary_key and len(table.primary_key) == 1:
        return False
    return frozenset((column.name,)) in unique_column_sets(table, convention)


def foreign_key_columns(table: TableDef) -> set[str]:
    """Return the names of the table's columns that take part in a foreign key."""
    return {name for fk in table.all_foreign_keys() for name in fk.columns}


def references(analysis: EnvironmentAnalysis) -> list[Reference]:
    """Return every foreign key of the model schema as an edge, sorted.

    A child's foreign-key columns that contain a unique column set make the
    edge one-to-one; otherwise it is one-to-many.
    """
    schema = analysis.model_schema
    found: list[Reference] = []
    for table in sorted_tables(analysis):
        unique_sets = unique_column_sets(table, schema.convention_of(table))
        primary_key = set(table.primary_key)
        for fk in table.all_foreign_keys():
            if not fk.columns:
                continue
            columns = [table.columns.get(name) for name in fk.columns]
            found.append(
                Reference(
                    child=table,
                    parent=schema.get(fk.referred_table, fk.referred_schema),
                    foreign_key=fk,
                    optional=any(c is None or c.nullable for c in columns),
                    single=any(s <= set(fk.columns) for s in unique_sets),
                    identifying=bool(primary_key) and set(fk.columns) <= primary_key,
                )
            )
    return sorted(found, key=_reference_order)


def _reference_order(reference: Reference) -> tuple[str, str, tuple[str, ...]]:
    return (reference.parent_key, reference.child.key, reference.foreign_key.columns)


def association_parents(table: TableDef) -> list[str] | None:
    """Return the tables an association table links, or None for other tables.

    An association table has only foreign-key columns, all in its primary
    key, and at least two foreign keys: each row links one row of each
    referred table, so the referred tables are many-to-many.
    """
    foreign_keys = table.all_foreign_keys()
    if len(foreign_keys) < 2 or not table.columns:
        return None
    if set(table.primary_key) != set(table.columns):
        return None
    if foreign_key_columns(table) != set(table.columns):
        return None
    return sorted({fk.referred_table for fk in foreign_keys})


def table_findings(analysis: EnvironmentAnalysis, table: TableDef) -> list[Finding]:
    """Return the environment's findings on ``table``, sorted by place.

    A finding belongs to a table when its data names the table, or when it
    sits on the line of the model class or of one of its columns.
    """
    lines = {
        (location.path, location.span.start_line)
        for location in (table.location, *(c.location for c in table.columns.values()))
        if location is not None
    }
    chosen = [
        finding
        for finding in analysis.findings
        if finding.data.get("table") == table.key
        or (finding.location.path, finding.location.span.start_line) in lines
    ]
    return sorted(chosen, key=lambda f: f.sort_key())


def finding_text(finding: Finding, root: Path) -> str:
    """Return ``CODE message (path:line)`` with the path relative to ``root``."""
    path = relative_path(finding.location.path, root)
    line = finding.location.span.start_line + 1
    return f"{finding.code} {finding.message} (`{path}:{line}`)"


def source_place(table: TableDef, root: Path) -> str | None:
    """Return ``path:line`` of the model class of ``table``, relative to ``root``."""
    if table.location is None:
        return None
    path = relative_path(table.location.path, root)
    return f"{path}:{table.location.span.start_line + 1}"


def introduced_in(analysis: EnvironmentAnalysis, key: str) -> HistoryEvent | None:
    """Return the history event that created the table or column ``key``.

    When a column was dropped and added again, the latest creation counts.
    """
    introduced = None
    for event in analysis.replay_result.history.get(key, []):
        if event.operation in _INTRODUCING_OPERATIONS or event.detail.startswith(
            _INTRODUCING_RAW_SQL
        ):
            introduced = event
    return introduced


def markdown_cell(text: str) -> str:
    """Return ``text`` fit for one cell of a Markdown table."""
    return " ".join(text.split()).replace("|", "\\|")
