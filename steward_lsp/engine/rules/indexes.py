"""Index rules on the model schema: STW201 and STW202.

A lookup on columns C is served when C is the primary key, or the leading
columns of an index or a unique constraint, in any order.
"""

from __future__ import annotations

import fnmatch

from steward_lsp.engine.findings import Finding
from steward_lsp.engine.rules.context import RuleContext
from steward_lsp.engine.rules.table_shape import (
    IndexShape,
    is_covered,
    leading_columns,
    table_indexes,
)
from steward_lsp.engine.schema import ColumnDef, TableDef


def is_ledger_id(column: ColumnDef, patterns: list[str]) -> bool:
    """Return whether the column name matches one of the ledger-id patterns."""
    return any(fnmatch.fnmatchcase(column.name, pattern) for pattern in patterns)


def check_indexes(context: RuleContext) -> list[Finding]:
    """Report ledger-id and foreign-key columns that no index serves."""
    findings: list[Finding] = []
    for table in context.model_schema.tables.values():
        if table.uncertain:
            continue
        convention = context.model_schema.convention_of(table)
        covering = leading_columns(table, convention)
        findings.extend(
            _ledger_ids(table, covering, context.settings.ledger_id_patterns)
        )
        findings.extend(_foreign_keys(table, covering))
        findings.extend(_redundant_indexes(table, convention))
    return findings


def _ledger_ids(
    table: TableDef, covering: list[tuple[str, ...]], patterns: list[str]
) -> list[Finding]:
    findings: list[Finding] = []
    for column in table.columns.values():
        if not is_ledger_id(column, patterns) or column.location is None:
            continue
        if is_covered((column.name,), covering):
            continue
        message = (
            f"ledger-id column {table.key}.{column.name} is not indexed, so looking "
            "up a document by its ledger id scans the table; add index=True or "
            "an index that starts with it"
        )
        findings.append(
            Finding(
                "STW201",
                message,
                column.location,
                data={"table": table.key, "column": column.name, "fix": "index=True"},
            )
        )
    return findings


def _foreign_keys(table: TableDef, covering: list[tuple[str, ...]]) -> list[Finding]:
    findings: list[Finding] = []
    reported: set[tuple[str, ...]] = set()
    for fk in table.all_foreign_keys():
        if not fk.columns or fk.columns in reported:
            continue
        if is_covered(fk.columns, covering):
            continue
        reported.add(fk.columns)
        single = table.columns.get(fk.columns[0]) if len(fk.columns) == 1 else None
        location = (
            (single.location if single else None) or fk.location or table.location
        )
        if location is None:
            continue
        columns = ", ".join(fk.columns)
        message = (
            f"foreign-key column{'s' if len(fk.columns) > 1 else ''} {table.key}"
            f"({columns}) referring to {fk.referred_table} "
            f"{'is' if len(fk.columns) == 1 else 'are'} not indexed, so joins and "
            f"deletes on {fk.referred_table} scan {table.key}; "
            + ("add index=True" if single else "add an index that starts with them")
        )
        findings.append(
            Finding(
                "STW202",
                message,
                location,
                data={
                    "table": table.key,
                    "columns": list(fk.columns),
                    "fix": "index=True" if single else "index",
                },
            )
        )
    return findings


def _redundant_indexes(table: TableDef, convention: dict[str, str]) -> list[Finding]:
    """Report plain indexes whose columns lead another index or the primary key.

    A unique index enforces something the longer index does not, and an index
    with dialect options (``postgresql_where``, ``postgresql_using``) may serve
    other queries, so neither is reported.
    """
    indexes = table_indexes(table, convention)
    longer: list[tuple[str, tuple[str, ...]]] = [
        (f"index {i.name}", i.expressions) for i in indexes if not i.has_dialect_options
    ]
    if table.primary_key:
        longer.append(("the primary key", table.primary_key))
    findings: list[Finding] = []
    for position, index in enumerate(indexes):
        if index.unique or index.has_dialect_options or index.location is None:
            continue
        covering = _covering_index(index, position, indexes, longer)
        if covering is None:
            continue
        message = (
            f"index {index.name} on {table.key}({', '.join(index.expressions)}) is "
            f"redundant: {covering} starts with the same columns and serves every "
            "lookup it does; drop it in the model and author a migration that "
            "drops it"
        )
        findings.append(
            Finding(
                "STW204",
                message,
                index.location,
                data={"table": table.key, "index": index.name, "covered_by": covering},
            )
        )
    return findings


def _covering_index(
    index: IndexShape,
    position: int,
    indexes: list[IndexShape],
    longer: list[tuple[str, tuple[str, ...]]],
) -> str | None:
    size = len(index.expressions)
    for label, expressions in longer:
        if label == f"index {index.name}" or expressions[:size] != index.expressions:
            continue
        if len(expressions) > size:
            return label
        # Two indexes on the same columns: the first declared one stays.
        twin = next((i for i in indexes if f"index {i.name}" == label), None)
        if twin is None or indexes.index(twin) < position or twin.unique:
            return label
    return None
