"""``integrity-notes.md`` of ``steward model-state``: the constraints per table.

For each table the models declare: primary key, unique constraints, foreign
keys with their ``ondelete``, checks and indexes. Then the invariants steward
watches (NOT NULL columns, NOT NULL ledger ids, a chain id beside every
ledger id), which index serves each ledger-id column, and the open findings.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from steward_lsp.engine.generate.tables import (
    association_parents,
    finding_text,
    is_chain_column,
    is_ledger_column,
    sorted_tables,
    source_place,
    table_findings,
)
from steward_lsp.engine.rules.naming import convention_name
from steward_lsp.engine.rules.table_shape import table_indexes, table_uniques

if TYPE_CHECKING:
    from steward_lsp.engine.analysis import EnvironmentAnalysis
    from steward_lsp.engine.generate import GenerateRequest
    from steward_lsp.engine.schema import ColumnDef, ForeignKeyDef, TableDef


def render_notes(
    environments: list[EnvironmentAnalysis], request: GenerateRequest
) -> str:
    """Return the Markdown of the integrity notes for ``environments``."""
    lines = [
        "# Integrity notes",
        "",
        "Constraints, indexes and invariants of every table the models declare, "
        "and the findings open on each. Written by `steward model-state` from "
        "the models; the diagram is in `data-model.mmd`.",
    ]
    for analysis in environments:
        environment = analysis.environment
        lines += ["", f"## Environment `{environment.name}`", ""]
        lines.append(f"Dialect: {environment.dialect or 'not known (default)'}.")
        if not analysis.model_schema.tables:
            lines += ["", "The models of this environment declare no tables."]
        for table in sorted_tables(analysis):
            lines += ["", *_table_notes(analysis, table, request)]
    return "\n".join(lines) + "\n"


def _table_notes(
    analysis: EnvironmentAnalysis, table: TableDef, request: GenerateRequest
) -> list[str]:
    lines = [f"### `{table.key}`", ""]
    place = source_place(table, request.root)
    if table.class_name and place:
        lines += [f"Model `{table.class_name}` in `{place}`.", ""]
    elif place:
        lines += [f"Declared in `{place}`.", ""]
    linked = association_parents(table)
    if linked is not None:
        lines += [
            f"Association table: {' and '.join(f'`{t}`' for t in linked)} are "
            "many-to-many through it.",
            "",
        ]
    lines.append(f"- Primary key: {_primary_key(analysis, table)}")
    lines += _listed("Unique constraints", _uniques(analysis, table))
    lines += _listed(
        "Foreign keys", [_foreign_key(analysis, table, fk) for fk in _fks(table)]
    )
    lines += _listed("Checks", [_check(c.name, c.sqltext) for c in table.checks])
    lines += _listed("Indexes", _indexes(analysis, table))
    lines += _listed("Invariants", _invariants(analysis, table))
    lines += _listed("Ledger-id coverage", _ledger_coverage(analysis, table))
    findings = table_findings(analysis, table)
    lines += _listed("Open findings", [finding_text(f, request.root) for f in findings])
    return lines


def _listed(title: str, items: Iterable[str]) -> list[str]:
    entries = list(items)
    if not entries:
        return [f"- {title}: none"]
    return [f"- {title}:", *(f"  - {entry}" for entry in entries)]


def _columns(columns: Iterable[str]) -> str:
    return "(" + ", ".join(f"`{c}`" for c in columns) + ")"


def _named(name: str | None, columns: Iterable[str]) -> str:
    label = f"`{name}` " if name else "unnamed "
    return label + _columns(columns)


def _primary_key(analysis: EnvironmentAnalysis, table: TableDef) -> str:
    if not table.primary_key:
        return "none"
    convention = analysis.model_schema.convention_of(table)
    name = convention_name(
        convention,
        "pk",
        table.name,
        table.primary_key,
        table.primary_key_name,
        schema=table.schema,
    )
    return _named(name, table.primary_key)


def _uniques(analysis: EnvironmentAnalysis, table: TableDef) -> list[str]:
    convention = analysis.model_schema.convention_of(table)
    return [_named(u.name, u.columns) for u in table_uniques(table, convention)]


def _fks(table: TableDef) -> list[ForeignKeyDef]:
    return sorted(table.all_foreign_keys(), key=lambda fk: fk.columns)


def _foreign_key(
    analysis: EnvironmentAnalysis, table: TableDef, fk: ForeignKeyDef
) -> str:
    convention = analysis.model_schema.convention_of(table)
    name = convention_name(
        convention,
        "fk",
        table.name,
        fk.columns,
        fk.name,
        fk.referred_table,
        fk.referred_columns,
        schema=table.schema,
    )
    referred = fk.referred_table
    if fk.referred_schema:
        referred = f"{fk.referred_schema}.{referred}"
    text = f"{_named(name, fk.columns)} → `{referred}` {_columns(fk.referred_columns)}"
    text += f", on delete {fk.ondelete or 'not set (the database default, NO ACTION)'}"
    if fk.onupdate:
        text += f", on update {fk.onupdate}"
    if analysis.model_schema.get(fk.referred_table, fk.referred_schema) is None:
        text += "; no model declares the referred table"
    return text


def _check(name: str | None, sqltext: str) -> str:
    return f"`{name}`: `{sqltext}`" if name else f"unnamed: `{sqltext}`"


def _indexes(analysis: EnvironmentAnalysis, table: TableDef) -> list[str]:
    convention = analysis.model_schema.convention_of(table)
    indexes = sorted(
        table_indexes(table, convention),
        key=lambda i: (i.name is None, i.name or "", i.expressions),
    )
    entries = []
    for index in indexes:
        unique = "unique " if index.unique else ""
        entries.append(unique + _named(index.name, index.expressions))
    return entries


def _invariants(analysis: EnvironmentAnalysis, table: TableDef) -> list[str]:
    columns = list(table.columns.values())
    required = [c.name for c in columns if not c.nullable or c.primary_key]
    entries = []
    if required:
        entries.append(f"NOT NULL: {', '.join(f'`{name}`' for name in required)}")
    ledger = [c for c in columns if is_ledger_column(c, analysis)]
    for column in ledger:
        state = "nullable (STW502)" if _nullable(column) else "NOT NULL"
        entries.append(f"ledger id `{column.name}` is {state}")
    if ledger:
        chains = [c.name for c in columns if is_chain_column(c, analysis)]
        if chains:
            names = ", ".join(f"`{name}`" for name in chains)
            entries.append(f"chain id beside the ledger ids: {names}")
        else:
            entries.append("no chain id beside the ledger ids (STW501)")
    return entries


def _nullable(column: ColumnDef) -> bool:
    return column.nullable and not column.primary_key


def _ledger_coverage(analysis: EnvironmentAnalysis, table: TableDef) -> list[str]:
    entries = []
    for column in table.columns.values():
        if not is_ledger_column(column, analysis):
            continue
        serving = _serving(analysis, table, column.name)
        if serving:
            entries.append(f"`{column.name}`: served by {', '.join(serving)}")
        else:
            entries.append(f"`{column.name}`: not indexed (STW201)")
    return entries


def _serving(analysis: EnvironmentAnalysis, table: TableDef, column: str) -> list[str]:
    """Return what serves a lookup on ``column``: it leads the key or index."""
    convention = analysis.model_schema.convention_of(table)
    serving = []
    if table.primary_key[:1] == (column,):
        serving.append("the primary key")
    serving += [
        f"unique constraint {_label(u.name)}"
        for u in table_uniques(table, convention)
        if u.columns[:1] == (column,)
    ]
    serving += [
        f"{'unique ' if i.unique else ''}index {_label(i.name)}"
        for i in table_indexes(table, convention)
        if i.expressions[:1] == (column,)
    ]
    return sorted(serving)


def _label(name: str | None) -> str:
    return f"`{name}`" if name else "(unnamed)"
