"""Ledger rules on the model schema: STW501 and STW502.

A ledger id (transaction hash, anchor id) only identifies a record together
with the chain it lives on, must always be present, and must fit the longest
id the configured ledgers produce.
"""

from __future__ import annotations

import fnmatch

from steward_lsp.engine.findings import Finding
from steward_lsp.engine.rules.context import RuleContext
from steward_lsp.engine.rules.indexes import is_ledger_id
from steward_lsp.engine.schema import ColumnDef, TableDef, TypeSpec

_STRING_TYPES = {"String", "VARCHAR", "Unicode", "NVARCHAR", "CHAR", "NCHAR"}


def check_ledger(context: RuleContext) -> list[Finding]:
    """Report ledger ids without a chain id, nullable or too short."""
    settings = context.settings
    findings: list[Finding] = []
    for table in context.model_schema.tables.values():
        ledger_columns = [
            c
            for c in table.columns.values()
            if is_ledger_id(c, settings.ledger_id_patterns) and c.location is not None
        ]
        if not ledger_columns:
            continue
        if not _has_chain_id(table, settings.chain_id_patterns):
            findings.append(
                _missing_chain_id(table, ledger_columns[0], settings.chain_id_patterns)
            )
        for column in ledger_columns:
            findings.extend(
                _weak_ledger_id(table, column, settings.ledger_id_min_length)
            )
    return findings


def _has_chain_id(table: TableDef, patterns: list[str]) -> bool:
    return any(
        fnmatch.fnmatchcase(name, pattern)
        for name in table.columns
        for pattern in patterns
    )


def _missing_chain_id(
    table: TableDef, column: ColumnDef, patterns: list[str]
) -> Finding:
    assert column.location is not None
    message = (
        f"table {table.key} stores ledger id {column.name} but no chain or network "
        f"id (a column matching {', '.join(patterns)}), so the same id on two "
        "chains cannot be told apart; add a chain_id column"
    )
    return Finding(
        "STW501",
        message,
        column.location,
        data={"table": table.key, "column": column.name},
    )


def _weak_ledger_id(
    table: TableDef, column: ColumnDef, min_length: int
) -> list[Finding]:
    assert column.location is not None
    qualified = f"{table.key}.{column.name}"
    findings: list[Finding] = []
    if column.nullable and not column.primary_key:
        message = (
            f"ledger-id column {qualified} is nullable, so a record can lose its "
            "anchor on the ledger; declare it nullable=False"
        )
        findings.append(
            Finding(
                "STW502",
                message,
                column.location,
                data={"table": table.key, "column": column.name, "problem": "nullable"},
            )
        )
    length = string_length(column.type)
    if length is not None and length < min_length:
        message = (
            f"ledger-id column {qualified} holds {length} characters but ledger ids "
            f"take up to {min_length}; declare String({min_length})"
        )
        findings.append(
            Finding(
                "STW502",
                message,
                column.location,
                data={
                    "table": table.key,
                    "column": column.name,
                    "problem": "length",
                    "length": length,
                    "min_length": min_length,
                },
            )
        )
    return findings


def string_length(spec: TypeSpec | None) -> int | None:
    """Return the declared length of a string type, or None."""
    if spec is None or not spec.known:
        return None
    if spec.name.rpartition(".")[2] not in _STRING_TYPES:
        return None
    length = spec.args[0] if spec.args else spec.kwarg("length")
    return length if isinstance(length, int) and not isinstance(length, bool) else None
