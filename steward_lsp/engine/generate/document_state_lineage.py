"""The ledger-id lineage section of ``data-contract.md``.

For every table that stores a ledger id: the chain-id columns beside it, the
tables it refers to, and the tables that reach it through foreign keys,
directly or through other tables. A reader sees which rows a ledger id
vouches for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from steward_lsp.engine.generate.tables import (
    Reference,
    is_chain_column,
    is_ledger_column,
    references,
    sorted_tables,
)

if TYPE_CHECKING:
    from steward_lsp.engine.analysis import EnvironmentAnalysis
    from steward_lsp.engine.schema import TableDef


def render_lineage(analysis: EnvironmentAnalysis) -> list[str]:
    """Return the lineage section of one environment."""
    lines = ["### Ledger-id lineage", ""]
    edges = [r for r in references(analysis) if r.parent is not None]
    holders = [t for t in sorted_tables(analysis) if _ledger_columns(analysis, t)]
    if not holders:
        return [*lines, "No table stores a ledger id."]
    for table in holders:
        lines.append(f"- {_holder(analysis, table)}")
        parents = [r for r in edges if r.child.key == table.key]
        for reference in parents:
            lines.append(f"  - refers to {_edge_text(reference, reference.parent_key)}")
        referencing = _referencing(table.key, edges, {table.key}, depth=1)
        if referencing:
            lines += referencing
        else:
            lines.append("  - no table refers to it")
    return lines


def _ledger_columns(analysis: EnvironmentAnalysis, table: TableDef) -> list[str]:
    return [c.name for c in table.columns.values() if is_ledger_column(c, analysis)]


def _holder(analysis: EnvironmentAnalysis, table: TableDef) -> str:
    ledger = ", ".join(f"`{name}`" for name in _ledger_columns(analysis, table))
    chains = [c.name for c in table.columns.values() if is_chain_column(c, analysis)]
    chain_text = (
        "chain id " + ", ".join(f"`{name}`" for name in chains)
        if chains
        else "no chain id (STW501)"
    )
    return f"`{table.key}` stores ledger id {ledger}, with {chain_text}"


def _referencing(
    key: str, edges: list[Reference], seen: set[str], depth: int
) -> list[str]:
    """Return the tables that refer to ``key``, each followed by its own referrers."""
    lines = []
    for reference in edges:
        if reference.parent_key != key:
            continue
        child = reference.child.key
        indent = "  " * depth
        if child in seen:
            lines.append(
                f"{indent}- referenced by {_edge_text(reference, child)} (again)"
            )
            continue
        lines.append(f"{indent}- referenced by {_edge_text(reference, child)}")
        lines += _referencing(child, edges, seen | {child}, depth + 1)
    return lines


def _edge_text(reference: Reference, table: str) -> str:
    fk = reference.foreign_key
    columns = ", ".join(fk.columns)
    referred = ", ".join(fk.referred_columns)
    return (
        f"`{table}` through `{reference.child.key}({columns})` → "
        f"`{reference.parent_key}({referred})`"
    )
