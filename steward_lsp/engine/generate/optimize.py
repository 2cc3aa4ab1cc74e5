"""``steward optimize-db``: index and connection-pool advice, with the DDL.

Writes ``db-optimization.md`` and ``sql-samples.sql``. The report lists
missing indexes for ledger ids, foreign keys and query predicates with
their query sites, redundant indexes, and the connection-pool options of
each ``create_engine`` call with advice; with a database URL it adds
``EXPLAIN`` plans. The SQL file holds the ``CREATE INDEX`` and ``DROP
INDEX`` statements for the environment's dialect.

The missing and redundant indexes are the STW201, STW202, STW203 and STW204
findings of the analysis, so inline and configured ignores apply to the
report as they do to ``steward check``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from steward_lsp.engine.generate import (
    GenerateRequest,
    GenerateResult,
    Option,
    output_dir,
    refuse_unreadable,
    select_environment,
)
from steward_lsp.engine.generate.output import with_mark

if TYPE_CHECKING:
    from steward_lsp.engine.analysis import EnvironmentAnalysis
    from steward_lsp.engine.findings import Finding
    from steward_lsp.engine.queries.resolve import IndexNeed
    from steward_lsp.engine.schema import Location, TableDef

COMMAND = "optimize-db"
REPORT_NAME = "db-optimization.md"
SQL_NAME = "sql-samples.sql"

OPTIONS: tuple[Option, ...] = (
    Option(
        "database_url",
        "SQLAlchemy URL of a database to run read-only EXPLAIN on for each "
        "query predicate (default: the variable the database_url_env setting "
        "names, DATABASE_URL)",
    ),
)

_REASONS = {
    "STW201": "ledger id",
    "STW202": "foreign key",
    "STW203": "query",
}


@dataclass
class MissingIndex:
    """An index to create: the table, its columns and why it is needed."""

    table: TableDef
    columns: tuple[str, ...]
    name: str
    reasons: list[str] = field(default_factory=list)
    declared: Location | None = None
    sites: list[Location] = field(default_factory=list)


@dataclass(frozen=True)
class RedundantIndex:
    """An index to drop because another one starts with the same columns."""

    table: TableDef
    name: str
    columns: tuple[str, ...]
    covered_by: str
    declared: Location


@dataclass
class Predicate:
    """The columns of one table that queries look up in one way, and where.

    ``scans`` is false when every query that looks them up without an index
    is narrowed by an index on another of its filters.
    """

    table: TableDef
    columns: tuple[str, ...]
    kind: str
    covered: bool
    scans: bool = False
    sites: list[Location] = field(default_factory=list)


@dataclass
class Advice:
    """Everything the report and the SQL samples are written from."""

    analysis: EnvironmentAnalysis
    dialect: str | None
    missing: list[MissingIndex]
    redundant: list[RedundantIndex]
    predicates: list[Predicate]


def generate(request: GenerateRequest) -> GenerateResult:
    """Return the optimization report and the SQL samples of one environment."""
    from steward_lsp.engine.generate.optimize_explain import explain_predicates
    from steward_lsp.engine.generate.optimize_report import render_report
    from steward_lsp.engine.generate.optimize_sql import render_sql

    analysis = select_environment(
        request.analysis, request.option("env"), request.focus
    )
    refuse_unreadable(analysis)
    advice = collect_advice(analysis)
    notes: list[str] = []
    url = database_url(request, analysis)
    plans = None
    if url:
        plans = explain_predicates(url, advice.predicates)
        notes.extend(plans.notes)
    folder = output_dir(request, analysis)
    files = [
        with_mark(folder / REPORT_NAME, COMMAND, render_report(advice, request, plans)),
        with_mark(folder / SQL_NAME, COMMAND, render_sql(advice)),
    ]
    summary = (
        f"{len(advice.missing)} missing and {len(advice.redundant)} redundant "
        f"index(es), {len(analysis.queries.engines)} engine(s) in {REPORT_NAME}"
    )
    return GenerateResult(files=files, summary=summary, notes=notes)


def database_url(request: GenerateRequest, analysis: EnvironmentAnalysis) -> str | None:
    """Return the ``database_url`` option, else the configured variable's value."""
    explicit: str | None = request.option("database_url")
    if explicit:
        return explicit
    variable = analysis.environment.settings.database_url_env
    if not variable:
        return None
    return os.environ.get(variable) or None


def collect_advice(analysis: EnvironmentAnalysis) -> Advice:
    """Gather the index findings and the query predicates of ``analysis``."""
    from steward_lsp.engine.queries.resolve import index_needs, suggested_index_name

    schema = analysis.model_schema
    missing: dict[tuple[str, tuple[str, ...]], MissingIndex] = {}
    redundant: list[RedundantIndex] = []
    for finding in analysis.findings:
        table = _finding_table(finding, analysis)
        if table is None:
            continue
        if finding.code == "STW204":
            redundant.append(_redundant(finding, table, schema.convention_of(table)))
            continue
        columns = _finding_columns(finding)
        if finding.code not in _REASONS or not columns:
            continue
        key = (table.key, columns)
        entry = missing.get(key)
        if entry is None:
            name = suggested_index_name(schema, table, columns)
            entry = missing[key] = MissingIndex(table, columns, name)
        reason = _REASONS[finding.code]
        if reason not in entry.reasons:
            entry.reasons.append(reason)
        if finding.code == "STW203":
            entry.sites.append(finding.location)
        elif entry.declared is None:
            entry.declared = finding.location
    for entry in missing.values():
        entry.sites.sort(key=_location_key)
        if entry.declared is None and len(entry.columns) == 1:
            column = entry.table.columns.get(entry.columns[0])
            entry.declared = column.location if column is not None else None
    return Advice(
        analysis=analysis,
        dialect=_dialect(analysis),
        missing=sorted(missing.values(), key=lambda m: (m.table.key, m.columns)),
        redundant=sorted(redundant, key=lambda r: (r.table.key, r.name)),
        predicates=_predicates(index_needs(analysis.queries, schema)),
    )


def _predicates(needs: list[IndexNeed]) -> list[Predicate]:
    grouped: dict[tuple[str, tuple[str, ...], str], Predicate] = {}
    for need in needs:
        key = (need.table.key, need.columns, need.kind.value)
        predicate = grouped.get(key)
        if predicate is None:
            predicate = grouped[key] = Predicate(
                need.table, need.columns, need.kind.value, need.covered
            )
        predicate.covered = predicate.covered and need.covered
        if not need.covered and not need.by_other_filter:
            predicate.scans = True
        if need.location not in predicate.sites:
            predicate.sites.append(need.location)
    for predicate in grouped.values():
        predicate.sites.sort(key=_location_key)
    return sorted(grouped.values(), key=lambda p: (p.table.key, p.columns, p.kind))


def _finding_table(finding: Finding, analysis: EnvironmentAnalysis) -> TableDef | None:
    key = finding.data.get("table")
    if not isinstance(key, str):
        return None
    return analysis.model_schema.tables.get(key)


def _finding_columns(finding: Finding) -> tuple[str, ...]:
    columns = finding.data.get("columns")
    if isinstance(columns, list):
        return tuple(str(column) for column in columns)
    column = finding.data.get("column")
    return (column,) if isinstance(column, str) else ()


def _redundant(
    finding: Finding, table: TableDef, convention: dict[str, str]
) -> RedundantIndex:
    from steward_lsp.engine.rules.table_shape import table_indexes

    name = str(finding.data.get("index"))
    shape = next((i for i in table_indexes(table, convention) if i.name == name), None)
    columns = shape.expressions if shape is not None else ()
    covered_by = str(finding.data.get("covered_by"))
    return RedundantIndex(table, name, columns, covered_by, finding.location)


def _dialect(analysis: EnvironmentAnalysis) -> str | None:
    environment = analysis.environment
    name = environment.settings.dialect or environment.dialect
    return name.split("+", 1)[0].lower() if name else None


def _location_key(location: Location) -> tuple[str, int, int]:
    span = location.span
    return (str(location.path), span.start_line, span.start_col)
